"""Shapes of webhooks, their delivery log, change events and e-mail preferences."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from openocs.portal.notifications import conf
from openocs.portal.notifications.destinations import destination_resolve
from openocs.portal.notifications.models import EmailPreference, Webhook, WebhookDelivery

EVENT_KINDS = [
    "requestgroup.submitted",
    "requestgroup.state_changed",
    "request.state_changed",
    "request.suspended",
    "observation.state_changed",
    "observation.end_changed",
]


class WebhookSerializer(serializers.ModelSerializer[Webhook]):
    proposal = serializers.CharField(
        source="proposal_id", required=False, allow_null=True, allow_blank=True, default=None
    )
    event_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_KINDS), required=False, default=list
    )

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "description",
            "proposal",
            "event_kinds",
            "active",
            "created",
            "modified",
        ]
        read_only_fields = ["id", "created", "modified"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("The URL must start with http:// or https://")
        # Checked when created or changed, and again at each delivery (DNS may change).
        if conf.webhook_allow_private_networks():
            return value
        refused = destination_resolve(value, allow_private=False).refused
        if refused:
            raise serializers.ValidationError(f"This destination is not allowed: {refused}.")
        return value

    def validate_proposal(self, value: str | None) -> str | None:
        if not value:
            return None
        user = self.context["request"].user
        from openocs.portal.proposals.models import Membership

        if not Membership.objects.filter(proposal_id=value, user=user).exists():
            raise serializers.ValidationError(f"You are not a member of proposal {value}")
        return value


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    event = serializers.IntegerField(source="event_id", allow_null=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_kind",
            "attempt",
            "status_code",
            "success",
            "error",
            "duration_ms",
            "next_attempt_at",
            "created",
        ]


class EmailPreferenceSerializer(serializers.ModelSerializer[EmailPreference]):
    class Meta:
        model = EmailPreference
        fields = ["every_request_state"]


class ChangesQuerySerializer(serializers.Serializer[Any]):
    after = serializers.IntegerField(min_value=0, required=False)
    timeout = serializers.FloatField(min_value=0.0, required=False, default=0.0)
    limit = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=500)
    replan = serializers.BooleanField(required=False, default=False)
