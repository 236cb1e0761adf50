"""Observations: scheduled executions of a request on one telescope, and their progress.

An Observation has one ConfigurationStatus per configuration per configuration repeat, in
execution order; the site reports progress by patching statuses and their Summary. State
derivation and propagation live in ``states`` and ``services``, never in signals.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class ObservationState(models.TextChoices):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    NOT_ATTEMPTED = "NOT_ATTEMPTED"
    COMPLETED = "COMPLETED"
    CANCELED = "CANCELED"
    ABORTED = "ABORTED"
    FAILED = "FAILED"
    BAD_DATA = "BAD_DATA"


OBSERVATION_TERMINAL = frozenset(
    {
        ObservationState.NOT_ATTEMPTED,
        ObservationState.COMPLETED,
        ObservationState.CANCELED,
        ObservationState.ABORTED,
        ObservationState.FAILED,
        ObservationState.BAD_DATA,
    }
)


class StatusState(models.TextChoices):
    PENDING = "PENDING"
    ATTEMPTED = "ATTEMPTED"
    NOT_ATTEMPTED = "NOT_ATTEMPTED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    BAD_DATA = "BAD_DATA"


# D6: BAD_DATA is terminal; ABORTED is not a status state.
STATUS_TERMINAL = frozenset(
    {StatusState.COMPLETED, StatusState.FAILED, StatusState.NOT_ATTEMPTED, StatusState.BAD_DATA}
)


class Observation(models.Model):
    """One scheduled execution of a request on one telescope."""

    request = models.ForeignKey(
        "requestgroups.Request", on_delete=models.CASCADE, related_name="observations"
    )
    site = models.CharField(max_length=10, db_index=True)
    enclosure = models.CharField(max_length=10)
    telescope = models.CharField(max_length=10, db_index=True)
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(db_index=True)
    priority = models.PositiveIntegerField(default=10)
    state = models.CharField(
        max_length=40,
        choices=ObservationState.choices,
        default=ObservationState.PENDING,
        db_index=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["site", "telescope", "start"]),
            models.Index(fields=["state", "end"]),
        ]

    def __str__(self) -> str:
        return f"Observation {self.id} {self.site}.{self.enclosure}.{self.telescope} ({self.state})"


class ConfigurationStatus(models.Model):
    """Progress of one configuration (one repeat of it) within an observation."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="configuration_statuses"
    )
    configuration = models.ForeignKey(
        "requestgroups.Configuration",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="configuration_statuses",
    )
    instrument_name = models.CharField(max_length=255)
    guide_camera_name = models.CharField(max_length=255, blank=True, default="")
    state = models.CharField(
        max_length=40, choices=StatusState.choices, default=StatusState.PENDING, db_index=True
    )
    time_charged = models.FloatField(default=0.0, help_text="Hours charged so far.")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        verbose_name_plural = "configuration statuses"

    def __str__(self) -> str:
        return f"Status {self.id} {self.state}"


class Summary(models.Model):
    """What actually happened during a configuration status (at most one per status)."""

    configuration_status = models.OneToOneField(
        ConfigurationStatus, on_delete=models.CASCADE, related_name="summary"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    state = models.CharField(max_length=50)
    reason = models.CharField(max_length=200, blank=True, default="")
    time_completed = models.FloatField(default=0.0, help_text="Seconds of exposure completed.")
    events = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "summaries"

    def __str__(self) -> str:
        return f"{self.state} {self.time_completed} s"


class ChangeTimestamp(models.Model):
    """``last_changed`` (per telescope class and ``all``) and ``last_scheduled`` (per site)
    timestamps, in the database so every web worker shares them (§16)."""

    key = models.CharField(max_length=100, primary_key=True)
    time = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.time.isoformat()}"
