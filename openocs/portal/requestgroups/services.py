"""Writes of request groups: submission and cancellation (``portal-api.md`` §10.2, §10.4).

Each function is one operation; the API, the admin and commands all call these.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from rest_framework import serializers

from openocs.portal.requestgroups.allocation import allocation_for, group_durations_by_key_h
from openocs.portal.requestgroups.models import (
    AcquisitionConfig,
    Configuration,
    Constraints,
    GuidingConfig,
    InstrumentConfig,
    Location,
    Request,
    RequestGroup,
    State,
    Target,
    Window,
)
from openocs.portal.requestgroups.states import check_transition, group_state_from_children

_TARGET_FIELDS = {f.name for f in Target._meta.get_fields()} - {"id", "configuration"}


def _create_configuration(request: Request, data: dict[str, Any]) -> Configuration:
    configuration = Configuration.objects.create(
        request=request,
        instrument_type=data["instrument_type"],
        type=data["type"],
        repeat_duration=data.get("repeat_duration"),
        extra_params=data.get("extra_params") or {},
        priority=data["priority"],
    )
    target = {k: v for k, v in data["target"].items() if k in _TARGET_FIELDS and v is not None}
    Target.objects.create(configuration=configuration, **target)
    Constraints.objects.create(configuration=configuration, **data["constraints"])
    AcquisitionConfig.objects.create(
        configuration=configuration,
        mode=data["acquisition_config"].get("mode", "OFF"),
        exposure_time=data["acquisition_config"].get("exposure_time"),
        extra_params=data["acquisition_config"].get("extra_params") or {},
    )
    guiding = data["guiding_config"]
    GuidingConfig.objects.create(
        configuration=configuration,
        mode=guiding.get("mode", ""),
        optional=guiding.get("optional", True),
        optical_elements=guiding.get("optical_elements") or {},
        exposure_time=guiding.get("exposure_time"),
        extra_params=guiding.get("extra_params") or {},
    )
    InstrumentConfig.objects.bulk_create(
        [
            InstrumentConfig(
                configuration=configuration,
                optical_elements=ic.get("optical_elements") or {},
                mode=ic.get("mode") or "",
                rotator_mode=ic.get("rotator_mode") or "",
                exposure_time=ic["exposure_time"],
                exposure_count=ic["exposure_count"],
                extra_params=ic.get("extra_params") or {},
                rois=ic.get("rois") or [],
            )
            for ic in data["instrument_configs"]
        ]
    )
    return configuration


@transaction.atomic
def requestgroup_submit(*, data: dict[str, Any], user: Any) -> RequestGroup:
    """Create a validated group with all its children in one transaction, then debit IPP."""
    group = RequestGroup.objects.create(
        submitter=user,
        proposal=data["proposal"],
        name=data["name"],
        observation_type=data["observation_type"],
        operator=data["operator"],
        ipp_value=data["ipp_value"],
    )
    for request_data in data["requests"]:
        request = Request.objects.create(
            request_group=group,
            observation_note=request_data.get("observation_note", ""),
            acceptability_threshold=request_data["acceptability_threshold"],
            configuration_repeats=request_data.get("configuration_repeats", 1),
            optimization_type=request_data.get("optimization_type", "TIME"),
            extra_params=request_data.get("extra_params") or {},
            duration=request_data["duration"],
        )
        if request_data.get("location"):
            Location.objects.create(request=request, **request_data["location"])
        Window.objects.bulk_create(
            [Window(request=request, **window) for window in request_data.get("windows", [])]
        )
        for configuration_data in request_data["configurations"]:
            _create_configuration(request, configuration_data)
        _mark_changed(request)
    if group.observation_type == "NORMAL" and group.ipp_value > 1.0:
        _debit_ipp(group=group, data=data, user=user)
    from openocs.portal import events

    events.requestgroup_submitted(group=group)
    return group


def _debit_ipp(*, group: RequestGroup, data: dict[str, Any], user: Any) -> None:
    from openocs.portal.proposals.accounting import allocation_debit

    for key, hours in group_durations_by_key_h(data).items():
        allocation = allocation_for(group.proposal, key)
        if allocation is None:
            continue
        allocation_debit(
            allocation=allocation,
            kind="ipp",
            hours=hours * (group.ipp_value - 1.0),
            reason=f"IPP {group.ipp_value} for request group {group.pk}",
            source_type="requestgroup",
            source_id=group.pk,
            actor=user,
        )


@transaction.atomic
def requestgroup_cancel(*, group: RequestGroup, user: Any) -> RequestGroup:
    """Cancel a PENDING group: its PENDING requests and their future observations (§10.4)."""
    locked = RequestGroup.objects.select_for_update().get(pk=group.pk)
    check_transition(locked.state, State.CANCELED, locked.pk)
    for request in locked.requests.filter(state=State.PENDING):
        _cancel_request(request=request, user=user)
    locked.refresh_from_db()
    if locked.state != State.CANCELED:  # e.g. a MANY group with a COMPLETED child stays so
        old_state = locked.state
        locked.state = State.CANCELED
        locked.save(update_fields=["state", "modified"])
        from openocs.portal import events

        events.requestgroup_state_forced(group=locked, old_state=old_state)
    return locked


def _cancel_request(*, request: Request, user: Any) -> None:
    request_set_state(request=request, new_state=State.CANCELED, user=user)
    from django.apps import apps

    if apps.is_installed("openocs.portal.observations"):
        from openocs.portal.observations.services import observations_cancel_for_request

        observations_cancel_for_request(request=request)


def _credit_ipp(*, request: Request, group: RequestGroup, user: Any, reason: str) -> None:
    """Give back ``d × (ipp − 1)`` per accounting key of one request (§7.3)."""
    from openocs.portal.proposals.accounting import allocation_credit
    from openocs.portal.requestgroups.selectors import request_durations_by_key_h

    if group.ipp_value <= 1.0:
        return
    for key, hours in request_durations_by_key_h(request).items():
        allocation = allocation_for(group.proposal, key)
        if allocation is None:
            continue
        allocation_credit(
            allocation=allocation,
            kind="ipp",
            hours=hours * (group.ipp_value - 1.0),
            reason=f"IPP refund: request {request.pk} {reason}",
            source_type="request",
            source_id=request.pk,
            actor=user,
        )


@transaction.atomic
def request_cancel(*, request: Request, user: Any) -> Request:
    """Cancel one PENDING request of a group (beyond the reference); the group follows."""
    locked = Request.objects.select_for_update().get(pk=request.pk)
    check_transition(locked.state, State.CANCELED, locked.pk)
    _cancel_request(request=locked, user=user)
    locked.refresh_from_db()
    return locked


class SuspendRefused(serializers.ValidationError):
    """Scheduling can only be suspended on a PENDING request (§11.2)."""


@transaction.atomic
def request_suspend(*, request: Request, suspend_until: datetime | None, user: Any) -> Request:
    """Keep a PENDING request out of the scheduler feed until ``suspend_until`` (None lifts
    the suspension); moves ``last_changed`` so that the scheduler replans at once."""
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.state != State.PENDING:
        raise SuspendRefused(
            "Can only suspend scheduling on PENDING Requests - this request state is "
            f"{locked.state}"
        )
    old = locked.suspend_until
    locked.suspend_until = suspend_until
    locked.save(update_fields=["suspend_until", "modified"])
    _mark_changed(locked)
    from openocs.portal import events

    events.request_suspended(request=locked, old=old, user=user)
    return locked


def _mark_changed(request: Request) -> None:
    """Set ``last_changed`` for the request's telescope class and ``all`` (§16.1)."""
    from django.apps import apps

    if not apps.is_installed("openocs.portal.observations"):
        return
    from openocs.portal.observations.changes import mark_changed

    location = getattr(request, "location", None)
    mark_changed(telescope_class=location.telescope_class if location else None)


