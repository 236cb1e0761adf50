"""Time-allocation and IPP checks of a submission (``portal-api.md`` §7.2–§7.5).

The accounting key (TAK) of a request and instrument type is (semester, instrument type). A
group's duration on a key is the **sum** over its requests (D5) of each request's duration on
that instrument type, rounded up to whole seconds per request. Nothing but IPP is debited at
submission; the debit goes through the proposals app's ledger.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from openocs.portal.requestgroups.context import ValidationContext

_AVAILABLE = {
    "NORMAL": ("std_allocation", "std_time_used"),
    "RAPID_RESPONSE": ("rr_allocation", "rr_time_used"),
    "TIME_CRITICAL": ("tc_allocation", "tc_time_used"),
}


@dataclass(frozen=True)
class AccountingKey:
    semester: str
    instrument_type: str


def _semester_of(request: Mapping[str, Any]) -> Any:
    from openocs.portal.proposals.models import Semester

    windows = request.get("windows") or []
    start = min(w["start"] for w in windows)
    end = max(w["end"] for w in windows)
    return Semester.objects.filter(start__lte=start, end__gte=end).order_by("start").first()


def group_durations_by_key_h(attrs: Mapping[str, Any]) -> dict[AccountingKey, float]:
    """Hours per accounting key of a validated group (D5: summed over its requests)."""
    totals: dict[AccountingKey, float] = {}
    for request in attrs["requests"]:
        semester = _semester_of(request)
        if semester is None:
            continue
        for instrument_type, seconds in request["duration_by_instrument_type"].items():
            key = AccountingKey(semester.pk, instrument_type.upper())
            totals[key] = totals.get(key, 0.0) + math.ceil(seconds) / 3600.0
    return totals


def allocation_for(proposal: Any, key: AccountingKey) -> Any:
    """The proposal's allocation covering ``key``'s instrument type in its semester, if any."""
    from openocs.portal.proposals.models import TimeAllocation

    for allocation in TimeAllocation.objects.filter(proposal=proposal, semester_id=key.semester):
        if key.instrument_type in {t.upper() for t in allocation.instrument_types}:
            return allocation
    return None


def ipp_error(ipp_value: float, observation_type: str, instrument_type: str, maximum: float) -> str:
    return (
        f'TimeAllocationError("An IPP Value of {ipp_value!r} requires more IPP time than you have '
        f"available for '{observation_type}' Observation with the {instrument_type} . Please "
        f'lower your IPP Value to <= {maximum} and submit again.")'
    )


def check_time_allocation(attrs: dict[str, Any], ocs: ValidationContext) -> None:
    """§7.2 allocation checks per key, then the IPP check of §7.3 for NORMAL groups."""
    from openocs.portal.requestgroups.rules import rapid_response_window_rules

    proposal = attrs["proposal"]
    observation_type = attrs["observation_type"]
    allocation_field, used_field = _AVAILABLE[observation_type]
    overuse = float(_setting("PROPOSAL_TIME_OVERUSE_ALLOWANCE", 1.1))
    for key, hours in group_durations_by_key_h(attrs).items():
        allocation = allocation_for(proposal, key)
        if allocation is None:
            raise serializers.ValidationError(
                f"You do not have sufficient {observation_type} time allocated on the instrument "
                "you're requesting for this proposal."
            )
        available = getattr(allocation, allocation_field) - getattr(allocation, used_field)
        if observation_type == "RAPID_RESPONSE":
            rapid_response_window_rules(attrs, ocs.now, hours * 3600.0)
        if available <= 0:
            raise serializers.ValidationError(
                f"Proposal {proposal.pk} does not have any {observation_type} time left allocated "
                f"in semester {key.semester} on {key.instrument_type} instruments"
            )
        if available * overuse < hours:
            raise serializers.ValidationError(
                f"Proposal {proposal.pk} does not have enough {observation_type} time allocated "
                f"in semester {key.semester}"
            )
    if observation_type == "NORMAL" and attrs["ipp_value"] > 1.0:
        for key, hours in group_durations_by_key_h(attrs).items():
            allocation = allocation_for(proposal, key)
            needed = hours * (attrs["ipp_value"] - 1.0)
            if allocation.ipp_time_available < needed:
                maximum = math.floor((allocation.ipp_time_available / hours + 1) * 1000) / 1000
                raise serializers.ValidationError(
                    ipp_error(attrs["ipp_value"], observation_type, key.instrument_type, maximum)
                )


def _setting(name: str, default: float) -> float:
    from django.conf import settings

    return float(getattr(settings, name, default))


def max_allowable_ipp(attrs: Mapping[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    """§10.5: per semester and instrument type, the IPP range the proposal can afford."""
    from openocs.portal.requestgroups.rules import MAX_IPP_VALUE, MIN_IPP_VALUE

    result: dict[str, dict[str, dict[str, float]]] = {}
    for key, hours in group_durations_by_key_h(attrs).items():
        allocation = allocation_for(attrs["proposal"], key)
        if allocation is None:
            continue
        available = float(allocation.ipp_time_available)
        maximum = min(available / hours + 1 if hours > 0 else MAX_IPP_VALUE, MAX_IPP_VALUE)
        result.setdefault(key.semester, {})[key.instrument_type] = {
            "ipp_time_available": available,
            "ipp_limit": float(allocation.ipp_limit),
            "request_duration": hours,
            "max_allowable_ipp_value": math.floor(maximum * 1000) / 1000,
            "min_allowable_ipp_value": MIN_IPP_VALUE,
        }
    return result
