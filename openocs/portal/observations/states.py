"""Observation state derivation (``portal-api.md`` §8.2) and remaining time (§5.6)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings

from openocs.portal.observations.models import ConfigurationStatus, ObservationState, StatusState

RESCHEDULING_STATES = frozenset(
    {ObservationState.FAILED, ObservationState.ABORTED, ObservationState.NOT_ATTEMPTED}
)


def max_failures_per_request() -> int:
    """``MAX_FAILURES_PER_REQUEST``: FAILED observations before a request gives up (0: never)."""
    return int(getattr(settings, "MAX_FAILURES_PER_REQUEST", 0))


def observation_state_from_statuses(statuses: Iterable[str], current: str) -> str:
    """The first matching rule of §8.2's table."""
    found = list(statuses)
    kinds = set(found)
    if not found:
        return current
    if kinds == {StatusState.PENDING}:
        return ObservationState.PENDING
    if kinds == {StatusState.NOT_ATTEMPTED}:
        return ObservationState.NOT_ATTEMPTED
    if kinds <= {StatusState.PENDING, StatusState.NOT_ATTEMPTED}:
        return ObservationState.PENDING
    if kinds <= {StatusState.PENDING, StatusState.ATTEMPTED}:
        return ObservationState.IN_PROGRESS
    if StatusState.BAD_DATA in kinds:
        return ObservationState.BAD_DATA
    if StatusState.NOT_ATTEMPTED in kinds or StatusState.FAILED in kinds:
        return ObservationState.FAILED
    if "ABORTED" in kinds:
        return ObservationState.ABORTED
    if kinds == {StatusState.COMPLETED}:
        return ObservationState.COMPLETED
    return current


def remaining_duration_s(
    statuses: Sequence[ConfigurationStatus], *, include_front_padding: bool = True
) -> float:
    """Estimated seconds of the given statuses' configurations (each repeat counted)."""
    from openocs.portal.requestgroups.configuration import load_portal_configuration
    from openocs.portal.requestgroups.duration import configuration_duration_s
    from openocs.portal.requestgroups.serializers import render_configuration

    overheads_by_type = load_portal_configuration().overheads
    total = 0.0
    for status in statuses:
        configuration = status.configuration
        if configuration is None:
            continue
        overheads = overheads_by_type.get(configuration.instrument_type.upper())
        if overheads is None:
            continue
        seconds = configuration_duration_s(
            render_configuration(configuration, list_shape=True), overheads
        )
        if not include_front_padding:
            seconds -= overheads.config_front_padding_s
        total += seconds
    return total
