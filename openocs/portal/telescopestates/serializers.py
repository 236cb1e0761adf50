"""Parsing of the site agents' reports and rendering of states (portal-api.md §17.3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rest_framework import serializers
from rest_framework.fields import DateTimeField

from openocs.portal.telescopestates.models import TelescopeStateSample
from openocs.portal.telescopestates.states import EVENT_TYPES, StateInterval


class SampleReportSerializer(serializers.Serializer[Any]):
    """One report: ``{"telescope": "coj.doma.1m0a", "event_type": …, "event_reason": …,
    "start": …, "end": … (optional)}``. ``context["telescope_keys"]`` holds the network's keys."""

    telescope = serializers.CharField(max_length=150)
    event_type = serializers.ChoiceField(choices=EVENT_TYPES)
    event_reason = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_telescope(self, value: str) -> str:
        if value not in self.context["telescope_keys"]:
            raise serializers.ValidationError(
                f"Unknown telescope {value!r}: expected site.enclosure.telescope of the network."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("end") is not None and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["end must be after start."]})
        return attrs


def _dt(value: datetime) -> str:
    return str(DateTimeField().to_representation(value))


def render_sample(sample: TelescopeStateSample) -> dict[str, Any]:
    return {
        "id": sample.id,
        "telescope": sample.telescope,
        "event_type": sample.event_type,
        "event_reason": sample.event_reason,
        "start": _dt(sample.start),
        "end": _dt(sample.end) if sample.end is not None else None,
    }


def render_states(states: Mapping[str, Sequence[StateInterval]]) -> dict[str, Any]:
    return {
        key: [
            {
                "telescope": interval.telescope,
                "event_type": interval.event_type,
                "event_reason": interval.event_reason,
                "start": _dt(interval.start),
                "end": _dt(interval.end),
            }
            for interval in intervals
        ]
        for key, intervals in states.items()
    }
