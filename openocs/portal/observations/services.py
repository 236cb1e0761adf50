"""Writes of observations and configuration statuses (``portal-api.md`` §8.2–§8.4, §9, §13, §14).

One function per operation. Every multi-row write is atomic; state changes of requests go
through :func:`openocs.portal.requestgroups.services.request_set_state`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from openocs.portal import events
from openocs.portal.observations import states
from openocs.portal.observations.changes import mark_changed, mark_scheduled
from openocs.portal.observations.models import (
    OBSERVATION_TERMINAL,
    STATUS_TERMINAL,
    ConfigurationStatus,
    Observation,
    ObservationState,
    StatusState,
    Summary,
)
from openocs.portal.requestgroups.models import Request, State

ValidationError = serializers.ValidationError
CANCEL_DELETE_HORIZON = dt.timedelta(hours=72)


# --- creating ---------------------------------------------------------------------------------


@dataclass
class BulkResult:
    num_created: int
    errors: dict[str, Any]
    created: list[Observation]


@transaction.atomic
def observation_create(*, data: dict[str, Any]) -> Observation:
    """Save one validated observation with its statuses (in the posted order)."""
    observation = Observation.objects.create(
        request=data["request"],
        site=data["site"],
        enclosure=data["enclosure"],
        telescope=data["telescope"],
        start=data["start"],
        end=data["end"],
        priority=data.get("priority", 10),
    )
    ConfigurationStatus.objects.bulk_create(
        [
            ConfigurationStatus(
                observation=observation,
                configuration=status["configuration"],
                instrument_name=status["instrument_name"],
                guide_camera_name=status.get("guide_camera_name", ""),
            )
            for status in data["configuration_statuses"]
        ]
    )
    mark_scheduled(site=observation.site)
    return observation


def observations_create_many(*, items: Sequence[Any], validate: Any) -> BulkResult:
    """Validate and save each item on its own (D7): valid items are kept even if others fail.

    ``validate(item) -> data`` raises ``ValidationError`` with the item's error tree.
    """
    errors: dict[str, Any] = {}
    created: list[Observation] = []
    for index, item in enumerate(items):
        try:
            with transaction.atomic():
                created.append(observation_create(data=validate(item)))
        except ValidationError as error:
            errors[str(index)] = error.detail
    return BulkResult(num_created=len(created), errors=errors, created=created)


# --- cancelling (the 72-hour rule) --------------------------------------------------------------


def cancel_by_rule(observations: Iterable[Observation], *, now: dt.datetime | None = None) -> int:
    """Apply §8.4 to PENDING/IN_PROGRESS observations; return how many were counted."""
    now = now or timezone.now()
    counted = 0
    for observation in observations:
        if observation.state not in (ObservationState.PENDING, ObservationState.IN_PROGRESS):
            continue
        if observation.end <= now:
            continue
        counted += 1
        if observation.start >= now + CANCEL_DELETE_HORIZON:
            observation.delete()
            continue
        old_state = observation.state
        observation.state = (
            ObservationState.ABORTED if observation.start <= now else ObservationState.CANCELED
        )
        observation.save(update_fields=["state", "modified"])
        events.observation_state_changed(
            observation=observation, old_state=old_state, new_state=observation.state, replan=False
        )
    return counted


@transaction.atomic
def observations_cancel_for_request(*, request: Request) -> int:
    """Cancel a request's PENDING observations with the 72-hour rule (§8.1)."""
    rows = Observation.objects.select_for_update().filter(
        request=request, state=ObservationState.PENDING
    )
    return cancel_by_rule(list(rows))


class PreemptionError(Exception):
    """The selection holds IN_PROGRESS observations and preemption is not enabled."""

    message = "Cannot cancel IN_PROGRESS observations unless preemption_enabled is True"


@transaction.atomic
def observations_cancel(
    *, queryset: Any, options: dict[str, Any], now: dt.datetime | None = None
) -> int:
    """``POST observations/cancel/`` (§13.4) on an already scoped queryset."""
    rows = queryset.filter(state__in=[ObservationState.PENDING, ObservationState.IN_PROGRESS])
    if options.get("ids"):
        rows = rows.filter(id__in=options["ids"])
    else:
        rows = rows.filter(end__gt=options["start"], start__lt=options["end"])
    for name in ("site", "enclosure", "telescope"):
        if options.get(name):
            rows = rows.filter(**{name: options[name]})
    types: list[str] = []
    if options.get("include_normal", True):
        types += ["NORMAL", "TIME_CRITICAL"]
    if options.get("include_rr", False):
        types += ["RAPID_RESPONSE"]
    if options.get("include_direct", False):
        types += ["DIRECT", "REAL_TIME"]
    rows = rows.filter(request__request_group__observation_type__in=types)
    selected = list(rows.select_for_update(of=("self",)).order_by("id"))
    if not options.get("preemption_enabled", False) and any(
        o.state == ObservationState.IN_PROGRESS for o in selected
    ):
        raise PreemptionError
    return cancel_by_rule(selected, now=now)


