"""``HttpDataSource.report_run``: the run goes to ``POST /api/scheduler/runs/``; a portal that
refuses it or is down is logged and never raised (reporting never stops scheduling)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openocs.scheduler.runs import LeftOut, RunRecord
from openocs.scheduler.tests.memory import NOW
from openocs.scheduler.tests.test_sources import _source

RECORD = RunRecord(
    NOW,
    NOW,
    "cpsat",
    "first run",
    True,
    requests_considered=2,
    requests_placed=1,
    left_out=(LeftOut(7, "NOT_VISIBLE", "RequestIsNotVisible", "not visible"),),
)


def test_the_run_is_posted_with_this_schedulers_telescope_classes() -> None:
    posted: list[Any] = []

    def portal(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST" and request.url.path == "/api/scheduler/runs/"
        posted.append(json.loads(request.content))
        return httpx.Response(201, json={"id": 5})

    source = _source(portal)
    source.telescope_classes = ("1m0",)
    source.report_run(RECORD)
    (body,) = posted
    assert body["telescope_classes"] == ["1m0"] and body["requests_left_out"] == 1
    assert body["left_out"][0] == {
        "request": 7,
        "reason": "NOT_VISIBLE",
        "reference_reason": "RequestIsNotVisible",
        "message": "not visible",
        "competitors": [],
    }


@pytest.mark.parametrize("status", [400, 403, 404, 500, 503])
def test_a_refusal_or_an_outage_is_logged_not_raised(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    source = _source(lambda request: httpx.Response(status, json={"detail": "no"}))
    source.report_run(RECORD)
    assert "not reported" in caplog.text


def test_an_unreachable_portal_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def portal(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    _source(portal).report_run(RECORD)
    assert "not reported" in caplog.text
