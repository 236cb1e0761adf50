"""ConfigDBClient: parsing the sites/ document, the helpers, and the outage-tolerant cache.

These are library tests against a canned HTTP server (httpx.MockTransport serving the example
document of configdb-api.md §5.3); the same client is exercised against the real configdb app in
``openocs/downtime/tests/test_configdb_client_inprocess.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from openocs.clients.configdb import ConfigDBClient
from openocs.clients.errors import ResponseFormatError, ServiceUnavailableError

EXAMPLE: dict[str, Any] = json.loads((Path(__file__).parent / "sites_example.json").read_text())


class FakeConfigDB:
    """A canned configdb: serves the example document with an ETag and can be taken down."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.document = document or copy.deepcopy(EXAMPLE)
        self.etag = '"1"'
        self.down = False
        self.full_responses = 0
        self.not_modified_responses = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.headers.get("If-None-Match") == self.etag:
            self.not_modified_responses += 1
            return httpx.Response(304, headers={"ETag": self.etag})
        self.full_responses += 1
        return httpx.Response(200, json=self.document, headers={"ETag": self.etag})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_client(server: FakeConfigDB, clock: Clock, **kwargs: Any) -> ConfigDBClient:
    return ConfigDBClient(
        "http://configdb.example.org/",
        transport=httpx.MockTransport(server),
        clock=clock,
        refresh_s=900.0,
        max_staleness_s=3600.0,
        **kwargs,
    )


def test_parses_the_nested_document_and_keeps_unknown_fields():
    client = make_client(FakeConfigDB(), Clock())
    [site] = client.sites()
    assert site.code == "coj"
    assert site.display == "coj"
    assert site.model_extra == {"future_field": {"anything": 1}}
    telescope = site.enclosure_set[0].telescope_set[0]
    assert (telescope.code, telescope.aperture, telescope.ha_limit_neg) == ("1m0a", 1.0, -4.6)
    instrument = telescope.instrument_set[0]
    assert instrument.instrument_type.code == "1M0-SCICAM-SINISTRO"
    assert instrument.science_cameras[0].optical_element_groups[0].default == "rp"
    assert instrument.instrument_type.mode_types[1].default == ""


def test_telescope_keys_and_instrument_types():
    client = make_client(FakeConfigDB(), Clock())
    assert client.telescope_keys() == ["coj.doma.1m0a"]
    assert client.instrument_types_by_telescope() == {"coj.doma.1m0a": {"1M0-SCICAM-SINISTRO"}}
    location = client.network().telescopes[0]
    assert location.reversed_key == "1m0a.doma.coj"


@pytest.mark.parametrize(
    ("combination", "valid"),
    [
        (("coj", "doma", "1m0a", ""), True),
        (("coj", "doma", "1m0a", "1M0-SCICAM-SINISTRO"), True),
        (("coj", "doma", "1m0a", "2M0-FLOYDS-SCICAM"), False),
        (("coj", "domb", "1m0a", ""), False),
        (("ogg", "doma", "1m0a", ""), False),
    ],
)
def test_is_valid_combination(combination, valid):
    client = make_client(FakeConfigDB(), Clock())
    assert client.is_valid_combination(*combination) is valid


def test_revalidates_with_etag_at_most_every_refresh_period():
    server, clock = FakeConfigDB(), Clock()
    client = make_client(server, clock)
    client.sites()
    clock.now += 899.0
    client.sites()
    assert (server.full_responses, server.not_modified_responses) == (1, 0)
    clock.now += 2.0
    client.sites()
    assert (server.full_responses, server.not_modified_responses) == (1, 1)


def test_a_changed_document_replaces_the_copy():
    server, clock = FakeConfigDB(), Clock()
    client = make_client(server, clock)
    client.sites()
    server.document["results"][0]["code"] = "lsc"
    server.etag = '"2"'
    clock.now += 901.0
    assert client.sites()[0].code == "lsc"


def test_keeps_the_last_good_copy_while_configdb_is_down():
    server, clock = FakeConfigDB(), Clock()
    client = make_client(server, clock)
    client.sites()
    server.down = True
    clock.now += 3000.0
    assert client.sites()[0].code == "coj"


def test_raises_once_the_copy_is_older_than_max_staleness():
    server, clock = FakeConfigDB(), Clock()
    client = make_client(server, clock)
    client.sites()
    server.down = True
    clock.now += 3601.0
    with pytest.raises(ServiceUnavailableError, match="3601 s old"):
        client.sites()


def test_raises_when_no_copy_was_ever_loaded():
    server = FakeConfigDB()
    server.down = True
    client = make_client(server, Clock())
    with pytest.raises(ServiceUnavailableError):
        client.sites()


def test_waits_before_retrying_a_failed_configdb():
    server, clock = FakeConfigDB(), Clock()
    client = make_client(server, clock, retry_after_failure_s=30.0)
    client.sites()
    server.down = True
    clock.now += 901.0
    client.sites()  # tries, fails, serves the copy
    server.down = False
    clock.now += 10.0
    client.sites()  # within the back-off: no new request
    assert server.full_responses + server.not_modified_responses == 1
    clock.now += 30.0
    client.sites()
    assert server.not_modified_responses == 1


def test_invalidate_forces_revalidation():
    server, clock = FakeConfigDB(), Clock()
    client = make_client(server, clock)
    client.sites()
    client.invalidate()
    client.sites()
    assert server.not_modified_responses == 1


def test_follows_pages_of_the_sites_document():
    site_a = copy.deepcopy(EXAMPLE["results"][0])
    site_b = copy.deepcopy(site_a) | {"code": "lsc", "id": 5}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "1":
            return httpx.Response(200, json={"next": None, "results": [site_b]})
        return httpx.Response(
            200,
            json={"next": "http://c/sites/?offset=1", "results": [site_a]},
            headers={"ETag": '"x"'},
        )

    client = ConfigDBClient("http://c/", transport=httpx.MockTransport(handler))
    assert [s.code for s in client.sites()] == ["coj", "lsc"]


def test_a_malformed_document_is_a_format_error():
    server = FakeConfigDB({"count": 1, "next": None, "results": [{"name": "no code"}]})
    client = make_client(server, Clock())
    with pytest.raises(ResponseFormatError):
        client.sites()


def test_without_a_copy_a_recent_failure_is_reported_without_trying_again():
    server, clock = FakeConfigDB(), Clock()
    server.down = True
    client = make_client(server, clock, retry_after_failure_s=30.0)
    with pytest.raises(ServiceUnavailableError):
        client.sites()
    server.down = False
    clock.now += 10.0
    with pytest.raises(ServiceUnavailableError, match="failed recently"):
        client.sites()
    assert server.full_responses == 0
    clock.now += 30.0
    assert client.sites()[0].code == "coj"
