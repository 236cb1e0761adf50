"""Observation and configuration-status shapes (``portal-api.md`` §13, §14)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from openocs.portal.observations.models import (
    ConfigurationStatus,
    Observation,
    ObservationState,
    StatusState,
)
from openocs.portal.requestgroups.models import Configuration, Request
from openocs.portal.requestgroups.serializers import render_configuration, render_request
from openocs.web.filters import INTEGER_MAX
from openocs.web.limits import max_bulk_items

ValidationError = serializers.ValidationError
_DATETIME = serializers.DateTimeField()


def _dt(value: Any) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def render_summary(status: ConfigurationStatus) -> dict[str, Any]:
    summary = getattr(status, "summary", None)
    if summary is None:
        return {}
    return {
        "start": _dt(summary.start),
        "end": _dt(summary.end),
        "state": summary.state,
        "reason": summary.reason,
        "time_completed": summary.time_completed,
        "events": summary.events,
    }


def render_status(status: ConfigurationStatus) -> dict[str, Any]:
    return {
        "id": status.id,
        "configuration": status.configuration_id,
        "instrument_name": status.instrument_name,
        "guide_camera_name": status.guide_camera_name,
        "state": status.state,
        "summary": render_summary(status),
    }


def render_observation_short(observation: Observation) -> dict[str, Any]:
    """The short shape of ``requests/{id}/observations/`` (§11.3)."""
    return {
        "id": observation.id,
        "site": observation.site,
        "enclosure": observation.enclosure,
        "telescope": observation.telescope,
        "start": _dt(observation.start),
        "end": _dt(observation.end),
        "priority": observation.priority,
        "state": observation.state,
        "request": observation.request_id,
        "configuration_statuses": [
            render_status(s) for s in observation.configuration_statuses.all()
        ],
    }


def render_observation(observation: Observation) -> dict[str, Any]:
    """The full observation shape of §13.1, configurations expanded per repeat."""
    request = observation.request
    group = request.request_group
    request_data = render_request(request, list_shape=True)
    request_data.pop("location", None)
    request_data.pop("windows", None)
    configurations = list(request.configurations.all())
    by_id = {c.id: c for c in configurations}
    expanded = []
    for index, status in enumerate(observation.configuration_statuses.all()):
        configuration = by_id.get(status.configuration_id) if status.configuration_id else None
        if configuration is None:
            expanded.append({"configuration_status": status.id, "state": status.state})
            continue
        repeat = index // max(len(configurations), 1)
        data = render_configuration(configuration, list_shape=True)
        data.update(
            configuration_status=status.id,
            state=status.state,
            instrument_name=status.instrument_name,
            guide_camera_name=status.guide_camera_name,
            summary=render_summary(status),
            priority=configuration.priority + repeat * len(configurations),
        )
        expanded.append(data)
    request_data["configurations"] = expanded
    return {
        "id": observation.id,
        "site": observation.site,
        "enclosure": observation.enclosure,
        "telescope": observation.telescope,
        "start": _dt(observation.start),
        "end": _dt(observation.end),
        "priority": observation.priority,
        "state": observation.state,
        "created": _dt(observation.created),
        "modified": _dt(observation.modified),
        "proposal": group.proposal_id,
        "submitter": group.submitter.username,
        "name": group.name,
        "ipp_value": group.ipp_value,
        "observation_type": group.observation_type,
        "request_group_id": group.id,
        "request": request_data,
    }


def render_observation_single(observation: Observation) -> dict[str, Any]:
    """The single-object create/update shape of §13.2 (no ``id``, as the reference)."""
    return {
        "site": observation.site,
        "enclosure": observation.enclosure,
        "telescope": observation.telescope,
        "start": _dt(observation.start),
        "end": _dt(observation.end),
        "priority": observation.priority,
        "configuration_statuses": [
            render_status(s) for s in observation.configuration_statuses.all()
        ],
        "request": observation.request_id,
        "state": observation.state,
        "modified": _dt(observation.modified),
        "created": _dt(observation.created),
    }


class ConfigurationStatusInputSerializer(serializers.Serializer[Any]):
    configuration = serializers.PrimaryKeyRelatedField(queryset=Configuration.objects.all())
    instrument_name = serializers.CharField(max_length=255)
    guide_camera_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )


class ObservationInputSerializer(serializers.Serializer[Any]):
    request = serializers.PrimaryKeyRelatedField(
        queryset=Request.objects.select_related("request_group__proposal", "location")
    )
    site = serializers.CharField(max_length=10)
    enclosure = serializers.CharField(max_length=10)
    telescope = serializers.CharField(max_length=10)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    priority = serializers.IntegerField(min_value=1, default=10)
    configuration_statuses = ConfigurationStatusInputSerializer(many=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from openocs.portal.observations.validation import observation_rules

        return observation_rules(attrs, user=self.context["user"])


class ObservationPatchSerializer(serializers.Serializer[Any]):
    end = serializers.DateTimeField(required=False)
    state = serializers.CharField(required=False)

    def validate_end(self, value: Any) -> Any:
        if value <= timezone.now():
            raise ValidationError("Updated end time must be in the future")
        return value

    def validate_state(self, value: str) -> str:
        if value != ObservationState.BAD_DATA:
            raise ValidationError("Observation state can only be updated to BAD_DATA")
        if not self.context["user"].is_staff:
            raise ValidationError("Only staff accounts can update Observation state")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "end" not in attrs and "state" not in attrs:
            raise ValidationError("Observation update must include `end` or `state` field")
        return attrs


class ObservationCancelSerializer(serializers.Serializer[Any]):
    # Ids are 64-bit columns: a larger one is refused before any query; their number is bounded
    # like any bulk call's items (OCS_MAX_BULK_ITEMS, read at request time in validate_ids).
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=-INTEGER_MAX - 1, max_value=INTEGER_MAX),
        min_length=1,
        required=False,
    )
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    site = serializers.CharField(required=False)
    enclosure = serializers.CharField(required=False)
    telescope = serializers.CharField(required=False)
    include_normal = serializers.BooleanField(default=True)
    include_rr = serializers.BooleanField(default=False)
    include_direct = serializers.BooleanField(default=False)
    preemption_enabled = serializers.BooleanField(default=False)

    def validate_ids(self, value: list[int]) -> list[int]:
        limit = max_bulk_items()
        if len(value) > limit:
            raise ValidationError(
                f"Ensure this list has no more than {limit} items (OCS_MAX_BULK_ITEMS)."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("ids") and not (attrs.get("start") and attrs.get("end")):
            raise ValidationError(
                "Must include either an observation id list or a start and end time"
            )
        return attrs


class SummaryInputSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    state = serializers.CharField(max_length=50)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    time_completed = serializers.FloatField(min_value=0.0)
    events = serializers.JSONField(required=False, default=dict)


class ConfigurationStatusPatchSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=StatusState.choices, required=False)
    summary = SummaryInputSerializer(required=False)
    end = serializers.DateTimeField(required=False)
    exposures_start_at = serializers.DateTimeField(required=False)

    def validate_end(self, value: Any) -> Any:
        if value <= timezone.now():
            raise ValidationError("Updated end time must be in the future")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "end" in attrs and "exposures_start_at" in attrs:
            raise ValidationError("Cannot specify both an end time and an exposures_start_at time")
        status: ConfigurationStatus = self.context["status"]
        observation_start = status.observation.start
        if attrs.get("state") == StatusState.COMPLETED and timezone.now() < observation_start:
            raise ValidationError(
                {
                    "state": [
                        "A configuration cannot be COMPLETED before its observation starts "
                        f"({observation_start.strftime('%Y-%m-%dT%H:%M:%SZ')})"
                    ]
                }
            )
        start = attrs.get("exposures_start_at")
        if start is not None and start < status.observation.start:
            raise ValidationError(
                {
                    "exposures_start_at": [
                        "Updated exposure start time must be after the observation start time"
                    ]
                }
            )
        return attrs
