"""The list routes of request groups, requests, observations and configuration statuses run a
fixed number of queries per page, whatever the number of rows and of requests per group
(issue 17): the count with one row is the count with many."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openocs.portal.conftest import Persona
from openocs.portal.observations.tests.helpers import schedule
from openocs.portal.requestgroups.tests.conftest import imaging_group

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/requestgroups/?limit=100",
    "/api/requests/?limit=100",
    "/api/observations/?limit=100",
]
STATUS_LIST = "/api/configurationstatus/?limit=100"  # staff only


def _group(requests: int) -> dict[str, Any]:
    group = imaging_group(operator="MANY" if requests > 1 else "SINGLE")
    first = group["requests"][0]
    group["requests"] = [dict(first) for _ in range(requests)]
    return group


def _post(persona: Persona, group: dict[str, Any]) -> dict[str, Any]:
    response = persona.client.post("/api/requestgroups/", group, format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def _queries(persona: Persona, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = persona.client.get(path)
    assert response.status_code == 200, (path, response.content)
    assert response.json()["count"] > 0
    return len(captured.captured_queries)


def test_list_pages_run_a_fixed_number_of_queries(
    submitter: Persona,
    staff_view_user: Persona,
    frozen_now: datetime,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    first = _post(submitter, _group(1))
    schedule(staff_view_user, first["requests"][0], frozen_now + timedelta(hours=12))
    readers = {"member": submitter, "staff": staff_view_user}
    counts = {
        (who, path): _queries(persona, path) for who, persona in readers.items() for path in LISTS
    }
    counts["staff", STATUS_LIST] = _queries(staff_view_user, STATUS_LIST)

    more = [_post(submitter, _group(n)) for n in (3, 5, 2)]
    requests = [request for group in more for request in group["requests"][:2]]
    for k, request in enumerate(requests, start=1):
        schedule(staff_view_user, request, frozen_now + timedelta(hours=12 + k))
    for (who, path), expected in counts.items():
        with django_assert_num_queries(expected):
            body = readers[who].client.get(path).json()
        assert body["count"] > 1, (who, path)  # the page really grew


def test_the_scheduler_feed_runs_a_fixed_number_of_queries(
    submitter: Persona,
    staff_view_user: Persona,
    frozen_now: datetime,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    feed = "/api/requestgroups/schedulable_requests/"
    _post(submitter, _group(1))
    staff_view_user.client.get(feed)  # the same first call for both counts
    with CaptureQueriesContext(connection) as captured:
        response = staff_view_user.client.get(feed)
    assert response.status_code == 200, response.content
    assert len(response.json()) == 1
    expected = len(captured.captured_queries)
    assert expected > 0
    for n in (3, 5, 2):
        _post(submitter, _group(n))
    staff_view_user.client.get(feed)
    with django_assert_num_queries(expected):
        assert len(staff_view_user.client.get(feed).json()) == 4
