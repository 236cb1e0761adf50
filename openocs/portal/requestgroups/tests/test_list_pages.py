"""The request-group and request lists: the API's filters, sorting on the columns, state counts
for the current filters, and a constant number of queries however many rows a page shows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openocs.portal.conftest import PERSONA_PASSWORD, Persona
from openocs.portal.requestgroups.models import Request, RequestGroup
from openocs.portal.requestgroups.tests.conftest import imaging_group, submit_imaging_group

pytestmark = pytest.mark.django_db


def _submit(persona: Persona, **changes: Any) -> dict[str, Any]:
    return submit_imaging_group(persona, **changes)


def _browser() -> Client:
    client = Client()
    assert client.login(username="carol", password=PERSONA_PASSWORD)
    return client


def _with_target(name: str) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = imaging_group()["requests"]
    requests[0]["configurations"][0]["target"]["name"] = name
    return requests


def _chips(html: str) -> dict[str, int]:
    return {
        state: int(count)
        for state, count in re.findall(
            r'data-state-chip="(\w+)".*?chip__count">(\d+)<', html, flags=re.S
        )
    }


def test_group_list_sorts_on_its_columns_with_accessible_links(submitter: Persona) -> None:
    first = _submit(submitter, name="zeta")
    second = _submit(submitter, name="alpha")
    client = _browser()
    by_id = client.get("/requestgroups/?ordering=id").content.decode()
    assert by_id.index(">zeta<") < by_id.index(">alpha<")
    assert 'aria-sort="ascending"' in by_id
    assert "(sort descending)</span>" in by_id  # the sorted column's link says what it does
    assert "ordering=-id" in by_id
    by_id_down = client.get("/requestgroups/?ordering=-id").content.decode()
    assert by_id_down.index(">alpha<") < by_id_down.index(">zeta<")
    assert 'aria-sort="descending"' in by_id_down
    by_name = client.get("/requestgroups/?ordering=name").content.decode()
    assert by_name.index(">alpha<") < by_name.index(">zeta<")
    assert first["id"] < second["id"]


def test_group_state_counts_follow_the_other_filters_and_chips_set_the_state(
    submitter: Persona,
) -> None:
    _submit(submitter, name="kept-one")
    _submit(submitter, name="kept-two")
    gone = _submit(submitter, name="gone")
    other = _submit(submitter, name="elsewhere", requests=_with_target("m31"))
    RequestGroup.objects.filter(pk__in=[gone["id"], other["id"]]).update(state="CANCELED")
    client = _browser()
    html = client.get("/requestgroups/").content.decode()
    assert _chips(html) == {"PENDING": 2, "CANCELED": 2}
    html = client.get("/requestgroups/?target=ngc&state=CANCELED").content.decode()
    assert _chips(html) == {"PENDING": 2, "CANCELED": 1}  # counts ignore the state filter only
    assert ">gone<" in html and ">kept-one<" not in html and ">elsewhere<" not in html
    assert 'href="?target=ngc&amp;state=PENDING"' in html  # a chip keeps the other filters


def test_group_list_filters_by_proposal_type_and_dates(submitter: Persona) -> None:
    _submit(submitter, name="normal-one")
    client = _browser()
    assert ">normal-one<" in client.get("/requestgroups/?proposal=LCO2026B-001").content.decode()
    html = client.get("/requestgroups/?observation_type=TIME_CRITICAL").content.decode()
    assert "No request group matches these filters." in html
    html = client.get("/requestgroups/?created_after=2999-01-01").content.decode()
    assert "No request group matches these filters." in html
    html = client.get(
        "/requestgroups/?window_after=2026-12-02&window_before=2026-12-03"
    ).content.decode()
    assert ">normal-one<" in html
    html = client.get("/requestgroups/?window_before=2026-11-30").content.decode()
    assert "No request group matches these filters." in html
    html = client.get("/requestgroups/?proposal=SOMEONE-ELSES").content.decode()
    assert 'id="id_proposal-error"' in html  # not one of the viewer's proposals


def test_request_list_filters_sorts_and_counts(submitter: Persona) -> None:
    first = _submit(submitter, name="first")
    second = _submit(submitter, name="second", requests=_with_target("m31"))
    first_id = first["requests"][0]["id"]
    second_id = second["requests"][0]["id"]
    Request.objects.filter(pk=second_id).update(state="CANCELED")
    client = _browser()
    html = client.get("/requests/").content.decode()
    assert _chips(html) == {"PENDING": 1, "CANCELED": 1}
    assert html.index(f"Request {second_id}<") < html.index(f"Request {first_id}<")  # -id
    html = client.get("/requests/?target=m3").content.decode()
    assert f"Request {second_id}<" in html and f"Request {first_id}<" not in html
    assert _chips(html) == {"CANCELED": 1}
    html = client.get("/requests/?state=PENDING").content.decode()
    assert f"Request {first_id}<" in html and f"Request {second_id}<" not in html
    html = client.get("/requests/?proposal=LCO2026B-001&telescope_class=1m0").content.decode()
    assert f"Request {first_id}<" in html and f"Request {second_id}<" in html
    html = client.get("/requests/?created_before=2000-01-01").content.decode()
    assert "No request matches these filters." in html
    html = client.get("/requests/?window_after=2026-12-07").content.decode()
    assert f"Request {first_id}<" in html
    html = client.get("/requests/?window_after=2026-12-09").content.decode()
    assert "No request matches these filters." in html
    html = client.get("/requests/?ordering=group").content.decode()
    assert html.index(f"Request {first_id}<") < html.index(f"Request {second_id}<")
    assert 'aria-sort="ascending"' in html
    html = client.get("/requests/?ordering=-group").content.decode()
    assert html.index(f"Request {second_id}<") < html.index(f"Request {first_id}<")


def test_the_request_api_keeps_its_own_filters(submitter: Persona) -> None:
    """The page's extra filters are not the API's: ``/api/requests/`` ignores them (§11.1)."""
    _submit(submitter, name="first")
    body = submitter.client.get("/api/requests/?target=nothing-like-it").json()
    assert body["count"] == 1


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/requestgroups/",
        "/requestgroups/?target=ngc&state=PENDING&window_after=2026-12-01&ordering=end",
        "/requests/",
        "/requests/?target=ngc&state=PENDING&window_after=2026-12-01&ordering=group",
    ],
)
def test_a_list_page_makes_as_many_queries_for_many_rows_as_for_one(
    submitter: Persona, path: str
) -> None:
    two_requests = imaging_group()["requests"] * 2
    _submit(submitter, operator="MANY", requests=two_requests)
    client = _browser()
    client.get(path)  # warm the per-process caches (configuration, sessions)
    few = _queries(client, path)
    for index in range(4):
        _submit(submitter, name=f"more-{index}", operator="MANY", requests=two_requests)
    assert _queries(client, path) == few
