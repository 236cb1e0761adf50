"""The staff pages of the scheduler's runs: the list, one run with its left-out requests and
their reasons (linked to the requests), and who may open them (others get the 404 page)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openocs.portal.conftest import Persona
from openocs.portal.observations.tests.helpers import submit
from openocs.portal.schedulerruns.pages import duration_text
from openocs.portal.schedulerruns.tests.reports import left_out, run_report

pytestmark = pytest.mark.django_db


def _browser(persona: Persona | None) -> Client:
    browser = Client()
    if persona is not None:
        browser.force_login(persona.user)
    return browser


def _record(staff: Persona, **changes: Any) -> int:
    response = staff.client.post("/api/scheduler/runs/", run_report(**changes), format="json")
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def test_staff_see_the_runs_with_their_figures_and_find_them_in_the_navigation(
    staff_view_user: Persona,
) -> None:
    run_id = _record(staff_view_user)
    page = _browser(staff_view_user).get("/scheduler/").content.decode()
    assert f'href="/scheduler/runs/{run_id}/"' in page
    assert "1.55%" in page and "42.0 s" in page and "first run" in page
    assert 'href="/scheduler/"' in page  # the staff navigation links here


def test_without_runs_the_page_says_where_they_come_from(staff_user: Persona) -> None:
    page = _browser(staff_user).get("/scheduler/").content.decode()
    assert "No run reported yet" in page


def test_a_run_lists_each_left_out_request_with_its_reason_and_what_took_its_place(
    submitter: Persona, staff_view_user: Persona
) -> None:
    loser = submit(submitter)["requests"][0]["id"]
    winner = submit(submitter)["requests"][0]["id"]
    run_id = _record(
        staff_view_user,
        items=[
            left_out(
                loser,
                "LOST_TO_HIGHER_PRIORITY",
                message=f"lost to higher-priority work: taken by request(s) {winner}",
                competitors=[winner],
            ),
            left_out(999999, "NO_TELESCOPE"),
        ],
    )
    page = _browser(staff_view_user).get(f"/scheduler/runs/{run_id}/").content.decode()
    assert f'href="/requests/{loser}/"' in page
    assert f'<a href="/requests/{winner}/">{winner}</a>' in page
    assert "Lost to higher priority" in page and "No telescope with its instrument" in page
    assert "ngc1300-monitoring" in page  # the group of the left-out request
    assert "Request 999999" in page and 'href="/requests/999999/"' not in page  # unknown id

    filtered = _browser(staff_view_user).get(f"/scheduler/runs/{run_id}/?reason=NO_TELESCOPE")
    body = filtered.content.decode()
    assert "Request 999999" in body and f'data-request="{loser}"' not in body


def test_staff_without_staff_view_see_ids_but_no_other_proposals_details(
    submitter: Persona, staff_user: Persona
) -> None:
    request_id = submit(submitter)["requests"][0]["id"]
    run_id = _record(staff_user, items=[left_out(request_id)])
    page = _browser(staff_user).get(f"/scheduler/runs/{run_id}/").content.decode()
    assert f"Request {request_id}" in page and "Not visible in its windows" in page
    assert f'href="/requests/{request_id}/"' not in page
    assert "ngc1300-monitoring" not in page


def test_a_failed_run_shows_its_error(staff_view_user: Persona) -> None:
    run_id = _record(staff_view_user, ok=False, error="downtime: connection refused", items=[])
    page = _browser(staff_view_user).get(f"/scheduler/runs/{run_id}/").content.decode()
    assert "This run failed." in page and "downtime: connection refused" in page


@pytest.mark.parametrize("path", ["/scheduler/", "/scheduler/runs/{id}/"])
def test_others_get_the_404_page_and_anonymous_users_sign_in_first(
    submitter: Persona, staff_view_user: Persona, path: str
) -> None:
    url = path.format(id=_record(staff_view_user))
    assert _browser(submitter).get(url).status_code == 404
    response = _browser(None).get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert 'href="/scheduler/"' not in _browser(submitter).get("/").content.decode()


def test_an_unknown_run_is_the_404_page(staff_view_user: Persona) -> None:
    assert _browser(staff_view_user).get("/scheduler/runs/424242/").status_code == 404


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (4.25, "4.2 s"), (185, "3 min 05 s"), (3725, "1 h 02 min")],
)
def test_durations_read_as_a_person_says_them(seconds: float | None, text: str) -> None:
    assert duration_text(seconds) == text
