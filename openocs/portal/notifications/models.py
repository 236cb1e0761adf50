"""Change events (a monotonically increasing sequence), webhooks and their delivery log."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class ChangeEvent(models.Model):
    """Something the scheduler or a user may react to; ``id`` is the event sequence number."""

    kind = models.CharField(max_length=60, db_index=True)
    proposal_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    telescope_class = models.CharField(max_length=20, blank=True, default="")
    replan = models.BooleanField(
        default=False, help_text="The event also moved last_changed (the scheduler replans)."
    )
    payload = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"#{self.id} {self.kind}"


class Webhook(models.Model):
    """A URL that receives signed JSON events of its owner's proposals."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, help_text="HMAC-SHA256 key; shown once.")
    description = models.CharField(max_length=200, blank=True, default="")
    proposal = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Only this proposal's events (empty: every proposal of the owner).",
    )
    event_kinds = models.JSONField(
        default=list, blank=True, help_text="Only these event kinds (empty: all)."
    )
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"Webhook {self.id} of {self.owner_id} → {self.url}"


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one webhook."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        ChangeEvent, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    event_kind = models.CharField(max_length=60)
    attempt = models.PositiveIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    success = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True, default="")
    duration_ms = models.FloatField(default=0.0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"Delivery {self.id} attempt {self.attempt} ({self.status_code})"


class EmailPreference(models.Model):
    """Opt-ins beyond the profile's notification fields (one row per user)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    every_request_state = models.BooleanField(
        default=False,
        help_text="E-mail every request state change (of the proposals the user is notified of).",
    )

    def __str__(self) -> str:
        return f"E-mail preferences of {self.user_id}"
