"""DowntimeClient against a canned server (the real service is tested in openocs/downtime)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from openocs.clients.downtime import DowntimeClient
from openocs.clients.errors import ClientRequestError
from openocs.clients.http import format_datetime

RECORD = {
    "id": 1,
    "start": "2030-01-01T00:00:00Z",
    "end": "2030-01-01T02:00:00Z",
    "site": "coj",
    "enclosure": "doma",
    "telescope": "1m0a",
    "instrument_type": "",
    "reason": "Maintenance",
    "category": "maintenance",
}


def test_lists_every_page_with_filters():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.params.get("offset") == "1":
            return httpx.Response(200, json={"next": None, "results": [RECORD | {"id": 2}]})
        return httpx.Response(
            200, json={"next": "http://d/api/?offset=1&site=coj", "results": [RECORD]}
        )

    client = DowntimeClient("http://d/", transport=httpx.MockTransport(handler))
    downtimes = client.list(
        site=["coj"], ends_after=datetime(2030, 1, 1, tzinfo=UTC), reason_exact="42"
    )
    assert [d.id for d in downtimes] == [1, 2]
    assert downtimes[0].start == datetime(2030, 1, 1, tzinfo=UTC)
    assert downtimes[0].telescope_key == "1m0a.doma.coj"
    assert downtimes[0].model_extra == {"category": "maintenance"}
    assert seen[0] == ("http://d/api/?ends_after=2030-01-01T00%3A00%3A00Z&site=coj&reason_exact=42")


def test_create_sends_utc_z_datetimes_and_returns_the_record():
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(201, json=RECORD)

    client = DowntimeClient("http://d/", token="t", transport=httpx.MockTransport(handler))
    created = client.create(
        start=datetime(2030, 1, 1),
        end=datetime(2030, 1, 1, 2, tzinfo=UTC),
        site="coj",
        enclosure="doma",
        telescope="1m0a",
        reason="Maintenance",
    )
    assert created.id == 1
    assert bodies[0]["start"] == "2030-01-01T00:00:00Z"
    assert bodies[0]["end"] == "2030-01-01T02:00:00Z"
    assert "category" not in bodies[0]


def test_create_refused_raises_with_field_errors():
    errors = {"site": ['"nop" is not a valid choice.']}
    client = DowntimeClient(
        "http://d/", transport=httpx.MockTransport(lambda r: httpx.Response(400, json=errors))
    )
    with pytest.raises(ClientRequestError) as caught:
        client.create(
            start=datetime(2030, 1, 1, tzinfo=UTC),
            end=datetime(2030, 1, 2, tzinfo=UTC),
            site="nop",
            enclosure="doma",
            telescope="1m0a",
        )
    assert caught.value.body == errors


def test_delete_and_update_use_the_detail_route():
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, json=RECORD | {"reason": "changed"})

    client = DowntimeClient("http://d/downtime/", transport=httpx.MockTransport(handler))
    assert client.update(1, reason="changed").reason == "changed"
    client.delete(1)
    assert seen == [("PATCH", "/downtime/api/1/"), ("DELETE", "/downtime/api/1/")]


def test_format_datetime_converts_offsets_to_utc():
    from datetime import timedelta, timezone

    value = datetime(2030, 1, 1, 2, tzinfo=timezone(timedelta(hours=2)))
    assert format_datetime(value) == "2030-01-01T00:00:00Z"
