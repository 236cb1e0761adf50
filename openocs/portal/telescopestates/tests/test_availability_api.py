"""``GET /api/telescope_availability/`` (portal-api.md §17.4, D41).

The expected dark time comes from the visibility library (nautical twilight, docs/visibility.md,
itself checked against astropy in ``openocs/visibility/tests``); fractions are compared with a
tolerance of one second of dark time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from openocs import visibility
from openocs.portal.telescopestates.services import SampleReport, telescope_states_record
from openocs.portal.telescopestates.tests.conftest import LSC

NOON = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)  # 07:17 at LSC: between two nights
NEXT_NOON = NOON + timedelta(days=1)
URL = "/api/telescope_availability/"
LSC_SITE = visibility.Site(
    latitude_deg=LSC["lat"], longitude_deg=LSC["long"], elevation_m=LSC["elevation"]
)


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    with time_machine.travel(NOON + timedelta(days=3), tick=False):
        yield NOON + timedelta(days=3)


def _dark() -> tuple[datetime, datetime]:
    (dark,) = visibility.dark_intervals(LSC_SITE, NOON, NEXT_NOON, "nautical")
    return dark


def _report_outage(telescope: str, outage: tuple[datetime, datetime]) -> None:
    """AVAILABLE over the day except a one-hour weather outage, as a site agent reports it."""
    telescope_states_record(
        reports=[
            SampleReport(telescope, "AVAILABLE", "Available", NOON, NEXT_NOON),
            SampleReport(telescope, "NOT_OK_TO_OPEN", "Weather: Humidity", *outage),
            SampleReport(telescope, "AVAILABLE", "Available", outage[1], NEXT_NOON),
        ]
    )


def _query(**extra: str) -> dict[str, str]:
    return {"start": NOON.isoformat(), "end": NEXT_NOON.isoformat(), **extra}


@pytest.mark.usefixtures("database_provider", "frozen_now")
def test_a_one_hour_outage_removes_its_share_of_the_nights_dark_time(
    network: None, anonymous_client: APIClient
) -> None:
    dark_start, dark_end = _dark()
    dark_s = (dark_end - dark_start).total_seconds()
    assert 9 * 3600 < dark_s < 11 * 3600  # a March night at 30° S between nautical twilights
    _report_outage(
        "lsc.doma.1m0a", (dark_start + timedelta(hours=2), dark_start + timedelta(hours=3))
    )
    response = anonymous_client.get(URL, _query(telescope="lsc.doma.1m0a"))
    assert response.status_code == 200
    [[night, fraction]] = response.json()["lsc.doma.1m0a"]
    assert night == "2024-03-10"  # the local date of the evening
    assert fraction == pytest.approx((dark_s - 3600) / dark_s, abs=1 / dark_s)


@pytest.mark.usefixtures("database_provider", "frozen_now")
def test_an_outage_in_daytime_does_not_count(network: None, anonymous_client: APIClient) -> None:
    _report_outage("lsc.doma.1m0a", (NOON + timedelta(hours=2), NOON + timedelta(hours=3)))
    response = anonymous_client.get(URL, _query(telescope="lsc.doma.1m0a"))
    assert response.json() == {"lsc.doma.1m0a": [["2024-03-10", 1.0]]}


@pytest.mark.usefixtures("database_provider", "frozen_now")
def test_combine_averages_each_night_per_site_and_class(
    network: None, anonymous_client: APIClient
) -> None:
    dark_start, dark_end = _dark()
    dark_s = (dark_end - dark_start).total_seconds()
    _report_outage("lsc.doma.1m0a", (dark_start, dark_start + timedelta(hours=2)))
    for key in ("lsc.domb.1m0a", "lsc.aqwa.0m4a"):
        telescope_states_record(
            reports=[SampleReport(key, "AVAILABLE", "Available", NOON, NEXT_NOON)]
        )
    response = anonymous_client.get(URL, _query(combine="true", site="lsc"))
    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["lsc.0m4", "lsc.1m0"]  # D41: the class is part of the key
    assert body["lsc.0m4"] == [["2024-03-10", 1.0]]
    [[night, fraction]] = body["lsc.1m0"]
    assert night == "2024-03-10"
    assert fraction == pytest.approx(((dark_s - 7200) / dark_s + 1.0) / 2, abs=1 / dark_s)


def test_without_a_provider_every_night_is_fully_available(
    network: None, anonymous_client: APIClient
) -> None:
    response = anonymous_client.get(
        "/api/telescope_availability",
        {"start": NOON.isoformat(), "end": (NOON + timedelta(days=2)).isoformat(), "site": "lsc"},
    )
    assert response.status_code == 200
    assert response.json() == {
        key: [["2024-03-10", 1.0], ["2024-03-11", 1.0]]
        for key in ("lsc.doma.1m0a", "lsc.domb.1m0a", "lsc.aqwa.0m4a")
    }


def test_the_range_defaults_to_the_last_day(network: None, anonymous_client: APIClient) -> None:
    with time_machine.travel(NOON, tick=False):
        response = anonymous_client.get(URL, {"telescope": "lsc.doma.1m0a"})
    # yesterday noon to noon at LSC is exactly the night of 2024-03-09
    assert response.json() == {"lsc.doma.1m0a": [["2024-03-09", 1.0]]}


def test_an_unreachable_provider_answers_502_with_the_reference_string(
    network: None, anonymous_client: APIClient, unreachable_provider: None
) -> None:
    response = anonymous_client.get(URL)
    assert response.status_code == 502
    assert response.json() == "ConnectionError - Error retrieving telescope availability"