# --- configuration statuses, summaries and time charging --------------------------------------


def _charge_kind(observation_type: str) -> str | None:
    return {"NORMAL": "std", "RAPID_RESPONSE": "rr", "TIME_CRITICAL": "tc"}.get(observation_type)


def _charge_hours(status: ConfigurationStatus, summary: Summary, observation_type: str) -> float:
    seconds = max((summary.end - summary.start).total_seconds(), 0.0)
    if observation_type == "RAPID_RESPONSE" and status.configuration is not None:
        from openocs.portal.requestgroups.configuration import load_portal_configuration
        from openocs.portal.requestgroups.duration import configuration_duration_s
        from openocs.portal.requestgroups.serializers import render_configuration

        configuration = status.configuration
        overheads = load_portal_configuration().overheads.get(configuration.instrument_type.upper())
        if overheads is not None:
            request = configuration.request
            cap = configuration_duration_s(
                render_configuration(configuration, list_shape=True), overheads
            ) + overheads.observation_front_padding_s / max(request.configurations.count(), 1)
            seconds = min(seconds, cap)
    return seconds / 3600.0


def _allocations_for(status: ConfigurationStatus) -> list[Any]:
    from openocs.portal.proposals.models import TimeAllocation

    configuration = status.configuration
    if configuration is None:
        return []
    request = configuration.request
    windows = list(request.windows.all())
    moment = min(w.start for w in windows) if windows else status.observation.start
    allocations = TimeAllocation.objects.filter(
        proposal_id=request.request_group.proposal_id,
        semester__start__lte=moment,
        semester__end__gte=moment,
    )
    wanted = configuration.instrument_type.upper()
    return [a for a in allocations if wanted in {t.upper() for t in a.instrument_types}]


def charge_time(*, status: ConfigurationStatus, new_total_h: float, reason: str) -> None:
    """Move the status's charge to ``new_total_h`` through the ledger (only the difference)."""
    from openocs.portal.proposals.accounting import allocation_credit, allocation_debit

    group = status.observation.request.request_group
    kind = _charge_kind(group.observation_type)
    if kind is None:
        return
    difference = new_total_h - status.time_charged
    if abs(difference) < 1e-12:
        return
    for allocation in _allocations_for(status):
        move = allocation_debit if difference > 0 else allocation_credit
        move(
            allocation=allocation,
            kind=kind,
            hours=abs(difference),
            reason=reason,
            source_type="configurationstatus",
            source_id=status.pk,
        )
    status.time_charged = new_total_h
    status.save(update_fields=["time_charged", "modified"])


def _slot_progress(status: ConfigurationStatus) -> tuple[float, float]:
    """(expected, done) of one configuration status: exposure seconds, or for a REPEAT
    configuration with a repeat duration the fraction of that duration (§8.3)."""
    configuration = status.configuration
    if configuration is None:
        return 0.0, 0.0
    summary = getattr(status, "summary", None)
    if "REPEAT" in configuration.type.upper() and configuration.repeat_duration:
        if summary is None:
            return 1.0, 0.0
        return 1.0, (summary.end - summary.start).total_seconds() / configuration.repeat_duration
    expected = sum(
        ic.exposure_count * ic.exposure_time for ic in configuration.instrument_configs.all()
    )
    return expected, (summary.time_completed if summary is not None else 0.0)


