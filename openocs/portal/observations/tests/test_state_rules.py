"""Every row of the state machines of spec portal §8: request transitions (§8.1, table-driven
over all pairs, pure and through ``request_set_state``), group aggregation for SINGLE and MANY,
the observation-state derivation table (§8.2), BAD_DATA resets with a full refund to the second
(§8.5) and refunds that never exceed the charge (§9)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from openocs.portal.conftest import Persona
from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.observations.services import refund_status
from openocs.portal.observations.states import observation_state_from_statuses
from openocs.portal.observations.tests.helpers import report, schedule, status_ids, submit
from openocs.portal.proposals.models import AllocationLedgerEntry, TimeAllocation
from openocs.portal.requestgroups.models import Request, RequestGroup
from openocs.portal.requestgroups.services import request_set_state
from openocs.portal.requestgroups.states import (
    TransitionError,
    check_transition,
    group_state_from_children,
)
from openocs.portal.requestgroups.tests.conftest import imaging_group

STATES = ["PENDING", "COMPLETED", "WINDOW_EXPIRED", "FAILURE_LIMIT_REACHED", "CANCELED"]
# §8.1 as written in the spec: new state -> allowed old states
SPEC_ALLOWED = {
    "COMPLETED": {"PENDING", "WINDOW_EXPIRED", "CANCELED", "FAILURE_LIMIT_REACHED"},
    "WINDOW_EXPIRED": {"PENDING"},
    "CANCELED": {"PENDING"},
    "FAILURE_LIMIT_REACHED": {"PENDING"},
    "PENDING": {"COMPLETED"},
}
PAIRS = [(old, new) for old, new in itertools.product(STATES, STATES) if old != new]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_the_transition_table_matches_the_spec(old: str, new: str) -> None:
    if old in SPEC_ALLOWED[new]:
        check_transition(old, new, 7)
        return
    with pytest.raises(TransitionError) as refused:
        check_transition(old, new, 7)
    assert refused.value.message == f"Cannot transition from request state {old} to {new} for 7"


@pytest.mark.django_db
def test_every_transition_through_the_service(submitter: Persona, frozen_now: datetime) -> None:
    """All 20 ordered pairs on a real request: allowed ones apply (and move the group),
    refused ones raise the spec's message and change nothing."""
    group = submit(submitter)
    request = Request.objects.get(pk=group["requests"][0]["id"])
    for old, new in PAIRS:
        Request.objects.filter(pk=request.pk).update(state=old)
        RequestGroup.objects.filter(pk=group["id"]).update(state=old)
        if old in SPEC_ALLOWED[new]:
            assert request_set_state(request=request, new_state=new) is True
            assert Request.objects.get(pk=request.pk).state == new
            assert RequestGroup.objects.get(pk=group["id"]).state == new  # SINGLE follows
        else:
            with pytest.raises(TransitionError):
                request_set_state(request=request, new_state=new)
            assert Request.objects.get(pk=request.pk).state == old
    assert request_set_state(request=request, new_state="CANCELED") is False  # already there


# §8.1 priority lists: the group takes the first state any child has.
SINGLE_ROWS = [
    ({"WINDOW_EXPIRED", "PENDING", "COMPLETED"}, "WINDOW_EXPIRED"),
    ({"PENDING", "COMPLETED", "CANCELED"}, "PENDING"),
    ({"COMPLETED", "FAILURE_LIMIT_REACHED"}, "COMPLETED"),
    ({"FAILURE_LIMIT_REACHED", "CANCELED"}, "FAILURE_LIMIT_REACHED"),
    ({"CANCELED"}, "CANCELED"),
]
MANY_ROWS = [
    ({"PENDING", "COMPLETED", "WINDOW_EXPIRED"}, "PENDING"),
    ({"COMPLETED", "WINDOW_EXPIRED", "CANCELED"}, "COMPLETED"),
    ({"WINDOW_EXPIRED", "FAILURE_LIMIT_REACHED"}, "WINDOW_EXPIRED"),
    ({"FAILURE_LIMIT_REACHED", "CANCELED"}, "FAILURE_LIMIT_REACHED"),
    ({"CANCELED"}, "CANCELED"),
]


@pytest.mark.parametrize(("children", "expected"), SINGLE_ROWS)
def test_single_group_state_from_children(children: set[str], expected: str) -> None:
    assert group_state_from_children("SINGLE", sorted(children)) == expected


@pytest.mark.parametrize(("children", "expected"), MANY_ROWS)
def test_many_group_state_from_children(children: set[str], expected: str) -> None:
    assert group_state_from_children("MANY", sorted(children)) == expected


