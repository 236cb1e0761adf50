"""GET api/availability_history/ (spec §7, D32): derived from the change history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db

URL = "/configdb/api/availability_history/"


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _save_at(obj: Any, when: str, **values: Any) -> None:
    with time_machine.travel(_at(when), tick=False):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()


@pytest.fixture
def timeline(network: Network) -> Network:
    """xx01: SCHEDULABLE 01-01 → MANUAL 01-10 → SCHEDULABLE 01-20 (still)."""
    m.Instrument.objects.filter(pk=network.instrument.pk).update(state="DISABLED")
    m.Telescope.objects.filter(pk=network.telescope.pk).update(active=False)
    network.instrument.refresh_from_db()
    network.telescope.refresh_from_db()
    m.ChangeRecord.objects.all().delete()
    _save_at(network.instrument, "2030-01-01T00:00:00", state="SCHEDULABLE")
    _save_at(network.instrument, "2030-01-10T00:00:00", state="MANUAL")
    _save_at(network.instrument, "2030-01-20T00:00:00", state="SCHEDULABLE")
    _save_at(network.telescope, "2030-01-01T00:00:00", active=True)
    return network


def _intervals(client: APIClient, query: str) -> list[dict[str, str]]:
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    return list(response.json()["availability_intervals"])


@time_machine.travel(_at("2030-02-01T00:00:00"), tick=False)
def test_instrument_intervals_are_latest_first_with_an_open_end(
    anonymous: APIClient, timeline: Network
) -> None:
    assert _intervals(anonymous, "?instrument_id=xx01") == [
        {"start": "2030-01-20T00:00:00", "end": "2030-02-01T00:00:00"},
        {"start": "2030-01-01T00:00:00", "end": "2030-01-10T00:00:00"},
    ]


@time_machine.travel(_at("2030-02-01T00:00:00"), tick=False)
def test_intervals_overlapping_the_window_are_returned_unclipped(
    anonymous: APIClient, timeline: Network
) -> None:
    assert _intervals(anonymous, "?instrument_id=xx01&start=2030-01-05&end=2030-01-08T00:00") == [
        {"start": "2030-01-01T00:00:00", "end": "2030-01-10T00:00:00"}
    ]
    assert _intervals(anonymous, "?instrument_id=xx01&start=2030-01-12&end=2030-01-15") == []
    assert _intervals(anonymous, "?instrument_id=xx01&end=2030-01-25T00:00:00Z") == [
        {"start": "2030-01-20T00:00:00", "end": "2030-01-25T00:00:00"},
        {"start": "2030-01-01T00:00:00", "end": "2030-01-10T00:00:00"},
    ]


@time_machine.travel(_at("2030-02-01T00:00:00"), tick=False)
def test_telescope_is_the_union_of_instruments_intersected_with_active(
    anonymous: APIClient, timeline: Network
) -> None:
    other = m.Instrument.objects.create(
        code="xx02", state="DISABLED", telescope=timeline.telescope,
        instrument_type=timeline.instrument_type, autoguider_camera=timeline.guider,
    )  # fmt: skip
    m.ChangeRecord.objects.filter(model="instrument", object_id=str(other.pk)).delete()
    _save_at(other, "2030-01-08T00:00:00", state="SCHEDULABLE")
    _save_at(other, "2030-01-12T00:00:00", state="DISABLED")
    _save_at(timeline.telescope, "2030-01-25T00:00:00", active=False)
    _save_at(timeline.telescope, "2030-01-27T00:00:00", active=True)
    query = "?site_id=tst&enclosure_id=doma&telescope_id=1m0a"
    assert _intervals(anonymous, query) == [
        {"start": "2030-01-27T00:00:00", "end": "2030-02-01T00:00:00"},
        {"start": "2030-01-20T00:00:00", "end": "2030-01-25T00:00:00"},
        {"start": "2030-01-01T00:00:00", "end": "2030-01-12T00:00:00"},
    ]


@time_machine.travel(_at("2030-02-01T00:00:00"), tick=False)
def test_an_object_without_history_reports_its_current_state(
    anonymous: APIClient, network: Network
) -> None:
    m.ChangeRecord.objects.all().delete()
    assert _intervals(anonymous, "?instrument_id=xx01&start=2030-01-15") == [
        {"start": "2030-01-15T00:00:00", "end": "2030-02-01T00:00:00"}
    ]
    network.instrument.state = "MANUAL"
    m.Instrument.objects.filter(pk=network.instrument.pk).update(state="MANUAL")
    assert _intervals(anonymous, "?instrument_id=xx01&start=2030-01-15") == []


@time_machine.travel(_at("2030-02-01T00:00:00"), tick=False)
def test_a_state_before_the_first_recorded_change_starts_at_the_window(
    anonymous: APIClient, network: Network
) -> None:
    m.ChangeRecord.objects.all().delete()
    _save_at(network.instrument, "2030-01-10T00:00:00", state="MANUAL")
    assert _intervals(anonymous, "?instrument_id=xx01&start=2030-01-05") == [
        {"start": "2030-01-05T00:00:00", "end": "2030-01-10T00:00:00"}
    ]


@time_machine.travel(_at("2030-02-01T00:00:00"), tick=False)
def test_offsets_are_converted_to_utc(anonymous: APIClient, timeline: Network) -> None:
    # 01:00+02:00 on the 20th is 23:00 UTC on the 19th: still MANUAL (D3, offsets honoured).
    window = "&start=2030-01-20T01:00:00%2B02:00&end=2030-01-20T01:30:00%2B02:00"
    assert _intervals(anonymous, "?instrument_id=xx01" + window) == []
    assert _intervals(anonymous, "?instrument_id=xx01&start=2030-01-20T01:00:00") != []


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [("", 400, "Must supply either instrument_id or site_id, enclosure_id, and telescope_id"),
     ("?site_id=tst&telescope_id=1m0a", 400, "Must supply either instrument_id"),
     ("?instrument_id=FakeInst", 404, "No instrument found with code FakeInst"),
     ("?site_id=tst&enclosure_id=doma&telescope_id=FakeCode", 404,
      "No telescope found with code tst.doma.FakeCode"),
     ("?instrument_id=xx01&start=yesterday", 400,
      "The format used for the start/end parameters is not parseable")],
)  # fmt: skip
def test_error_cases(
    anonymous: APIClient, network: Network, query: str, status: int, text: str
) -> None:
    response = anonymous.get(URL + query)
    assert response.status_code == status
    assert text in response.content.decode()


def test_route_without_slash(anonymous: APIClient, network: Network) -> None:
    assert anonymous.get("/configdb/api/availability_history?instrument_id=xx01").status_code == 200
