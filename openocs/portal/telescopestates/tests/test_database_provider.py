"""The ``database`` provider: states the site software reported, merged, clipped and aged by
the stale-telemetry rule (scheduler-contract.md §2.4: older than 15 minutes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from openocs.portal.telescopestates.services import SampleReport, telescope_states_record
from openocs.portal.telescopestates.tests.conftest import ALL_TELESCOPES

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
KEY = "lsc.doma.1m0a"


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _at(minutes: float) -> datetime:
    """``minutes`` after NOW (negative: before)."""
    return NOW + timedelta(minutes=minutes)


def _record(*samples: tuple[str, str, float, float | None], telescope: str = KEY) -> None:
    telescope_states_record(
        reports=[
            SampleReport(
                telescope=telescope,
                event_type=event_type,
                event_reason=reason,
                start=_at(start),
                end=None if end is None else _at(end),
            )
            for event_type, reason, start, end in samples
        ]
    )


def _states(client: APIClient, start: float, end: float, **query: Any) -> Any:
    response = client.get(
        "/api/telescope_states/",
        {"start": _at(start).isoformat(), "end": _at(end).isoformat(), **query},
    )
    assert response.status_code == 200
    return response.json()


def _summary(intervals: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [
        (i["event_type"], i["event_reason"], i["start"][11:16], i["end"][11:16]) for i in intervals
    ]


pytestmark = pytest.mark.usefixtures("network", "database_provider", "frozen_now")

UNRESPONSIVE = ("SITE_AGENT_UNRESPONSIVE", "Site Agent: No state reported")


def test_consecutive_heartbeats_of_one_state_are_merged(anonymous_client: APIClient) -> None:
    _record(
        *[("AVAILABLE", "Available", float(m), None) for m in range(-60, -30)],
        *[("NOT_OK_TO_OPEN", "Weather: Wind", float(m), None) for m in range(-30, -10)],
        *[("NOT_OK_TO_OPEN", "Weather: Humidity", float(m), None) for m in range(-10, 1)],
    )
    assert _summary(_states(anonymous_client, -60, 0, telescope=KEY)[KEY]) == [
        ("AVAILABLE", "Available", "11:00", "11:30"),
        ("NOT_OK_TO_OPEN", "Weather: Wind", "11:30", "11:50"),
        ("NOT_OK_TO_OPEN", "Weather: Humidity", "11:50", "12:00"),
    ]


def test_intervals_are_clipped_to_the_asked_range(anonymous_client: APIClient) -> None:
    _record(
        ("AVAILABLE", "Available", -600, -300),
        ("ENCLOSURE_INTERLOCK", "Enclosure: Power", -300, -200),
        ("AVAILABLE", "Available", -200, 600),
    )
    assert _summary(_states(anonymous_client, -400, -100, telescope=KEY)[KEY]) == [
        ("AVAILABLE", "Available", "05:20", "07:00"),
        ("ENCLOSURE_INTERLOCK", "Enclosure: Power", "07:00", "08:40"),
        ("AVAILABLE", "Available", "08:40", "10:20"),
    ]


def test_a_latest_sample_older_than_15_minutes_is_unresponsive_from_then_on(
    anonymous_client: APIClient,
) -> None:
    _record(("AVAILABLE", "Available", -40, None))
    states = _states(anonymous_client, -60, 60, telescope=KEY)[KEY]
    assert _summary(states) == [
        (*UNRESPONSIVE, "11:00", "11:20"),
        ("AVAILABLE", "Available", "11:20", "11:35"),
        (*UNRESPONSIVE, "11:35", "13:00"),
    ]
    now = _states(anonymous_client, 0, 0, telescope=KEY)[KEY]
    assert [i["event_type"] for i in now] == ["SITE_AGENT_UNRESPONSIVE"]


def test_a_sample_younger_than_15_minutes_is_the_current_state_to_the_range_end(
    anonymous_client: APIClient,
) -> None:
    _record(("AVAILABLE", "Available", -30, None), ("NOT_OK_TO_OPEN", "Weather: Rain", -5, None))
    assert _summary(_states(anonymous_client, -30, 120, telescope=KEY)[KEY]) == [
        ("AVAILABLE", "Available", "11:30", "11:45"),
        (*UNRESPONSIVE, "11:45", "11:55"),
        ("NOT_OK_TO_OPEN", "Weather: Rain", "11:55", "14:00"),
    ]
    now = _states(anonymous_client, 0, 0)[KEY]
    assert now == [
        {
            "telescope": KEY,
            "event_type": "NOT_OK_TO_OPEN",
            "event_reason": "Weather: Rain",
            "start": "2030-01-01T12:00:00Z",
            "end": "2030-01-01T12:00:00Z",
        }
    ]


def test_a_sample_with_an_end_holds_until_then_and_not_beyond(
    anonymous_client: APIClient,
) -> None:
    _record(("SEQUENCER_DISABLED", "Sequencer: Manual", -300, -100))
    assert _summary(_states(anonymous_client, -400, 0, telescope=KEY)[KEY]) == [
        (*UNRESPONSIVE, "05:20", "07:00"),
        ("SEQUENCER_DISABLED", "Sequencer: Manual", "07:00", "10:20"),
        (*UNRESPONSIVE, "10:20", "12:00"),
    ]


def test_the_state_before_the_range_opens_it_and_a_later_report_at_one_instant_wins(
    anonymous_client: APIClient,
) -> None:
    _record(("ENCLOSURE_DISABLED", "Enclosure: Maintenance", -900, 900))
    _record(("NOT_AVAILABLE", "Staff: Engineering", -900, 900))
    assert _summary(_states(anonymous_client, -60, 0, telescope=KEY)[KEY]) == [
        ("NOT_AVAILABLE", "Staff: Engineering", "11:00", "12:00"),
    ]


def test_telescopes_that_never_reported_are_unresponsive(anonymous_client: APIClient) -> None:
    _record(("AVAILABLE", "Available", -5, None))
    states = _states(anonymous_client, -60, 0)
    assert list(states) == ALL_TELESCOPES
    assert _summary(states["coj.clma.2m0a"]) == [(*UNRESPONSIVE, "11:00", "12:00")]


def test_the_number_of_queries_does_not_grow_with_telescopes_or_samples(
    anonymous_client: APIClient, django_assert_max_num_queries: Any
) -> None:
    for key in ALL_TELESCOPES:
        _record(
            *[("AVAILABLE", "Available", float(m), None) for m in range(-120, 1, 5)], telescope=key
        )
    with django_assert_max_num_queries(2):
        states = _states(anonymous_client, -60, 0)
    assert all(
        _summary(v) == [("AVAILABLE", "Available", "11:00", "12:00")] for v in states.values()
    )
