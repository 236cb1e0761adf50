"""State samples reported by the site software (read by the ``database`` provider)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from openocs.portal.telescopestates.states import EVENT_TYPES


class TelescopeStateSample(models.Model):
    """The state of one telescope from ``start``: until ``end`` when given, otherwise until the
    telescope's next sample (see ``docs/portal-telescope-states.md`` for the stale rule)."""

    EVENT_TYPE_CHOICES = [(event_type, event_type) for event_type in EVENT_TYPES]

    telescope = models.CharField(max_length=150, help_text="site.enclosure.telescope")
    site = models.CharField(max_length=50, db_index=True)
    event_type = models.CharField(max_length=40, choices=EVENT_TYPE_CHOICES)
    event_reason = models.CharField(max_length=255, blank=True, default="")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["telescope", "start", "id"]
        indexes = [models.Index(fields=["telescope", "start"], name="telstate_telescope_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="telstate_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.telescope} {self.event_type} from {self.start.isoformat()}"
