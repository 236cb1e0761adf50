"""The periodic jobs (spec portal §8.6, §22), each called directly with time frozen: window
expiry (incl. D13), cleanup of old cancelled observations and of old change events, and the
registration of every job with huey."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from openocs.portal.conftest import Persona
from openocs.portal.notifications.models import ChangeEvent
from openocs.portal.notifications.tasks import change_events_cleanup
from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.observations.tasks import canceled_observations_cleanup
from openocs.portal.observations.tests.helpers import schedule, submit
from openocs.portal.proposals.models import AllocationLedgerEntry, Proposal, TimeAllocation
from openocs.portal.requestgroups.models import Request, RequestGroup
from openocs.portal.requestgroups.tasks import requests_expire_windows

pytestmark = pytest.mark.django_db

WINDOW_END = datetime.fromisoformat("2026-12-08T12:00:00+00:00")  # imaging_group's window


def test_window_expiry_expires_past_windows_only(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    group = submit(submitter)
    ipp_before = TimeAllocation.objects.get().ipp_time_available
    changed_before = staff_view_user.client.get("/api/last_changed/").json()
    assert requests_expire_windows(now=WINDOW_END - timedelta(seconds=1)) == 0
    with time_machine.travel(WINDOW_END + timedelta(minutes=5), tick=False):
        assert requests_expire_windows() == 1
        assert requests_expire_windows() == 0  # idempotent
        changed_after = staff_view_user.client.get("/api/last_changed/").json()
    assert Request.objects.get().state == "WINDOW_EXPIRED"
    assert RequestGroup.objects.get(pk=group["id"]).state == "WINDOW_EXPIRED"
    # the IPP debited at submission (ipp 1.05) is given back
    credit = AllocationLedgerEntry.objects.filter(kind="ipp").order_by("-id").first()
    assert credit is not None
    assert "window_expired" in credit.reason
    assert TimeAllocation.objects.get().ipp_time_available > ipp_before
    assert changed_after["last_change_time"] > changed_before["last_change_time"]
    assert ChangeEvent.objects.filter(
        kind="request.state_changed", payload__new_state="WINDOW_EXPIRED"
    ).exists()


def test_window_expiry_leaves_completed_and_cancelled_requests_alone(
    submitter: Persona, frozen_now: datetime
) -> None:
    cancelled = submit(submitter)
    submitter.client.post(f"/api/requestgroups/{cancelled['id']}/cancel/")
    assert requests_expire_windows(now=WINDOW_END + timedelta(days=1)) == 0
    assert RequestGroup.objects.get(pk=cancelled["id"]).state == "CANCELED"


def _direct(persona: Persona, proposal: Proposal, start: datetime) -> dict[str, Any]:
    from openocs.portal.observations.tests.test_direct_submission import _body

    proposal.direct_submission = True
    proposal.save(update_fields=["direct_submission"])
    body = _body(start - timedelta(hours=1))
    response = persona.client.post("/api/schedule/", body, format="json")
    assert response.status_code == 201, response.json()
    shown: dict[str, Any] = response.json()
    return shown


def test_direct_requests_expire_when_their_first_observation_ended(
    submitter: Persona, proposal: Proposal, frozen_now: datetime
) -> None:
    shown = _direct(submitter, proposal, frozen_now + timedelta(hours=1))
    observation = Observation.objects.get(pk=shown["id"])
    assert requests_expire_windows(now=observation.end - timedelta(seconds=1)) == 0
    assert requests_expire_windows(now=observation.end) == 1
    assert Request.objects.get().state == "WINDOW_EXPIRED"


def test_direct_requests_without_observations_are_expired_at_once_d13(
    submitter: Persona, proposal: Proposal, frozen_now: datetime
) -> None:
    _direct(submitter, proposal, frozen_now + timedelta(days=1))
    Observation.objects.all().delete()  # e.g. removed by the 72-hour rule
    assert requests_expire_windows(now=frozen_now) == 1
    assert RequestGroup.objects.get().state == "WINDOW_EXPIRED"


def test_old_cancelled_observations_without_progress_are_deleted(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = submit(submitter)["requests"][0]
    old = schedule(staff_view_user, request, frozen_now + timedelta(hours=1))
    ran = schedule(staff_view_user, request, frozen_now + timedelta(hours=2))
    recent = schedule(staff_view_user, request, frozen_now + timedelta(days=2))
    Observation.objects.filter(pk__in=[old["id"], ran["id"], recent["id"]]).update(state="CANCELED")
    ConfigurationStatus.objects.filter(observation_id=ran["id"]).update(state="ATTEMPTED")
    end_of_old = Observation.objects.get(pk=old["id"]).end
    assert canceled_observations_cleanup(now=end_of_old + timedelta(days=14)) == 0
    later = frozen_now + timedelta(days=15)
    assert canceled_observations_cleanup(now=later) == 1
    remaining = set(Observation.objects.values_list("id", flat=True))
    assert remaining == {ran["id"], recent["id"]}


def test_cleanup_deletes_at_most_the_limit_per_run(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = submit(submitter)["requests"][0]
    for hours in (1, 2, 3):
        schedule(staff_view_user, request, frozen_now + timedelta(hours=hours))
    Observation.objects.update(state="CANCELED")
    later = frozen_now + timedelta(days=20)
    assert canceled_observations_cleanup(now=later, limit=2) == 2
    assert canceled_observations_cleanup(now=later, limit=2) == 1
    assert not Observation.objects.exists()


def test_old_change_events_are_deleted(frozen_now: datetime, db: Any) -> None:
    from openocs.portal import events

    events.publish(kind="test.old", payload={})
    with time_machine.travel(frozen_now + timedelta(days=6), tick=False):
        events.publish(kind="test.recent", payload={})
    with time_machine.travel(frozen_now + timedelta(days=7, seconds=1), tick=False):
        assert change_events_cleanup() == 1
    assert list(ChangeEvent.objects.values_list("kind", flat=True)) == ["test.recent"]


def _periodic() -> dict[str, Any]:
    return {task.__name__: task() for task in HUEY._registry._periodic_tasks}


def test_every_periodic_job_is_registered_with_its_period() -> None:
    import openocs.portal.accounts.tasks
    import openocs.portal.notifications.tasks
    import openocs.portal.observations.tasks
    import openocs.portal.proposals.tasks
    import openocs.portal.requestgroups.tasks  # noqa: F401

    jobs = _periodic()
    expected = {
        "expire_windows_task",
        "canceled_observations_cleanup_task",
        "clear_expired_oauth_tokens",
        "allocation_reminder",
        "change_events_cleanup_task",
    }
    assert expected <= set(jobs)
    start = datetime(2026, 12, 1, 0, 0)  # huey validates naive UTC times
    minutes = [start + timedelta(minutes=m) for m in range(24 * 60)]

    def fires(name: str) -> list[datetime]:
        return [moment for moment in minutes if jobs[name].validate_datetime(moment)]

    expiry = fires("expire_windows_task")
    assert len(expiry) == 24 * 12  # every 5 minutes
    assert {b - a for a, b in itertools.pairwise(expiry)} == {timedelta(minutes=5)}
    assert len(fires("canceled_observations_cleanup_task")) == 24  # hourly
    assert len(fires("clear_expired_oauth_tokens")) == 1  # daily
    assert len(fires("change_events_cleanup_task")) == 1  # daily
    monthly = [start.replace(month=m, day=d) for m in (1, 2) for d in range(1, 29)]
    reminder = [
        moment.replace(hour=12)
        for moment in monthly
        if jobs["allocation_reminder"].validate_datetime(moment.replace(hour=12))
    ]
    assert [moment.day for moment in reminder] == [1, 1]  # monthly, on the first