# §8.2: (status states, current observation state) -> derived state; first matching rule wins.
DERIVATION_ROWS = [
    (["PENDING", "PENDING"], "IN_PROGRESS", "PENDING"),  # 1
    (["NOT_ATTEMPTED", "NOT_ATTEMPTED"], "PENDING", "NOT_ATTEMPTED"),  # 2
    (["PENDING", "NOT_ATTEMPTED"], "PENDING", "PENDING"),  # 3
    (["PENDING", "ATTEMPTED"], "PENDING", "IN_PROGRESS"),  # 4
    (["ATTEMPTED"], "PENDING", "IN_PROGRESS"),  # 4
    (["COMPLETED", "BAD_DATA", "NOT_ATTEMPTED"], "IN_PROGRESS", "BAD_DATA"),  # 5 before 6
    (["COMPLETED", "NOT_ATTEMPTED"], "IN_PROGRESS", "FAILED"),  # 6
    (["COMPLETED", "FAILED"], "IN_PROGRESS", "FAILED"),  # 7
    (["FAILED", "ABORTED"], "IN_PROGRESS", "FAILED"),  # 7 before 8
    (["COMPLETED", "ABORTED"], "IN_PROGRESS", "ABORTED"),  # 8
    (["COMPLETED", "COMPLETED"], "IN_PROGRESS", "COMPLETED"),  # 9
    (["COMPLETED", "ATTEMPTED"], "IN_PROGRESS", "IN_PROGRESS"),  # 10: unchanged
    (["COMPLETED", "PENDING"], "PENDING", "PENDING"),  # 10: unchanged
]


@pytest.mark.parametrize(("statuses", "current", "expected"), DERIVATION_ROWS)
def test_observation_state_derivation_table(
    statuses: list[str], current: str, expected: str
) -> None:
    assert observation_state_from_statuses(statuses, current) == expected


# --- aggregation through the API --------------------------------------------------------------


def _two_request_group(**changes: Any) -> dict[str, Any]:
    group = imaging_group(**changes)
    group["requests"] = [group["requests"][0], dict(group["requests"][0])]
    return group


def _complete(staff: Persona, request: dict[str, Any], start: datetime) -> None:
    observation = schedule(staff, request, start)
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        for status_id in status_ids(observation):
            report(staff, status_id, state="COMPLETED", start=start, seconds=90, time_completed=60)


