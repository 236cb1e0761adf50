"""A whole night through the HTTP API (issue 6): submit → scheduler-style bulk create → site
PATCHes → request COMPLETED with time charged; a failing night → failure limit; cancellation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from openocs.portal.conftest import Persona
from openocs.portal.observations.models import Observation
from openocs.portal.observations.tests.helpers import iso as _iso
from openocs.portal.observations.tests.helpers import sinistro_at as _sinistro_at
from openocs.portal.proposals.models import TimeAllocation
from openocs.portal.requestgroups.tests.conftest import imaging_group

pytestmark = pytest.mark.django_db


def _submit(persona: Persona) -> dict[str, Any]:
    response = persona.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def _schedule(staff: Persona, request: dict[str, Any], start: datetime) -> list[dict[str, Any]]:
    site, enclosure, telescope, instrument, guider = _sinistro_at("lsc")
    body = [
        {
            "request": request["id"],
            "site": site,
            "enclosure": enclosure,
            "telescope": telescope,
            "start": _iso(start),
            "end": _iso(start + timedelta(seconds=request["duration"])),
            "priority": 10,
            "configuration_statuses": [
                {
                    "configuration": c["id"],
                    "instrument_name": instrument,
                    "guide_camera_name": guider,
                }
                for c in request["configurations"]
            ],
        }
    ]
    response = staff.client.post("/api/observations/", body, format="json")
    assert response.status_code == 201
    assert response.json() == {"num_created": 1, "errors": {}}
    schedule = staff.client.get(
        f"/api/observations/?site={site}&telescope={telescope}&state=PENDING&state=IN_PROGRESS"
    ).json()
    results: list[dict[str, Any]] = schedule["results"]
    return results


def test_a_completed_night_charges_time_and_completes_the_request(
    submitter: Persona,
    staff_view_user: Persona,
    frozen_now: datetime,
    django_capture_on_commit_callbacks: Any,
) -> None:
    profile = submitter.user.profile
    profile.notifications_enabled = True  # the PI wants to hear when requests complete
    profile.save()
    group = _submit(submitter)
    request = group["requests"][0]
    start = frozen_now + timedelta(hours=12)
    schedule = _schedule(staff_view_user, request, start)
    assert len(schedule) == 1
    observation = schedule[0]
    assert observation["request"]["configurations"][0]["configuration_status"]
    status_id = observation["request"]["configurations"][0]["configuration_status"]
    used_before = TimeAllocation.objects.get().std_time_used
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        attempted = staff_view_user.client.patch(
            f"/api/configurationstatus/{status_id}/", {"state": "ATTEMPTED"}, format="json"
        )
        assert attempted.json()["state"] == "ATTEMPTED"
        assert Observation.objects.get().state == "IN_PROGRESS"
        summary = {
            "start": _iso(start),
            "end": _iso(start + timedelta(seconds=120)),
            "state": "COMPLETED",
            "time_completed": 60.0,
            "events": {},
        }
        with django_capture_on_commit_callbacks(execute=True):  # e-mails go out on commit
            done = staff_view_user.client.patch(
                f"/api/configurationstatus/{status_id}",
                {"state": "COMPLETED", "summary": summary},
                format="json",
            )
        assert done.status_code == 200, done.json()
        # idempotent: pyobs-core retries a timed-out PATCH
        staff_view_user.client.patch(
            f"/api/configurationstatus/{status_id}/",
            {"state": "COMPLETED", "summary": summary},
            format="json",
        )
    assert Observation.objects.get().state == "COMPLETED"
    detail = submitter.client.get(f"/api/requests/{request['id']}").json()
    assert detail["state"] == "COMPLETED"
    assert submitter.client.get(f"/api/requestgroups/{group['id']}/").json()["state"] == "COMPLETED"
    used_after = TimeAllocation.objects.get().std_time_used
    assert used_after - used_before == pytest.approx(120 / 3600, abs=1e-9)
    from django.core import mail

    completed = [m for m in mail.outbox if "has completed" in m.subject]
    assert len(completed) == 1
    assert f"frames/?request_id={request['id']}" in completed[0].body  # the data link
    short = submitter.client.get(f"/api/requests/{request['id']}/observations/").json()
    assert short[0]["state"] == "COMPLETED"
    assert short[0]["configuration_statuses"][0]["summary"]["time_completed"] == 60.0


@override_settings(MAX_FAILURES_PER_REQUEST=2)
def test_a_failing_request_reaches_its_failure_limit(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = _submit(submitter)["requests"][0]
    for night in (1, 2):
        start = frozen_now + timedelta(days=night - 1, hours=10)
        observation = _schedule(staff_view_user, request, start)[0]
        status_id = observation["request"]["configurations"][0]["configuration_status"]
        with time_machine.travel(start + timedelta(minutes=5), tick=False):
            response = staff_view_user.client.patch(
                f"/api/configurationstatus/{status_id}/",
                {
                    "state": "FAILED",
                    "summary": {
                        "start": _iso(start),
                        "end": _iso(start + timedelta(seconds=30)),
                        "state": "FAILED",
                        "reason": "clouds",
                        "time_completed": 0,
                    },
                },
                format="json",
            )
            assert response.status_code == 200, response.json()
        state = submitter.client.get(f"/api/requests/{request['id']}").json()["state"]
        assert state == ("PENDING" if night == 1 else "FAILURE_LIMIT_REACHED")


def test_bulk_create_reports_per_item_errors_and_keeps_valid_items(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = _submit(submitter)["requests"][0]
    site, enclosure, telescope, instrument, _guider = _sinistro_at("lsc")
    start = frozen_now + timedelta(hours=12)
    good = {
        "request": request["id"],
        "site": site,
        "enclosure": enclosure,
        "telescope": telescope,
        "start": _iso(start),
        "end": _iso(start + timedelta(minutes=5)),
        "configuration_statuses": [
            {"configuration": request["configurations"][0]["id"], "instrument_name": instrument}
        ],
    }
    backwards = {**good, "end": _iso(start - timedelta(minutes=5))}
    overlapping = dict(good)
    response = staff_view_user.client.post(
        "/api/observations/", [good, backwards, overlapping], format="json"
    )
    body = response.json()
    assert response.status_code == 201
    assert body["num_created"] == 1
    assert body["errors"]["1"] == {"non_field_errors": ["End time must be after start time"]}
    assert "overlaps observation" in body["errors"]["2"]["non_field_errors"][0]
    assert staff_view_user.client.get("/api/last_scheduled/?site=lsc").json()["last_schedule_time"]


def test_non_staff_cannot_create_observations(submitter: Persona, frozen_now: datetime) -> None:
    request = _submit(submitter)["requests"][0]
    site, enclosure, telescope, instrument, _ = _sinistro_at("lsc")
    start = frozen_now + timedelta(hours=12)
    item = {
        "request": request["id"],
        "site": site,
        "enclosure": enclosure,
        "telescope": telescope,
        "start": _iso(start),
        "end": _iso(start + timedelta(minutes=5)),
        "configuration_statuses": [
            {"configuration": request["configurations"][0]["id"], "instrument_name": instrument}
        ],
    }
    response = submitter.client.post("/api/observations/", item, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("Non staff users can only create")


def test_cancel_applies_the_72_hour_rule_and_refuses_in_progress_without_preemption(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = _submit(submitter)["requests"][0]
    soon = _schedule(staff_view_user, request, frozen_now + timedelta(hours=1))[0]
    late = _schedule(staff_view_user, request, frozen_now + timedelta(days=4))
    late_id = next(o["id"] for o in late if o["id"] != soon["id"])
    status_id = soon["request"]["configurations"][0]["configuration_status"]
    with time_machine.travel(frozen_now + timedelta(hours=1, minutes=1), tick=False):
        staff_view_user.client.patch(
            f"/api/configurationstatus/{status_id}/", {"state": "ATTEMPTED"}, format="json"
        )
        refused = staff_view_user.client.post(
            "/api/observations/cancel/", {"ids": [soon["id"], late_id]}, format="json"
        )
        assert refused.status_code == 400
        assert refused.json() == {
            "error": "Cannot cancel IN_PROGRESS observations unless preemption_enabled is True"
        }
        allowed = staff_view_user.client.post(
            "/api/observations/cancel/",
            {"ids": [soon["id"], late_id], "preemption_enabled": True},
            format="json",
        )
    assert allowed.json() == {"canceled": 2}
    assert Observation.objects.get(pk=soon["id"]).state == "ABORTED"
    assert not Observation.objects.filter(pk=late_id).exists()  # ≥ 72 h ahead: deleted
    missing = staff_view_user.client.post("/api/observations/cancel/", {}, format="json")
    assert missing.json() == {
        "non_field_errors": ["Must include either an observation id list or a start and end time"]
    }


def test_scheduler_feed_and_change_polling(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    before = staff_view_user.client.get("/api/last_changed/?telescope_class=1m0").json()
    group = _submit(submitter)
    after = staff_view_user.client.get("/api/last_changed/?telescope_class=1m0").json()
    assert after["last_change_time"] >= before["last_change_time"]
    feed = staff_view_user.client.get(
        "/api/requestgroups/schedulable_requests/?start=2026-12-01T00:00:00&end=2026-12-09"
    )
    assert feed.status_code == 200
    ids = [g["id"] for g in feed.json()]
    assert ids == [group["id"]]
    element = feed.json()[0]
    assert {
        "created",
        "id",
        "ipp_value",
        "is_staff",
        "modified",
        "name",
        "observation_type",
        "operator",
        "proposal",
        "requests",
        "state",
        "submitter",
    } <= set(element)
    assert submitter.client.get("/api/requestgroups/schedulable_requests/").status_code == 403
    TimeAllocation.objects.update(std_allocation=0.0)
    assert (
        staff_view_user.client.get(
            "/api/requestgroups/schedulable_requests/?start=2026-12-01&end=2026-12-09"
        ).json()
        == []
    )


def test_completion_is_judged_cumulatively_across_observations(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    # 2 × 30 s exposures = 60 s expected; two nights each completing 30 s complete the request
    request = _submit(submitter)["requests"][0]
    for night in (0, 1):
        start = frozen_now + timedelta(days=night, hours=10)
        observation = _schedule(staff_view_user, request, start)[0]
        status_id = observation["request"]["configurations"][0]["configuration_status"]
        with time_machine.travel(start + timedelta(minutes=5), tick=False):
            staff_view_user.client.patch(
                f"/api/configurationstatus/{status_id}/",
                {
                    "state": "FAILED",
                    "summary": {
                        "start": _iso(start),
                        "end": _iso(start + timedelta(seconds=60)),
                        "state": "FAILED",
                        "reason": "clouds halfway",
                        "time_completed": 30.0,
                    },
                },
                format="json",
            )
        state = submitter.client.get(f"/api/requests/{request['id']}").json()["state"]
        assert state == ("PENDING" if night == 0 else "COMPLETED")


@pytest.mark.parametrize(
    "ids",
    [[2**63], [-(2**63) - 1], list(range(1, 1003))],
    ids=["beyond 64 bits", "below 64 bits", "more than OCS_MAX_BULK_ITEMS"],
)
@override_settings(OCS_MAX_BULK_ITEMS=1001)
def test_cancel_by_ids_refuses_ids_beyond_64_bits_and_lists_beyond_the_bulk_limit(
    staff_view_user: Persona, ids: list[int]
) -> None:
    # Both were accepted (200): ids no column can hold, and a list as long as the caller liked.
    response = staff_view_user.client.post("/api/observations/cancel/", {"ids": ids}, format="json")
    assert response.status_code == 400, response.content[:200]
    assert "ids" in response.json()
