"""The downtime record (downtime-api.md §1) and its category (an OpenOCS extension)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DowntimeCategory(models.Model):
    """Why a telescope is down: maintenance, weather, engineering, education, …

    Categories are data (seeded by a migration, editable in the admin), not a hard-coded list.
    """

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "downtime categories"

    def __str__(self) -> str:
        return self.name


class Downtime(models.Model):
    """A period when a telescope, or one instrument type on it, must not be scheduled.

    Codes are stored as given (no foreign keys), so a downtime survives configdb renames.
    An empty ``instrument_type`` means the whole telescope.
    """

    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(db_index=True)
    site = models.CharField(max_length=3)
    enclosure = models.CharField(max_length=4)
    telescope = models.CharField(max_length=4)
    instrument_type = models.CharField(max_length=255, blank=True, default="")
    reason = models.CharField(max_length=3000, blank=True, default="")
    category = models.ForeignKey(
        DowntimeCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="downtimes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["site", "enclosure", "telescope", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="downtime_end_after_start"
            )
        ]

    def __str__(self) -> str:
        what = f" {self.instrument_type}" if self.instrument_type else ""
        return (
            f"{self.site}.{self.enclosure}.{self.telescope}{what} "
            f"{self.start:%Y-%m-%dT%H:%M:%SZ} – {self.end:%Y-%m-%dT%H:%M:%SZ}"
        )

    @property
    def duration_s(self) -> float:
        """How long it lasts, in seconds."""
        return (self.end - self.start).total_seconds()

    @property
    def telescope_key(self) -> str:
        """``telescope.enclosure.site`` (the key consumers group downtimes by)."""
        return f"{self.telescope}.{self.enclosure}.{self.site}".lower()
