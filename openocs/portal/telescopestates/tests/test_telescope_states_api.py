"""``GET /api/telescope_states/`` (portal-api.md §17.3) with the default provider (``none``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from openocs.portal.telescopestates.tests.conftest import ALL_TELESCOPES

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_without_a_provider_every_telescope_is_available_for_the_whole_range(
    network: None, anonymous_client: APIClient
) -> None:
    response = anonymous_client.get(
        "/api/telescope_states/",
        {"start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00"},
    )
    assert response.status_code == 200
    assert list(response.json()) == ALL_TELESCOPES
    assert response.json()["coj.doma.1m0a"] == [
        {
            "telescope": "coj.doma.1m0a",
            "event_type": "AVAILABLE",
            "event_reason": "Available",
            "start": "2030-01-01T00:00:00Z",
            "end": "2030-01-02T00:00:00Z",
        }
    ]


def test_start_and_end_default_to_now_and_every_telescope_has_a_first_state(
    network: None, anonymous_client: APIClient, frozen_now: datetime
) -> None:
    response = anonymous_client.get("/api/telescope_states/")
    assert response.status_code == 200
    for key, intervals in response.json().items():
        assert intervals[0]["event_type"] == "AVAILABLE"  # what TOM Toolkit reads
        assert intervals[0]["start"] == intervals[0]["end"] == "2030-01-01T12:00:00Z", key


def test_site_and_telescope_filters_are_repeatable_and_accept_codes_or_keys(
    network: None, anonymous_client: APIClient
) -> None:
    def keys(query: str) -> list[str]:
        response = anonymous_client.get(f"/api/telescope_states/?{query}")
        assert response.status_code == 200
        return list(response.json())

    assert keys("site=lsc") == ["lsc.doma.1m0a", "lsc.domb.1m0a", "lsc.aqwa.0m4a"]
    assert keys("site=lsc&site=COJ") == ALL_TELESCOPES
    assert keys("telescope=1m0a") == ["lsc.doma.1m0a", "lsc.domb.1m0a", "coj.doma.1m0a"]
    assert keys("telescope=0m4a&telescope=2m0a") == ["lsc.aqwa.0m4a", "coj.clma.2m0a"]
    assert keys("site=coj&telescope=1m0a") == ["coj.doma.1m0a"]
    assert keys("telescope=lsc.domb.1m0a") == ["lsc.domb.1m0a"]
    assert keys("site=elp") == []


@pytest.mark.parametrize("path", ["/api/telescope_states/", "/api/telescope_states"])
def test_the_route_answers_with_and_without_its_trailing_slash(
    network: None, anonymous_client: APIClient, path: str
) -> None:
    assert anonymous_client.get(path).status_code == 200


def test_an_unreachable_provider_answers_502_with_the_reference_string(
    network: None, anonymous_client: APIClient, unreachable_provider: None
) -> None:
    response = anonymous_client.get("/api/telescope_states/")
    assert response.status_code == 502
    assert response.json() == "ConnectionError - Error retrieving telescope states"


def test_configdb_down_answers_502_with_the_reference_string(
    configdb_down: None, anonymous_client: APIClient
) -> None:
    response = anonymous_client.get("/api/telescope_states/")
    assert response.status_code == 502
    assert response.json() == "ConnectionError - Error retrieving telescope states"


def test_a_bad_date_or_an_inverted_range_is_a_400_naming_the_field(
    network: None, anonymous_client: APIClient
) -> None:
    response = anonymous_client.get("/api/telescope_states/?start=yesterday")
    assert response.status_code == 400
    assert response.json() == {"start": ["Enter a valid date/time."]}
    response = anonymous_client.get("/api/telescope_states/?start=2030-01-02&end=2030-01-01")
    assert response.status_code == 400
    assert list(response.json()) == ["end"]