def _completion_percent(request: Request) -> float:
    """Completion judged **cumulatively** across the request's observations (beyond the
    reference, which judges each observation alone): the work done on each configuration slot
    (configuration × repeat, by its position in the observations' statuses) is summed over
    every observation and capped at what that slot needs."""
    expected: dict[int, float] = {}
    done: dict[int, float] = {}
    observations = request.observations.prefetch_related(
        "configuration_statuses__summary",
        "configuration_statuses__configuration__instrument_configs",
    )
    for observation in observations:
        for index, status in enumerate(observation.configuration_statuses.all()):
            slot_expected, slot_done = _slot_progress(status)
            expected[index] = max(expected.get(index, 0.0), slot_expected)
            done[index] = done.get(index, 0.0) + slot_done
    total = sum(expected.values())
    if total <= 0:
        return 100.0
    return 100.0 * sum(min(done.get(i, 0.0), e) for i, e in expected.items()) / total


def _update_request_from(observation: Observation) -> None:
    """§8.3 step 2: the request's state from this observation's statuses."""
    from openocs.portal.requestgroups.services import request_set_state

    request = Request.objects.select_related("request_group").get(pk=observation.request_id)
    group = request.request_group
    if request.state == State.COMPLETED:
        return
    percent = _completion_percent(request)
    if group.observation_type == "REAL_TIME":
        completed = observation.state == ObservationState.COMPLETED
    else:
        completed = (
            percent >= request.acceptability_threshold - 1e-9
            or observation.state == ObservationState.COMPLETED
        )
    if completed:
        request_set_state(request=request, new_state=State.COMPLETED)
        return
    if request.state != State.PENDING:
        return
    limit = states.max_failures_per_request()
    if (
        limit > 0
        and observation.state == ObservationState.FAILED
        and request.observations.filter(state=ObservationState.FAILED).count() >= limit
    ):
        request_set_state(request=request, new_state=State.FAILURE_LIMIT_REACHED)
        return
    ends = list(request.windows.values_list("end", flat=True))
    if (
        group.observation_type not in ("DIRECT", "REAL_TIME")
        and ends
        and max(ends) < timezone.now()
    ):
        request_set_state(request=request, new_state=State.WINDOW_EXPIRED)


def _propagate(observation: Observation) -> None:
    """§8.3 steps 1–3 after a status change."""
    observation.refresh_from_db()
    if observation.state not in OBSERVATION_TERMINAL:
        statuses = list(observation.configuration_statuses.values_list("state", flat=True))
        new_state = states.observation_state_from_statuses(statuses, observation.state)
        if new_state != observation.state:
            old_state = observation.state
            observation.state = new_state
            observation.save(update_fields=["state", "modified"])
            events.observation_state_changed(
                observation=observation, old_state=old_state, new_state=new_state
            )
            if new_state in states.RESCHEDULING_STATES:
                location = getattr(observation.request, "location", None)
                mark_changed(telescope_class=location.telescope_class if location else None)
    _update_request_from(observation)


@transaction.atomic
def configuration_status_update(
    *, status: ConfigurationStatus, data: dict[str, Any]
) -> ConfigurationStatus:
    """``PATCH configurationstatus/{id}/`` (§14), idempotent; row-locked against concurrent
    updates from the same telescope."""
    # of=self: PostgreSQL refuses FOR UPDATE on the outer join of the nullable configuration
    status = (
        ConfigurationStatus.objects.select_for_update(of=("self",))
        .select_related("observation", "observation__request__request_group", "configuration")
        .get(pk=status.pk)
    )
    changed = False
    new_state = data.get("state")
    if new_state is not None and new_state != status.state:
        if status.state in STATUS_TERMINAL:
            if new_state == StatusState.BAD_DATA:
                status.state = StatusState.BAD_DATA
                status.save(update_fields=["state", "modified"])
                refund_status(status=status, percent=100.0, reason="BAD_DATA")
                _bad_data_reset(observation=status.observation)
        else:
            status.state = new_state
            status.save(update_fields=["state", "modified"])
            changed = new_state != StatusState.BAD_DATA
    summary_data = data.get("summary")
    if summary_data is not None:
        summary, _ = Summary.objects.update_or_create(
            configuration_status=status,
            defaults={
                "start": summary_data["start"],
                "end": summary_data["end"],
                "state": summary_data["state"],
                "reason": summary_data.get("reason", ""),
                "time_completed": summary_data["time_completed"],
                "events": summary_data.get("events") or {},
            },
        )
        observation_type = status.observation.request.request_group.observation_type
        charge_time(
            status=status,
            new_total_h=_charge_hours(status, summary, observation_type),
            reason=f"configuration status {status.pk} summary",
        )
        changed = True
    if "end" in data or "exposures_start_at" in data:
        _move_observation_end(status=status, data=data)
    if changed:
        _propagate(status.observation)
    status.refresh_from_db()
    return status


