"""Reading and cancelling request groups and requests (portal-api.md §1.2, §10.1, §10.4, §11)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona, PersonaFactory
from openocs.portal.proposals.models import Membership, Proposal, TimeAllocation
from openocs.portal.requestgroups.tests.conftest import imaging_group, submit_imaging_group

pytestmark = pytest.mark.django_db


def _submit(persona: Persona, **changes: Any) -> dict[str, Any]:
    return submit_imaging_group(persona, **changes)


def test_list_uses_the_list_shape_and_newest_first(submitter: Persona) -> None:
    first = _submit(submitter, name="first")
    second = _submit(submitter, name="second")
    body = submitter.client.get("/api/requestgroups/").json()
    assert body["count"] == 2
    assert [g["id"] for g in body["results"]] == [second["id"], first["id"]]
    request = body["results"][0]["requests"][0]
    assert "created" not in request  # list shape (§3.11)
    ic = request["configurations"][0]["instrument_configs"][0]
    assert ic["rois"] == [] and ic["rotator_mode"] == ""
    assert request["configurations"][0]["repeat_duration"] is None
    assert "max_seeing" not in request["configurations"][0]["constraints"]  # nulls omitted


def test_filters_by_request_id_state_name_and_target(submitter: Persona) -> None:
    group = _submit(submitter, name="alpha")
    _submit(submitter, name="beta")
    request_id = group["requests"][0]["id"]
    client = submitter.client
    # TOM Toolkit looks a group up by its request's id, without the trailing slash
    found = client.get(f"/api/requestgroups?request_id={request_id}").json()
    assert [g["id"] for g in found["results"]] == [group["id"]]
    assert client.get("/api/requestgroups/?name=ALP").json()["count"] == 1
    assert client.get("/api/requestgroups/?target=ngc13").json()["count"] == 2
    assert client.get("/api/requestgroups/?state=CANCELED").json()["count"] == 0
    assert client.get("/api/requestgroups/?exclude_state=PENDING").json()["count"] == 0
    assert (
        client.get("/api/requestgroups/?telescope_class=1m0&telescope_class=2m0").json()["count"]
        == 2
    )
    assert client.get("/api/requestgroups/?telescope_class=0m4").json()["count"] == 0
    ordered = client.get("/api/requestgroups/?order=name").json()["results"]
    assert [g["name"] for g in ordered] == ["alpha", "beta"]
    bad = client.get("/api/requestgroups/?state=BOGUS")
    assert bad.status_code == 400
    assert "state" in bad.json()


def test_scoping_anonymous_outsider_member_and_staff_view(
    submitter: Persona,
    outsider: Persona,
    staff_user: Persona,
    staff_view_user: Persona,
    anonymous_client: APIClient,
) -> None:
    group = _submit(submitter)
    url = f"/api/requestgroups/{group['id']}/"
    assert anonymous_client.get(url).status_code == 404
    assert outsider.client.get(url).status_code == 404
    assert staff_user.client.get(url).status_code == 404  # staff without staff view: own only
    assert staff_view_user.client.get(url).status_code == 200
    assert submitter.client.get(url).status_code == 200
    Proposal.objects.update(public=True)
    assert anonymous_client.get(url).status_code == 200
    assert anonymous_client.get("/api/requestgroups/").json()["count"] == 1


def test_view_authored_requests_only_hides_co_members_groups(
    submitter: Persona, make_persona: PersonaFactory
) -> None:
    colleague = make_persona("dave")
    Membership.objects.create(
        proposal=Proposal.objects.get(), user=colleague.user, role=Membership.CI
    )
    _submit(submitter)
    assert colleague.client.get("/api/requestgroups/").json()["count"] == 1
    profile = colleague.user.profile
    profile.view_authored_requests_only = True
    profile.save()
    assert colleague.client.get("/api/requestgroups/").json()["count"] == 0


def test_request_detail_and_bulk_status_query(submitter: Persona) -> None:
    first = _submit(submitter)["requests"][0]["id"]
    second = _submit(submitter)["requests"][0]["id"]
    detail = submitter.client.get(f"/api/requests/{first}")  # TOM Toolkit: no trailing slash
    assert detail.status_code == 200
    assert detail.json()["state"] == "PENDING"
    assert "created" in detail.json()
    bulk = submitter.client.get(f"/api/requests/?id={first}&id={second}").json()
    assert sorted(r["id"] for r in bulk["results"]) == sorted([first, second])
    assert submitter.client.post("/api/requests/", {}, format="json").status_code == 405


def test_cancel_without_a_body_refunds_ipp_and_is_final(submitter: Persona) -> None:
    before = TimeAllocation.objects.get().ipp_time_available
    group = _submit(submitter, ipp_value=1.5)
    assert TimeAllocation.objects.get().ipp_time_available < before
    response = submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "CANCELED"
    assert body["requests"][0]["state"] == "CANCELED"
    assert TimeAllocation.objects.get().ipp_time_available == pytest.approx(before)
    again = submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    assert again.status_code == 400
    assert again.json() == {
        "errors": [f"Cannot transition from request state CANCELED to CANCELED for {group['id']}"]
    }


def test_outsider_cannot_cancel_and_sees_404(submitter: Persona, outsider: Persona) -> None:
    group = _submit(submitter)
    assert outsider.client.post(f"/api/requestgroups/{group['id']}/cancel/").status_code == 404


def test_cancel_one_request_of_a_many_group(submitter: Persona) -> None:
    payload = imaging_group(operator="MANY")
    payload["requests"].append(dict(payload["requests"][0]))
    response = submitter.client.post("/api/requestgroups/", payload, format="json")
    assert response.status_code == 201, response.json()
    group = response.json()
    first, second = (r["id"] for r in group["requests"])
    cancelled = submitter.client.post(f"/api/requests/{first}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "CANCELED"
    body = submitter.client.get(f"/api/requestgroups/{group['id']}/").json()
    assert body["state"] == "PENDING"
    assert {r["id"]: r["state"] for r in body["requests"]} == {first: "CANCELED", second: "PENDING"}


def test_group_detail_rejects_updates(submitter: Persona) -> None:
    group = _submit(submitter)
    url = f"/api/requestgroups/{group['id']}/"
    assert submitter.client.patch(url, {"name": "x"}, format="json").status_code == 405
    assert submitter.client.delete(url).status_code == 405


def test_list_query_count_does_not_grow_with_rows(submitter: Persona) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _submit(submitter)
    with CaptureQueriesContext(connection) as one_row:
        submitter.client.get("/api/requestgroups/")
    for _ in range(4):
        _submit(submitter)
    with CaptureQueriesContext(connection) as five_rows:
        body = submitter.client.get("/api/requestgroups/").json()
    assert body["count"] == 5
    assert len(five_rows.captured_queries) == len(one_row.captured_queries) <= 12


def test_submissions_are_throttled_per_user(submitter: Persona, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    rates["requestgroups.validate"] = "2/day"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    api_settings.reload()
    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
    try:
        codes = [
            submitter.client.post("/api/requestgroups/validate/", {}, format="json").status_code
            for _ in range(3)
        ]
    finally:
        cache.clear()
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**rates, "requestgroups.validate": "20000/day"},
        }
        api_settings.reload()
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
    assert codes == [200, 200, 429]


def test_anonymous_callers_may_not_ask_for_huge_pages(
    anonymous_client: APIClient, submitter: Persona
) -> None:
    big = anonymous_client.get("/api/requestgroups/?limit=101")
    assert big.status_code == 400
    assert big.content == b"Large limit not allowed for anonymous users."
    far = anonymous_client.get("/api/observations/?offset=10001")
    assert far.content == b"Large offset not allowed for anonymous users."
    assert anonymous_client.get("/api/requestgroups/?limit=100").status_code == 200
    assert submitter.client.get("/api/requestgroups/?limit=5000").status_code == 200


# --- suspending scheduling (§11.2) -----------------------------------------------------------


def test_staff_suspend_scheduling_hides_the_request_from_the_feed(
    submitter: Persona, make_persona: PersonaFactory
) -> None:
    from datetime import UTC, datetime

    from openocs.portal.requestgroups.selectors import schedulable_request_groups

    def fed() -> set[int]:
        feed = schedulable_request_groups(
            start=datetime(2026, 11, 1, tzinfo=UTC),
            end=datetime(2026, 12, 31, tzinfo=UTC),
            telescope_classes=["1m0"],
        )
        return {r["id"] for _, requests in feed for r in requests}

    staff = make_persona("ops", is_staff=True)
    request_id = _submit(submitter)["requests"][0]["id"]
    assert request_id in fed()
    response = staff.client.patch(
        f"/api/requests/{request_id}/",
        {"suspend_until": "2026-12-03T00:00:00Z", "state": "COMPLETED"},  # other keys dropped
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "PENDING"
    assert response.json()["suspend_until"] == "2026-12-03T00:00:00Z"
    assert request_id not in fed()
    events = staff.client.get("/api/changes/?after=0&replan=true").json()["events"]
    assert events[-1]["kind"] == "request.suspended"
    assert events[-1]["data"]["suspend_until"] == "2026-12-03T00:00:00Z"
    lifted = staff.client.patch(
        f"/api/requests/{request_id}", {"suspend_until": None}, format="json"
    )
    assert lifted.status_code == 200
    assert lifted.json()["suspend_until"] is None
    assert request_id in fed()


def test_suspend_messages_and_permissions(
    submitter: Persona, make_persona: PersonaFactory, anonymous_client: APIClient
) -> None:
    staff = make_persona("ops", is_staff=True)
    request_id = _submit(submitter)["requests"][0]["id"]
    url = f"/api/requests/{request_id}/"
    assert staff.client.patch(url, {}, format="json").json() == {
        "non_field_errors": ["The suspend_until value must be set on update requests"]
    }
    past = staff.client.patch(url, {"suspend_until": "2026-11-30T00:00:00Z"}, format="json")
    assert past.status_code == 400
    assert past.json() == {"suspend_until": ["The suspend_until value must be in the future"]}
    assert submitter.client.patch(url, {"suspend_until": None}, format="json").status_code == 403
    assert anonymous_client.patch(url, {"suspend_until": None}, format="json").status_code == 401
    submitter.client.post(f"/api/requests/{request_id}/cancel/")
    refused = staff.client.patch(url, {"suspend_until": "2026-12-03T00:00:00Z"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": [
            "Can only suspend scheduling on PENDING Requests - this request state is CANCELED"
        ]
    }