@pytest.mark.django_db
def test_many_group_completes_when_no_child_is_pending(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    response = submitter.client.post(
        "/api/requestgroups/", _two_request_group(operator="MANY"), format="json"
    )
    assert response.status_code == 201, response.json()
    group = response.json()
    first, second = group["requests"]
    _complete(staff_view_user, first, frozen_now + timedelta(hours=12))
    assert RequestGroup.objects.get(pk=group["id"]).state == "PENDING"  # a child is PENDING
    request_set_state(request=Request.objects.get(pk=second["id"]), new_state="WINDOW_EXPIRED")
    assert RequestGroup.objects.get(pk=group["id"]).state == "COMPLETED"


@pytest.mark.django_db
def test_group_cancel_pushes_canceled_into_pending_children(
    submitter: Persona, frozen_now: datetime
) -> None:
    response = submitter.client.post(
        "/api/requestgroups/", _two_request_group(operator="MANY"), format="json"
    )
    group = response.json()
    submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    states = set(
        Request.objects.filter(request_group_id=group["id"]).values_list("state", flat=True)
    )
    assert states == {"CANCELED"}
    assert RequestGroup.objects.get(pk=group["id"]).state == "CANCELED"


# --- BAD_DATA and refunds ------------------------------------------------------------------------


def _used_h() -> float:
    return TimeAllocation.objects.get().std_time_used


@pytest.mark.django_db
def test_bad_data_refunds_everything_to_the_second_and_reopens_the_request(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    group = submit(submitter)
    request = group["requests"][0]
    before_h = _used_h()
    start = frozen_now + timedelta(hours=12)
    _complete(staff_view_user, request, start)
    charged_h = _used_h() - before_h
    assert charged_h * 3600 == pytest.approx(90.0, abs=1e-6)  # 90 s summary
    observation = Observation.objects.get()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        response = staff_view_user.client.patch(
            f"/api/observations/{observation.id}/", {"state": "BAD_DATA"}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert abs(_used_h() - before_h) * 3600 < 1e-6  # refunded to the second (and below)
    assert Observation.objects.get().state == "BAD_DATA"
    assert set(ConfigurationStatus.objects.values_list("state", flat=True)) == {"BAD_DATA"}
    assert Request.objects.get(pk=request["id"]).state == "PENDING"
    assert RequestGroup.objects.get(pk=group["id"]).state == "PENDING"
    refund = AllocationLedgerEntry.objects.filter(kind="std").order_by("-id").first()
    assert refund is not None
    assert "BAD_DATA" in refund.reason
    # a second BAD_DATA is refused: the observation is no longer COMPLETED/FAILED/ABORTED
    again = staff_view_user.client.patch(
        f"/api/observations/{observation.id}/", {"state": "BAD_DATA"}, format="json"
    )
    assert again.status_code == 400
    assert abs(_used_h() - before_h) * 3600 < 1e-6


@pytest.mark.django_db
def test_status_bad_data_resets_the_request_and_debits_the_ipp_credit_below_one(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    submitted = submitter.client.post(
        "/api/requestgroups/", imaging_group(ipp_value=0.5), format="json"
    )
    assert submitted.status_code == 201, submitted.json()
    request = submitted.json()["requests"][0]
    ipp_after_submit = TimeAllocation.objects.get().ipp_time_available
    before_h = _used_h()
    start = frozen_now + timedelta(hours=12)
    _complete(staff_view_user, request, start)
    credited = TimeAllocation.objects.get().ipp_time_available - ipp_after_submit
    assert credited == pytest.approx(0.5 * request["duration"] / 3600, abs=1e-9)
    status_id = ConfigurationStatus.objects.get().id
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        response = staff_view_user.client.patch(
            f"/api/configurationstatus/{status_id}/", {"state": "BAD_DATA"}, format="json"
        )
    assert response.json()["state"] == "BAD_DATA"
    assert abs(_used_h() - before_h) * 3600 < 1e-6
    assert Observation.objects.get().state == "BAD_DATA"
    assert Request.objects.get(pk=request["id"]).state == "PENDING"
    ipp_now = TimeAllocation.objects.get().ipp_time_available
    assert ipp_now == pytest.approx(ipp_after_submit, abs=1e-9)  # §8.5 step 4


@pytest.mark.django_db
def test_bad_data_after_the_windows_closed_leaves_the_request_completed(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = submit(submitter)["requests"][0]
    start = frozen_now + timedelta(hours=12)
    _complete(staff_view_user, request, start)
    observation = Observation.objects.get()
    with time_machine.travel(datetime.fromisoformat("2026-12-09T00:00:00+00:00"), tick=False):
        staff_view_user.client.patch(
            f"/api/observations/{observation.id}/", {"state": "BAD_DATA"}, format="json"
        )
    assert Observation.objects.get().state == "BAD_DATA"
    assert Request.objects.get(pk=request["id"]).state == "COMPLETED"


@pytest.mark.django_db
def test_repeated_refunds_never_credit_more_than_was_charged(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = submit(submitter)["requests"][0]
    before_h = _used_h()
    _complete(staff_view_user, request, frozen_now + timedelta(hours=12))
    status = ConfigurationStatus.objects.get()
    refund_status(status=status, percent=50.0, reason="seeing")
    assert (_used_h() - before_h) * 3600 == pytest.approx(45.0, abs=1e-6)
    refund_status(status=ConfigurationStatus.objects.get(), percent=50.0, reason="seeing")
    assert (_used_h() - before_h) * 3600 == pytest.approx(45.0, abs=1e-6)  # no compounding
    refund_status(status=ConfigurationStatus.objects.get(), percent=100.0, reason="all")
    assert abs(_used_h() - before_h) * 3600 < 1e-6
    refund_status(status=ConfigurationStatus.objects.get(), percent=100.0, reason="again")
    assert abs(_used_h() - before_h) * 3600 < 1e-6
    assert ConfigurationStatus.objects.get().time_charged == pytest.approx(0.0, abs=1e-12)


def test_a_configuration_cannot_complete_before_its_observation_starts(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    group = submit(submitter)
    start = frozen_now + timedelta(hours=12)
    observation = schedule(staff_view_user, group["requests"][0], start)
    status_id = status_ids(observation)[0]
    response = staff_view_user.client.patch(
        f"/api/configurationstatus/{status_id}/", {"state": "COMPLETED"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "state": [
            "A configuration cannot be COMPLETED before its observation starts "
            f"({start.strftime('%Y-%m-%dT%H:%M:%SZ')})"
        ]
    }
    assert ConfigurationStatus.objects.get(pk=status_id).state == "PENDING"
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        response = staff_view_user.client.patch(
            f"/api/configurationstatus/{status_id}/", {"state": "ATTEMPTED"}, format="json"
        )
        assert response.status_code == 200