def refund_status(*, status: ConfigurationStatus, percent: float, reason: str) -> None:
    """Refund ``percent`` of the charge; never more than was charged (§9).

    The new charge is ``(1 − pct) × charge`` where the charge is recomputed from the summary,
    so repeating a refund credits nothing more (refunds do not compound).
    """
    summary = Summary.objects.filter(configuration_status=status).first()
    charge = status.time_charged
    if summary is not None:
        observation_type = status.observation.request.request_group.observation_type
        charge = _charge_hours(status, summary, observation_type)
    new_total = charge * (1 - percent / 100.0)
    if new_total < status.time_charged:
        charge_time(status=status, new_total_h=new_total, reason=f"refund {percent}%: {reason}")


def _move_observation_end(*, status: ConfigurationStatus, data: dict[str, Any]) -> None:
    """``end``/``exposures_start_at`` move the observation end (§14); the remaining time is the
    configurations after this one, per §5.6 (approximated by their configuration durations)."""
    observation = Observation.objects.select_for_update().get(pk=status.observation_id)
    statuses = list(
        observation.configuration_statuses.select_related("configuration").order_by("id")
    )
    index = next(i for i, s in enumerate(statuses) if s.pk == status.pk)
    remaining_s = states.remaining_duration_s(statuses[index + 1 :])
    if "exposures_start_at" in data:
        current = states.remaining_duration_s([status], include_front_padding=False)
        new_end = data["exposures_start_at"] + dt.timedelta(seconds=remaining_s + current)
    else:
        new_end = data["end"] + dt.timedelta(seconds=remaining_s)
    observation_set_end(observation=observation, end=new_end)


@transaction.atomic
def observation_set_end(*, observation: Observation, end: dt.datetime) -> Observation:
    """Move an observation's end; an extension cancels the PENDING observations it now overlaps
    on the same telescope (sparing RAPID_RESPONSE ones unless this one is RR) (§13.3)."""
    old_end = observation.end
    if end <= observation.start:
        return observation
    observation.end = end
    observation.save(update_fields=["end", "modified"])
    if end > old_end:
        overlapped = (
            Observation.objects.select_for_update()
            .filter(
                site=observation.site,
                enclosure=observation.enclosure,
                telescope=observation.telescope,
                state=ObservationState.PENDING,
                start__gte=old_end,
                start__lte=end,
            )
            .exclude(pk=observation.pk)
        )
        if observation.request.request_group.observation_type != "RAPID_RESPONSE":
            overlapped = overlapped.exclude(
                request__request_group__observation_type="RAPID_RESPONSE"
            )
        cancel_by_rule(list(overlapped))
    location = getattr(observation.request, "location", None)
    mark_changed(telescope_class=location.telescope_class if location else None)
    events.observation_end_changed(observation=observation, old_end=old_end)
    return observation


@transaction.atomic
def observation_mark_bad_data(*, observation: Observation) -> Observation:
    """§8.5: refund everything, BAD_DATA on the observation and its statuses, and put a
    completed request whose windows are still open back to PENDING."""
    if observation.state not in (
        ObservationState.COMPLETED,
        ObservationState.FAILED,
        ObservationState.ABORTED,
    ):
        raise ValidationError(
            {"state": [f"Cannot update observation state from {observation.state} to BAD_DATA"]}
        )
    for status in observation.configuration_statuses.all():
        refund_status(status=status, percent=100.0, reason="BAD_DATA")
        status.state = StatusState.BAD_DATA
        status.save(update_fields=["state", "modified"])
    _bad_data_reset(observation=observation)
    return observation


def _bad_data_reset(*, observation: Observation) -> None:
    """§8.5 steps 2–4: the observation becomes BAD_DATA and a COMPLETED request whose last
    window end is still ahead goes back to PENDING (its IPP credit is debited again)."""
    from openocs.portal.requestgroups.services import request_set_state

    old_state = observation.state
    if old_state != ObservationState.BAD_DATA:
        observation.state = ObservationState.BAD_DATA
        observation.save(update_fields=["state", "modified"])
        events.observation_state_changed(
            observation=observation, old_state=old_state, new_state=ObservationState.BAD_DATA
        )
    request = observation.request
    ends = list(request.windows.values_list("end", flat=True))
    if request.state == State.COMPLETED and ends and max(ends) > timezone.now():
        request_set_state(request=request, new_state=State.PENDING)
