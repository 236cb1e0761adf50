"""``/api/scheduler/runs/`` (OpenOCS extension): the scheduler reports its runs; staff read them;
nobody else may do either; bad or oversized bodies are refused whole, naming the field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona
from openocs.portal.schedulerruns.models import LeftOutRequest, SchedulerRun
from openocs.portal.schedulerruns.serializers import MAX_COMPETITORS, MAX_LEFT_OUT
from openocs.portal.schedulerruns.tests.reports import STARTED, left_out, run_report

pytestmark = pytest.mark.django_db

URL = "/api/scheduler/runs/"


def _post(persona: Persona, body: Any) -> Any:
    return persona.client.post(URL, body, format="json")


def test_staff_records_a_run_with_its_left_out_requests(staff_view_user: Persona) -> None:
    body = run_report(
        items=[
            left_out(7),
            left_out(
                8,
                "LOST_TO_HIGHER_PRIORITY",
                reference_reason="WasNotScheduled",
                message="lost to higher-priority work: its candidate time is taken by request(s) 3",
                competitors=[3, 4],
            ),
        ]
    )
    response = _post(staff_view_user, body)
    assert response.status_code == 201, response.json()
    run = response.json()
    assert run["kernel"] == "cpsat" and run["requests_left_out"] == 2
    assert run["gap"] == pytest.approx(0.0155) and not run["left_out_truncated"]

    detail = staff_view_user.client.get(f"{URL}{run['id']}/").json()
    assert [item["request"] for item in detail["left_out"]] == [7, 8]
    assert detail["left_out"][1]["competitors"] == [3, 4]
    assert detail["passes"][1]["name"] == "normal"

    listed = staff_view_user.client.get(URL).json()
    assert listed["count"] == 1 and "left_out" not in listed["results"][0]


def test_staff_without_staff_view_may_report_and_read(staff_user: Persona) -> None:
    assert _post(staff_user, run_report()).status_code == 201
    assert staff_user.client.get(URL).status_code == 200


def test_a_run_lists_fewer_left_out_requests_than_it_counts_as_truncated(
    staff_view_user: Persona,
) -> None:
    response = _post(staff_view_user, run_report(requests_left_out=9000))
    assert response.status_code == 201
    assert response.json()["left_out_truncated"] is True


def test_non_staff_may_neither_report_nor_read(
    submitter: Persona, anonymous_client: APIClient, staff_view_user: Persona
) -> None:
    run = _post(staff_view_user, run_report()).json()
    assert _post(submitter, run_report()).status_code == 403
    assert submitter.client.get(URL).status_code == 403
    assert submitter.client.get(f"{URL}{run['id']}/").status_code == 403
    assert anonymous_client.post(URL, run_report(), format="json").status_code == 401
    assert anonymous_client.get(f"{URL}{run['id']}/").status_code == 401
    assert SchedulerRun.objects.count() == 1


def test_an_unknown_run_is_404(staff_view_user: Persona) -> None:
    assert staff_view_user.client.get(f"{URL}999999/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kernel": "k" * 65}, "kernel"),
        ({"trigger": "t" * 201}, "trigger"),
        ({"error": "e" * 2001}, "error"),
        ({"started": "yesterday"}, "started"),
        ({"ended": "2026-12-01T11:00:00Z"}, "ended"),
        ({"requests_considered": -1}, "requests_considered"),
        ({"gap": "NaN"}, "gap"),
        ({"passes": [{"name": "p"}] * 5}, "passes"),
        ({"telescope_classes": ["x" * 21]}, "telescope_classes"),
        ({"left_out": [left_out(1, "not a code")]}, "left_out"),
        ({"left_out": [left_out(1, message="m" * 301)]}, "left_out"),
        ({"left_out": [left_out(1, competitors=list(range(1, MAX_COMPETITORS + 2)))]}, "left_out"),
        ({"left_out": [left_out(1), left_out(1)], "requests_left_out": 2}, "left_out"),
        ({"left_out": [left_out(1), left_out(2)], "requests_left_out": 1}, "left_out"),
    ],
)
def test_a_bad_body_is_refused_naming_the_field_and_nothing_is_stored(
    staff_view_user: Persona, changes: dict[str, Any], field: str
) -> None:
    response = _post(staff_view_user, run_report(**changes))
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert SchedulerRun.objects.count() == 0 and LeftOutRequest.objects.count() == 0


def test_more_left_out_requests_than_the_limit_are_refused(staff_view_user: Persona) -> None:
    items = [left_out(i) for i in range(1, MAX_LEFT_OUT + 2)]
    response = _post(staff_view_user, run_report(items=items, requests_left_out=len(items)))
    assert response.status_code == 400
    assert "left_out" in response.json()


def test_a_body_that_is_not_an_object_is_refused(staff_view_user: Persona) -> None:
    assert _post(staff_view_user, [run_report()]).status_code == 400
    assert _post(staff_view_user, {}).status_code == 400


def test_only_the_latest_runs_are_kept(staff_view_user: Persona) -> None:
    with override_settings(OCS_SCHEDULER_RUNS_KEEP=3):
        for hour in range(5):
            started = STARTED + timedelta(hours=hour)
            assert _post(staff_view_user, run_report(at=started)).status_code == 201
    kept = list(SchedulerRun.objects.order_by("started").values_list("started", flat=True))
    assert kept == [STARTED + timedelta(hours=h) for h in (2, 3, 4)]
    assert LeftOutRequest.objects.count() == 3  # the pruned runs' entries went with them
