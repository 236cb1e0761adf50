"""A pending request's page says why it is not scheduled yet with the scheduler's latest
explanation (issue 12, page 5), falling back to what the portal itself knows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from openocs.portal.conftest import Persona
from openocs.portal.observations.tests.helpers import submit
from openocs.portal.schedulerruns.tests.reports import STARTED, left_out, run_report

pytestmark = pytest.mark.django_db


def _page(persona: Persona, request_id: int) -> str:
    browser = Client()
    browser.force_login(persona.user)
    response = browser.get(f"/requests/{request_id}/")
    assert response.status_code == 200
    return response.content.decode()


def _report(staff: Persona, **changes: Any) -> None:
    response = staff.client.post("/api/scheduler/runs/", run_report(**changes), format="json")
    assert response.status_code == 201, response.json()


def test_without_an_explanation_the_page_gives_the_portals_own_reasons(
    submitter: Persona,
) -> None:
    request_id = submit(submitter)["requests"][0]["id"]
    page = _page(submitter, request_id)
    assert "Not scheduled yet." in page
    assert "It is waiting for telescope time" in page


def test_the_latest_explanation_is_shown_with_its_run_time(
    submitter: Persona, staff_view_user: Persona
) -> None:
    request_id = submit(submitter)["requests"][0]["id"]
    _report(staff_view_user, items=[left_out(request_id, "NO_TELESCOPE")])
    later = STARTED + timedelta(hours=1)
    _report(staff_view_user, at=later, items=[left_out(request_id, "BLOCKED_BY_DOWNTIME")])
    page = _page(submitter, request_id)
    assert "blocked by telescope downtime" in page
    assert "2026-12-01 13:00" in page  # the later run's time, in UTC
    assert "No telescope with its instrument" not in page
    assert "It is waiting for telescope time" not in page  # the scheduler said why


def test_the_requests_that_took_its_time_are_linked_only_when_the_viewer_may_see_them(
    submitter: Persona, staff_view_user: Persona
) -> None:
    group = submit(submitter)
    request_id = group["requests"][0]["id"]
    own_other = submit(submitter)["requests"][0]["id"]
    foreign = 987654
    message = f"lost to higher-priority work: its candidate time is taken by request(s) {foreign}"
    _report(
        staff_view_user,
        items=[
            left_out(
                request_id,
                "LOST_TO_HIGHER_PRIORITY",
                message=message,
                competitors=[foreign, own_other],
            )
        ],
    )
    page = _page(submitter, request_id)
    assert "Lost to higher priority" in page
    assert f'href="/requests/{own_other}/"' in page
    assert str(foreign) not in page  # another proposal's request is not named to the owner
    assert "requests of other proposals" in page

    staff_page = _page(staff_view_user, request_id)
    assert message in staff_page  # staff read the scheduler's own words


def test_a_scheduled_request_shows_no_explanation(
    submitter: Persona, staff_view_user: Persona, frozen_now: object
) -> None:
    from openocs.portal.observations.tests.helpers import schedule

    group = submit(submitter)
    request = group["requests"][0]
    _report(staff_view_user, items=[left_out(request["id"], "NOT_VISIBLE")])
    schedule(staff_view_user, request, STARTED + timedelta(days=1))
    assert "Not scheduled yet." not in _page(submitter, request["id"])
