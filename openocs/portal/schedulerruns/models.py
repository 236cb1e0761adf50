"""A scheduler run and the requests it left out, with the reason it gave for each."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

MAX_KERNEL = 64
MAX_TRIGGER = 200
MAX_ERROR = 2000
MAX_MESSAGE = 300  # openocs.clients.scheduling.RUN_MAX_MESSAGE
MAX_REASON = 40


class SchedulerRun(models.Model):
    """One scheduling cycle as the scheduler reported it."""

    started = models.DateTimeField(db_index=True)
    ended = models.DateTimeField()
    duration_s = models.FloatField()
    kernel = models.CharField(max_length=MAX_KERNEL)
    trigger = models.CharField(
        max_length=MAX_TRIGGER, blank=True, default="", help_text="Why the cycle ran."
    )
    telescope_classes = models.JSONField(
        default=list, help_text="The classes this scheduler plans (empty: all)."
    )
    ok = models.BooleanField(default=True)
    error = models.TextField(blank=True, default="")
    dry_run = models.BooleanField(default=False)
    requests_considered = models.PositiveIntegerField(default=0)
    requests_placed = models.PositiveIntegerField(default=0)
    requests_left_out = models.PositiveIntegerField(default=0)
    left_out_listed = models.PositiveIntegerField(
        default=0, help_text="How many left-out requests the report listed (at most the count)."
    )
    created_count = models.PositiveIntegerField(default=0)
    cancelled_count = models.PositiveIntegerField(default=0)
    aborted_count = models.PositiveIntegerField(default=0)
    value = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    passes = models.JSONField(default=list, help_text="Per pass: name, kernel, status, figures.")
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} at {self.started:%Y-%m-%d %H:%M:%S}"

    @property
    def left_out_truncated(self) -> bool:
        """Whether the report listed fewer left-out requests than it counted."""
        return self.requests_left_out > self.left_out_listed


class LeftOutRequest(models.Model):
    """A request a run did not place and why (``competitors``: requests that took its time)."""

    run = models.ForeignKey(SchedulerRun, on_delete=models.CASCADE, related_name="left_out")
    request_id = models.PositiveBigIntegerField(db_index=True)
    reason = models.CharField(max_length=MAX_REASON)
    reference_reason = models.CharField(max_length=MAX_REASON, blank=True, default="")
    message = models.CharField(max_length=MAX_MESSAGE, blank=True, default="")
    competitors = models.JSONField(default=list)

    class Meta:
        ordering: ClassVar[list[str]] = ["request_id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["run", "request_id"], name="left_out_once_per_run")
        ]

    def __str__(self) -> str:
        return f"request {self.request_id}: {self.reason}"
