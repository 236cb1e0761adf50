"""The body of ``POST /api/scheduler/runs/`` and the documents of the runs (OpenOCS extension).

Every size is bounded, so a report costs at most a known amount to validate and store: a longer
string or list is refused with 400 naming the field.
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework import serializers

from openocs.clients.scheduling import RUN_MAX_COMPETITORS, RUN_MAX_LEFT_OUT
from openocs.portal.schedulerruns.models import (
    MAX_ERROR,
    MAX_KERNEL,
    MAX_MESSAGE,
    MAX_REASON,
    MAX_TRIGGER,
    LeftOutRequest,
    SchedulerRun,
)

MAX_LEFT_OUT = RUN_MAX_LEFT_OUT
"""The most left-out requests one report may list (the count may be higher: the list is then
marked truncated). The wire limits live beside the client that sends the reports."""
MAX_COMPETITORS = RUN_MAX_COMPETITORS
MAX_PASSES = 4
MAX_TELESCOPE_CLASSES = 50
MAX_COUNT = 10_000_000
MAX_ID = 2**63 - 1
REASON_PATTERN = r"^[A-Z][A-Z_]{0,39}$"


class FiniteFloatField(serializers.FloatField):
    """A float that is a number (JSON's NaN and Infinity are refused)."""

    def to_internal_value(self, data: Any) -> float:
        value = float(super().to_internal_value(data))
        if not math.isfinite(value):
            raise serializers.ValidationError("A finite number is required.")
        return value


class LeftOutReportSerializer(serializers.Serializer[Any]):
    """One request the run did not place and why."""

    request = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.RegexField(
        REASON_PATTERN,
        max_length=MAX_REASON,
        error_messages={"invalid": "An upper-case reason code such as NOT_VISIBLE is required."},
    )
    reference_reason = serializers.RegexField(
        r"^[A-Za-z]*$", max_length=MAX_REASON, required=False, allow_blank=True, default=""
    )
    message = serializers.CharField(
        max_length=MAX_MESSAGE, required=False, allow_blank=True, default=""
    )
    competitors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_COMPETITORS,
        required=False,
        default=list,
    )


class PassReportSerializer(serializers.Serializer[Any]):
    """The figures of one pass (rapid response, normal)."""

    name = serializers.CharField(max_length=40)
    kernel = serializers.CharField(max_length=MAX_KERNEL, required=False, allow_blank=True)
    status = serializers.CharField(max_length=40, required=False, allow_blank=True)
    placed = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    value = FiniteFloatField(required=False, allow_null=True)
    bound = FiniteFloatField(required=False, allow_null=True)
    gap = FiniteFloatField(required=False, allow_null=True)
    solve_time_s = FiniteFloatField(min_value=0, required=False, allow_null=True)
    message = serializers.CharField(max_length=MAX_MESSAGE, required=False, allow_blank=True)


def _count() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)


class RunReportSerializer(serializers.Serializer[Any]):
    """``POST /api/scheduler/runs/``: one scheduling cycle."""

    started = serializers.DateTimeField()
    ended = serializers.DateTimeField()
    duration_s = FiniteFloatField(min_value=0, max_value=1e7, required=False, allow_null=True)
    kernel = serializers.CharField(max_length=MAX_KERNEL)
    trigger = serializers.CharField(
        max_length=MAX_TRIGGER, required=False, allow_blank=True, default=""
    )
    telescope_classes = serializers.ListField(
        child=serializers.CharField(max_length=20),
        max_length=MAX_TELESCOPE_CLASSES,
        required=False,
        default=list,
    )
    ok = serializers.BooleanField(required=False, default=True)
    error = serializers.CharField(
        max_length=MAX_ERROR, required=False, allow_blank=True, default=""
    )
    dry_run = serializers.BooleanField(required=False, default=False)
    requests_considered = _count()
    requests_placed = _count()
    requests_left_out = _count()
    created = _count()
    cancelled = _count()
    aborted = _count()
    value = FiniteFloatField(required=False, allow_null=True, default=None)
    bound = FiniteFloatField(required=False, allow_null=True, default=None)
    gap = FiniteFloatField(required=False, allow_null=True, default=None)
    passes = serializers.ListField(
        child=PassReportSerializer(), max_length=MAX_PASSES, required=False, default=list
    )
    left_out = serializers.ListField(
        child=LeftOutReportSerializer(), max_length=MAX_LEFT_OUT, required=False, default=list
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["ended"] < attrs["started"]:
            raise serializers.ValidationError({"ended": ["ended must not be before started."]})
        if attrs.get("duration_s") is None:
            attrs["duration_s"] = (attrs["ended"] - attrs["started"]).total_seconds()
        left_out = attrs["left_out"]
        if len(left_out) > attrs["requests_left_out"]:
            raise serializers.ValidationError(
                {"left_out": ["The list is longer than requests_left_out."]}
            )
        ids = [item["request"] for item in left_out]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError({"left_out": ["A request is listed twice."]})
        return attrs


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def run_document(run: SchedulerRun) -> dict[str, Any]:
    """The summary of a run (lists; the detail adds ``left_out``)."""
    return {
        "id": run.pk,
        "started": _iso(run.started),
        "ended": _iso(run.ended),
        "duration_s": run.duration_s,
        "kernel": run.kernel,
        "trigger": run.trigger,
        "telescope_classes": run.telescope_classes,
        "ok": run.ok,
        "error": run.error,
        "dry_run": run.dry_run,
        "requests_considered": run.requests_considered,
        "requests_placed": run.requests_placed,
        "requests_left_out": run.requests_left_out,
        "left_out_truncated": run.left_out_truncated,
        "created": run.created_count,
        "cancelled": run.cancelled_count,
        "aborted": run.aborted_count,
        "value": run.value,
        "bound": run.bound,
        "gap": run.gap,
        "passes": run.passes,
        "received": _iso(run.received),
    }


def left_out_document(item: LeftOutRequest) -> dict[str, Any]:
    return {
        "request": item.request_id,
        "reason": item.reason,
        "reference_reason": item.reference_reason,
        "message": item.message,
        "competitors": item.competitors,
    }
