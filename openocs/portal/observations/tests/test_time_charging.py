"""Time charging by observation type (spec portal §9): TIME_CRITICAL summaries move
``tc_time_used``, corrected summaries charge only the difference, DIRECT observations are
never charged, and cancellation never changes std/rr/tc usage."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from openocs.portal.conftest import Persona
from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.observations.tests.helpers import report, schedule, status_ids, submit
from openocs.portal.proposals.models import Proposal, TimeAllocation

pytestmark = pytest.mark.django_db


def _usage() -> tuple[float, float, float]:
    allocation = TimeAllocation.objects.get()
    return allocation.std_time_used, allocation.rr_time_used, allocation.tc_time_used


def test_time_critical_summaries_charge_tc_time_and_corrections_charge_the_difference(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = submit(submitter, observation_type="TIME_CRITICAL", ipp_value=1.0)["requests"][0]
    start = frozen_now + timedelta(hours=6)
    observation = schedule(staff_view_user, request, start)
    std_before, rr_before, tc_before = _usage()
    status_id = status_ids(observation)[0]
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        report(
            staff_view_user, status_id, state="FAILED", start=start, seconds=200, time_completed=0
        )
        std, rr, tc = _usage()
        assert (tc - tc_before) * 3600 == pytest.approx(200.0, abs=1e-6)  # FAILED counts too
        report(
            staff_view_user, status_id, state="FAILED", start=start, seconds=150, time_completed=0
        )
    std, rr, tc = _usage()
    assert (tc - tc_before) * 3600 == pytest.approx(150.0, abs=1e-6)  # only the difference
    assert (std, rr) == (std_before, rr_before)
    assert ConfigurationStatus.objects.get().time_charged * 3600 == pytest.approx(150.0, abs=1e-6)


def test_direct_observations_are_never_charged(
    submitter: Persona, staff_view_user: Persona, proposal: Proposal, frozen_now: datetime
) -> None:
    from openocs.portal.observations.tests.test_direct_submission import _body

    proposal.direct_submission = True
    proposal.save(update_fields=["direct_submission"])
    created = submitter.client.post("/api/schedule/", _body(frozen_now), format="json")
    assert created.status_code == 201, created.json()
    before = _usage()
    start = Observation.objects.get().start
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        report(
            staff_view_user,
            status_ids(created.json())[0],
            state="COMPLETED",
            start=start,
            seconds=300,
            time_completed=20,
        )
    assert _usage() == before
    assert ConfigurationStatus.objects.get().time_charged == 0.0
    assert Observation.objects.get().state == "COMPLETED"


def test_cancellation_never_changes_std_usage(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    group = submit(submitter)
    start = frozen_now + timedelta(hours=1)
    observation = schedule(staff_view_user, group["requests"][0], start)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        report(
            staff_view_user,
            status_ids(observation)[0],
            state="FAILED",
            start=start,
            seconds=40,
            time_completed=0,
        )
        charged = _usage()
        submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    assert _usage() == charged
