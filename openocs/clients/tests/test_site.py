"""PortalSiteClient: the site's calls, their query strings and bodies, and unexpected answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from openocs.clients.errors import ResponseFormatError
from openocs.clients.site import ConfigurationSummary, PortalSiteClient, TelescopeStateReport

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
OBSERVATION = {
    "id": 7,
    "site": "coj",
    "enclosure": "doma",
    "telescope": "1m0a",
    "start": "2026-12-07T16:00:00Z",
    "end": "2026-12-07T16:20:00Z",
    "state": "PENDING",
    "proposal": "DEMO-001",
    "request": {
        "id": 3,
        "configurations": [
            {"id": 4, "configuration_status": 5, "state": "COMPLETED", "type": "EXPOSE"},
            {"id": 6, "configuration_status": 8, "state": "PENDING", "type": "EXPOSE"},
        ],
    },
}


def _client(answer: Any, seen: list[httpx.Request]) -> PortalSiteClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=answer)

    return PortalSiteClient(
        "http://portal.test/", token="t", transport=httpx.MockTransport(handler)
    )


def test_the_schedule_is_read_with_the_site_query_and_parsed() -> None:
    seen: list[httpx.Request] = []
    client = _client({"count": 1, "next": None, "results": [OBSERVATION]}, seen)

    [observation] = client.observations(site="coj", end_after=NOW, start_before=NOW)

    query = seen[0].url.params
    assert query["site"] == "coj"
    assert query.get_list("state") == ["PENDING", "IN_PROGRESS"]
    assert query["end_after"] == "2026-12-07T16:00:00Z"
    assert seen[0].headers["Authorization"] == "Token t"
    assert observation.telescope_key == "coj.doma.1m0a"
    assert observation.is_active
    assert [c.is_terminal for c in observation.request.configurations] == [True, False]


def test_writes_send_the_documented_bodies() -> None:
    seen: list[httpx.Request] = []
    summary = ConfigurationSummary(
        start=NOW, end=NOW, state="FAILED", reason="x" * 300, time_completed=1.23456
    )
    _client({"id": 8, "state": "FAILED"}, seen).update_configuration_status(
        8, state="FAILED", summary=summary
    )
    report = TelescopeStateReport(
        telescope="coj.doma.1m0a", event_type="AVAILABLE", event_reason="Available",
        start=NOW, end=NOW,
    )  # fmt: skip
    assert _client([{}], seen).report_telescope_states([report]) == 1

    body = json.loads(seen[0].content)
    assert seen[0].method == "PATCH" and seen[0].url.path == "/api/configurationstatus/8/"
    assert body["summary"]["reason"] == "x" * 200
    assert body["summary"]["time_completed"] == 1.235
    assert json.loads(seen[1].content)[0]["end"] == "2026-12-07T16:00:00Z"


@pytest.mark.parametrize(
    ("call", "answer"),
    [
        (lambda c: c.last_scheduled(site="coj"), {"nothing": 1}),
        (lambda c: c.observation(7), {"id": "seven"}),
        (lambda c: c.observations(site="coj", end_after=NOW, start_before=NOW),
         {"count": 1, "next": None, "results": [{"id": 1}]}),
        (lambda c: c.update_configuration_status(8, state="ATTEMPTED"), ["not", "a", "status"]),
        (lambda c: c.report_telescope_states([]), {"not": "a list"}),
    ],
)  # fmt: skip
def test_unexpected_answers_are_format_errors(call: Any, answer: Any) -> None:
    with pytest.raises(ResponseFormatError):
        call(_client(answer, []))


def test_last_scheduled_is_an_aware_utc_datetime() -> None:
    client = _client({"last_schedule_time": "2026-12-07T15:00:00"}, [])
    assert client.last_scheduled(site="coj") == datetime(2026, 12, 7, 15, tzinfo=UTC)
    with client:
        pass
