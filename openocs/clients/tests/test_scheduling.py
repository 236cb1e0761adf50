"""The portal scheduling client: paging, typed answers, the refused-cancel signal and timeouts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from openocs.clients.errors import (
    NotAuthorizedError,
    ResponseFormatError,
    ServiceUnavailableError,
)
from openocs.clients.scheduling import (
    PREEMPTION_REFUSED,
    CancelRefusedError,
    PortalSchedulingClient,
)

T0 = datetime(2030, 1, 2, tzinfo=UTC)


def _client(handler: Any) -> PortalSchedulingClient:
    return PortalSchedulingClient(
        "http://portal.test/", token="secret", transport=httpx.MockTransport(handler)
    )


def _observation(observation_id: int) -> dict[str, Any]:
    return {
        "id": observation_id,
        "request": {"id": 100 + observation_id, "configurations": []},
        "site": "coj",
        "enclosure": "doma",
        "telescope": "1m0a",
        "start": "2030-01-02T10:00:00Z",
        "end": "2030-01-02T10:30:00Z",
        "state": "PENDING",
        "observation_type": "NORMAL",
    }


def test_the_schedule_is_paged_by_offset_until_count_when_there_is_no_next_link() -> None:
    offsets: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        offsets.append(params["offset"])
        assert params.get_list("state") == ["PENDING", "IN_PROGRESS", "COMPLETED"]
        assert params["limit"] == "1000"
        start = int(params["offset"])
        rows = [_observation(i) for i in range(start, min(start + 2, 5))]
        return httpx.Response(200, json={"count": 5, "results": rows})

    observations = _client(handler).schedule(start_after=T0, start_before=T0, end_after=T0)
    assert [o.id for o in observations] == [0, 1, 2, 3, 4]
    assert offsets == ["0", "2", "4"]
    assert observations[0].telescope_key == "1m0a.doma.coj"


def test_the_schedule_follows_next_links() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return httpx.Response(
                200, json={"count": 2, "next": None, "results": [_observation(2)]}
            )
        return httpx.Response(
            200,
            json={
                "count": 2,
                "next": "http://portal.test/api/schedule/?page=2",
                "results": [_observation(1)],
            },
        )

    observations = _client(handler).schedule(start_after=T0, start_before=T0, end_after=T0)
    assert [o.id for o in observations] == [1, 2]


def test_last_changed_is_parsed_as_aware_utc_and_sent_with_the_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Token secret"
        assert request.url.params.get_list("telescope_class") == ["1m0", "2m0"]
        return httpx.Response(200, json={"last_change_time": "2030-01-02T03:04:05.123456Z"})

    changed = _client(handler).last_changed(telescope_classes=["1m0", "2m0"])
    assert changed == datetime(2030, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


def test_a_cancel_refused_for_a_started_observation_is_its_own_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["include_rr"] is False and body["preemption_enabled"] is False
        return httpx.Response(400, json={"error": PREEMPTION_REFUSED})

    with pytest.raises(CancelRefusedError):
        _client(handler).cancel_range(
            start=T0, end=T0, site="coj", enclosure="doma", telescope="1m0a"
        )


def test_cancel_by_id_returns_the_count_and_a_refused_token_is_not_retryable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") != "Token secret":
            return httpx.Response(401, json={"detail": "Invalid token."})
        assert json.loads(request.content) == {
            "ids": [4, 5],
            "include_normal": True,
            "include_rr": True,
            "preemption_enabled": True,
        }
        return httpx.Response(200, json={"canceled": 2})

    assert _client(handler).cancel_ids([4, 5], preemption_enabled=True) == 2
    anonymous = PortalSchedulingClient(
        "http://portal.test/", token=None, transport=httpx.MockTransport(handler)
    )
    with pytest.raises(NotAuthorizedError) as caught:
        anonymous.cancel_ids([4], preemption_enabled=False)
    assert not caught.value.retryable


def test_the_contract_timeouts_are_used_per_call() -> None:
    timeouts: dict[str, float | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        timeouts[request.url.path] = request.extensions["timeout"]["read"]
        if request.url.path == "/api/semesters/":
            return httpx.Response(200, json={"results": []})
        if request.url.path == "/api/requestgroups/schedulable_requests/":
            return httpx.Response(200, json=[])
        return httpx.Response(201, json={"num_created": 0, "errors": {}})

    client = _client(handler)
    assert client.semester_containing(T0) is None
    assert client.schedulable_requests(start=T0, end=T0) == []
    assert client.create_observations([]).num_created == 0
    assert timeouts == {
        "/api/semesters/": 15.0,
        "/api/requestgroups/schedulable_requests/": 180.0,
        "/api/observations/": 120.0,
    }


def test_an_unreachable_portal_is_retryable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ServiceUnavailableError) as caught:
        _client(handler).last_changed()
    assert caught.value.retryable


def test_changes_without_a_cursor_ask_for_it_and_with_one_long_poll_capped() -> None:
    queries: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/changes/"
        queries.append(request.url.params)
        if "after" not in request.url.params:
            return httpx.Response(200, json={"last_seq": 7, "events": []})
        event = {
            "seq": 8,
            "kind": "requestgroup.submitted",
            "created": "2030-01-02T00:00:00Z",
            "proposal": "P",
            "telescope_class": "1m0",
            "replan": True,
            "data": {"observation_type": "RAPID_RESPONSE"},
        }
        return httpx.Response(200, json={"last_seq": 8, "events": [event]})

    client = _client(handler)
    assert client.changes().last_seq == 7
    batch = client.changes(after=7, timeout_s=600.0)

    assert [(e.seq, e.kind, e.data["observation_type"]) for e in batch.events] == [
        (8, "requestgroup.submitted", "RAPID_RESPONSE")
    ]
    assert dict(queries[0]) == {"replan": "true"}
    assert dict(queries[1]) == {"replan": "true", "after": "7", "timeout": "60.0", "limit": "500"}


def test_telescope_states_are_typed_per_telescope_and_sent_with_the_range() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/telescope_states/"
        assert request.url.params["start"] == "2030-01-02T00:00:00Z"
        assert request.url.params["end"] == "2030-01-03T00:00:00Z"
        assert request.url.params.get_list("site") == ["coj"]
        return httpx.Response(
            200,
            json={
                "coj.doma.1m0a": [
                    {
                        "telescope": "coj.doma.1m0a",
                        "event_type": "AVAILABLE",
                        "event_reason": "Available",
                        "start": "2030-01-02T00:00:00Z",
                        "end": "2030-01-02T06:00:00Z",
                    },
                    {
                        "telescope": "coj.doma.1m0a",
                        "event_type": "NOT_OK_TO_OPEN",
                        "event_reason": "Weather: High humidity",
                        "start": "2030-01-02T06:00:00Z",
                        "end": "2030-01-03T00:00:00Z",
                    },
                ]
            },
        )

    states = _client(handler).telescope_states(
        start=T0, end=datetime(2030, 1, 3, tzinfo=UTC), sites=["coj"]
    )
    first, second = states["coj.doma.1m0a"]
    assert first.available and not second.available
    assert second.event_reason == "Weather: High humidity"
    assert second.start == datetime(2030, 1, 2, 6, tzinfo=UTC)


def test_telescope_states_from_a_portal_whose_source_is_down_are_retryable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, json="ConnectionError - Error retrieving telescope states")

    with pytest.raises(ServiceUnavailableError) as caught:
        _client(handler).telescope_states(start=T0, end=T0)
    assert caught.value.retryable


def test_telescope_states_of_an_unexpected_shape_are_a_format_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"coj.doma.1m0a": [{"event_type": "AVAILABLE"}]})

    with pytest.raises(ResponseFormatError):
        _client(handler).telescope_states(start=T0, end=T0)


def test_creates_beyond_the_bulk_limit_go_in_chunks_with_errors_keyed_by_their_own_index() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        items = json.loads(request.content)
        if len(items) > 2:  # the portal's OCS_MAX_BULK_ITEMS
            return httpx.Response(400, json={"non_field_errors": ["too many"]})
        sizes.append(len(items))
        errors = {str(i): {"request": ["bad"]} for i, item in enumerate(items) if item["bad"]}
        return httpx.Response(201, json={"num_created": len(items) - len(errors), "errors": errors})

    client = PortalSchedulingClient(
        "http://portal.test/",
        token="secret",
        transport=httpx.MockTransport(handler),
        max_bulk_items=2,
    )
    observations = [{"n": n, "bad": n in (1, 4)} for n in range(5)]
    result = client.create_observations(observations)
    assert sizes == [2, 2, 1]
    assert result.num_created == 3
    assert set(result.errors) == {"1", "4"}


def test_cancels_beyond_the_bulk_limit_go_in_chunks() -> None:
    bodies: list[list[int]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["ids"]
        if len(ids) > 2:
            return httpx.Response(400, json={"ids": ["too many"]})
        bodies.append(ids)
        return httpx.Response(200, json={"canceled": len(ids)})

    client = PortalSchedulingClient(
        "http://portal.test/",
        token="secret",
        transport=httpx.MockTransport(handler),
        max_bulk_items=2,
    )
    assert client.cancel_ids([1, 2, 3, 4, 5], preemption_enabled=False) == 5
    assert bodies == [[1, 2], [3, 4], [5]]
    with pytest.raises(ValueError):
        PortalSchedulingClient("http://portal.test/", token=None, max_bulk_items=0)
