"""``/telescopes/``: states now, a timeline and availability per night, for everyone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from openocs.portal.telescopestates.states import StateInterval
from openocs.portal.telescopestates.timeline import availability_figure, state_timeline_figure

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_every_telescope_with_its_timeline(client: Client, network: None) -> None:
    response = client.get("/telescopes/?days=7")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-plot="state-timeline-data"' in html
    assert 'data-plot="availability-data"' in html
    assert "lsc.doma.1m0a" in html
    assert 'aria-current="true">7 days' in html


def test_an_unknown_period_falls_back_to_three_days(client: Client, network: None) -> None:
    html = client.get("/telescopes/?days=oops").content.decode()
    assert 'aria-current="true">3 days' in html
    html = client.get("/telescopes/?days=99").content.decode()
    assert 'aria-current="true">3 days' in html


def test_the_timeline_has_a_bar_per_interval_coloured_by_state() -> None:
    start, end = datetime(2026, 12, 6, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC)
    middle = datetime(2026, 12, 6, 12, tzinfo=UTC)
    figure = state_timeline_figure(
        {
            "lsc.doma.1m0a": [
                StateInterval("lsc.doma.1m0a", "AVAILABLE", "Available", start, middle),
                StateInterval("lsc.doma.1m0a", "NOT_OK_TO_OPEN", "Wind", middle, end),
            ]
        },
        start=start,
        end=end,
    )
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["available", "not ok to open"]
    assert figure["data"][0]["x"] == [12 * 3600 * 1000.0]
    assert figure["data"][1]["base"] == ["2026-12-06T12:00:00"]


def test_availability_is_a_percentage_per_night() -> None:
    figure = availability_figure({"a": [("2026-12-05", 0.5)], "b": [("2026-12-06", 1.0)]})
    heat = figure["data"][0]
    assert heat["x"] == ["2026-12-05", "2026-12-06"]
    assert heat["z"] == [[50, None], [None, 100]]


@pytest.mark.django_db
def test_states_that_cannot_be_read_are_said_so(
    client: Client, network: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openocs.portal.telescopestates import services
    from openocs.portal.telescopestates.errors import ProviderUnavailable

    def down(**kwargs: object) -> None:
        raise ProviderUnavailable("down", provider="database")

    monkeypatch.setattr(services, "telescope_states_get", down)
    html = client.get("/telescopes/").content.decode()
    assert "cannot be read now" in html