@transaction.atomic
def request_set_state(*, request: Request, new_state: str, user: Any = None) -> bool:
    """Move one request to ``new_state`` through the state machine (§8.1), with its IPP
    accounting (§7.3), the ``last_changed`` timestamps, and the group's state recomputed.

    Returns False (and changes nothing) when the request is already in ``new_state``.
    """
    locked = Request.objects.select_for_update().select_related("request_group").get(pk=request.pk)
    old_state = locked.state
    if old_state == new_state:
        return False
    check_transition(old_state, new_state, locked.pk)
    group = locked.request_group
    group_old_state = group.state
    locked.state = new_state
    locked.save(update_fields=["state", "modified"])
    if group.observation_type == "NORMAL":
        if new_state == State.COMPLETED and group.ipp_value < 1.0:
            _credit_ipp_below_one(request=locked, group=group, user=user)
        elif new_state == State.COMPLETED and old_state == State.WINDOW_EXPIRED:
            _debit_ipp_again(request=locked, group=group, user=user)
        elif new_state in (State.CANCELED, State.WINDOW_EXPIRED, State.FAILURE_LIMIT_REACHED):
            _credit_ipp(request=locked, group=group, user=user, reason=new_state.lower())
        elif new_state == State.PENDING and group.ipp_value < 1.0:  # §8.5 step 4 (BAD_DATA)
            _ledger_move(
                request=locked,
                group=group,
                user=user,
                factor=1.0 - group.ipp_value,
                reason=f"IPP debit: request {locked.pk} reset by BAD_DATA",
                debit=True,
            )
    _mark_changed(locked)
    group_state = group_state_from_children(
        group.operator, group.requests.values_list("state", flat=True)
    )
    if group_state != group.state:
        group.state = group_state
        group.save(update_fields=["state", "modified"])
    from openocs.portal import events

    events.request_state_changed(
        request=locked, old_state=old_state, new_state=new_state, group_old_state=group_old_state
    )
    return True


def _ledger_move(
    *, request: Request, group: RequestGroup, user: Any, factor: float, reason: str, debit: bool
) -> None:
    from openocs.portal.proposals.accounting import allocation_credit, allocation_debit
    from openocs.portal.requestgroups.selectors import request_durations_by_key_h

    move = allocation_debit if debit else allocation_credit
    for key, hours in request_durations_by_key_h(request).items():
        allocation = allocation_for(group.proposal, key)
        if allocation is None or hours * factor <= 0:
            continue
        move(
            allocation=allocation,
            kind="ipp",
            hours=hours * factor,
            reason=reason,
            source_type="request",
            source_id=request.pk,
            actor=user,
        )


def _credit_ipp_below_one(*, request: Request, group: RequestGroup, user: Any) -> None:
    _ledger_move(
        request=request,
        group=group,
        user=user,
        factor=1.0 - group.ipp_value,
        reason=f"IPP credit: request {request.pk} completed with IPP {group.ipp_value}",
        debit=False,
    )


def _debit_ipp_again(*, request: Request, group: RequestGroup, user: Any) -> None:
    _ledger_move(
        request=request,
        group=group,
        user=user,
        factor=group.ipp_value - 1.0,
        reason=f"IPP debit: expired request {request.pk} completed late",
        debit=True,
    )
