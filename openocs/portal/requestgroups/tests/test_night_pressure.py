"""Hours requested against hours available over the coming nights (the tools page)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from django.test import Client

from openocs.clients.downtime import DowntimeClient
from openocs.portal.conftest import PERSONA_PASSWORD, Persona
from openocs.portal.requestgroups.configuration import load_portal_configuration
from openocs.portal.requestgroups.information import dark_intervals_by_site
from openocs.portal.requestgroups.models import RequestGroup
from openocs.portal.requestgroups.night_pressure import MAX_NIGHTS, pressure_by_night
from openocs.portal.requestgroups.tests.conftest import imaging_group
from openocs.portal.requestgroups.visibility import clear_downtime_cache
from openocs.portal.telescopestates.services import SampleReport, telescope_states_record
from openocs.web.clients import install_client

pytestmark = pytest.mark.django_db


def _submit(persona: Persona, **changes: Any) -> RequestGroup:
    response = persona.client.post("/api/requestgroups/", imaging_group(**changes), format="json")
    assert response.status_code == 201, response.json()
    return RequestGroup.objects.get(pk=response.json()["id"])


def _sum(body: dict[str, Any], group: str, key: str) -> float:
    return sum(sum(series[key]) for series in body[group].values())


def test_every_hour_of_a_request_visible_in_the_span_is_counted_once(
    submitter: Persona, frozen_now: datetime
) -> None:
    requests: list[dict[str, Any]] = imaging_group()["requests"]
    requests[0]["configurations"][0]["instrument_configs"][0]["exposure_time"] = 600
    group = _submit(submitter, requests=requests)
    duration_h = group.requests.get().duration / 3600
    assert duration_h > 0.3
    # nine nights from the window's start hold its whole week (the first is the one under way
    # at the westernmost sites): its time is spread over them, all of it
    window = group.requests.get().windows.get()
    body = pressure_by_night(nights=9, now=window.start)
    assert len(body["nights"]) == 9
    assert _sum(body, "sites", "requested_h") == pytest.approx(duration_h, rel=0.02)
    assert _sum(body, "telescope_classes", "requested_h") == pytest.approx(duration_h, rel=0.02)
    assert set(body["telescope_classes"]) >= {"1m0"}
    assert sum(body["telescope_classes"]["1m0"]["requested_h"]) == pytest.approx(
        duration_h, rel=0.02
    )


def test_available_hours_are_the_telescopes_dark_hours(
    submitter: Persona, frozen_now: datetime
) -> None:
    body = pressure_by_night(nights=3, now=frozen_now)
    telescopes = load_portal_configuration().telescopes
    for code, series in body["sites"].items():
        count = sum(1 for t in telescopes if t.site == code)
        for hours in series["available_h"]:
            assert 0 <= hours <= count * 16  # no night is darker than 16 h per telescope
        assert sum(series["available_h"]) > 0
    assert _sum(body, "sites", "available_h") == pytest.approx(
        _sum(body, "telescope_classes", "available_h"), abs=0.1
    )
    assert body["totals"]["requested_h"] == 0  # nothing pending


def test_nights_are_bounded_and_an_instrument_narrows_the_requests(
    submitter: Persona, frozen_now: datetime
) -> None:
    _submit(submitter)
    assert len(pressure_by_night(nights=100, now=frozen_now)["nights"]) == MAX_NIGHTS
    assert len(pressure_by_night(nights=0, now=frozen_now)["nights"]) == 1
    other = pressure_by_night(nights=7, now=frozen_now, instrument_type="2M0-FLOYDS-SCICAM")
    assert other["totals"].get("requested_h", 0) == 0
    later = pressure_by_night(nights=2, now=frozen_now + timedelta(days=30))
    assert later["totals"]["requested_h"] == 0  # the window is over by then


def test_the_tools_page_draws_the_nights(submitter: Persona) -> None:
    _submit(submitter)
    client = Client()
    assert client.login(username="carol", password=PERSONA_PASSWORD)
    html = client.get("/tools/?nights=3").content.decode()
    assert "The next 3 nights: hours requested against hours available" in html
    assert 'data-plot="nights-sites-data"' in html
    assert 'data-plot="nights-classes-data"' in html
    assert "Class 1m0" in html  # the numbers, as a table
    assert "h requested</strong> against" in html
    refused = client.get("/tools/?nights=99").content.decode()
    assert 'id="id_nights-error"' in refused
    assert "The next 7 nights" in refused  # the default meanwhile
    assert Client().get("/tools/").status_code == 200


def _by_series(body: dict[str, Any]) -> dict[tuple[str, str, int], float]:
    return {
        (group, name, i): hours
        for group in ("sites", "telescope_classes")
        for name, series in body[group].items()
        for i, hours in enumerate(series["available_h"])
    }


def test_a_downtime_takes_its_overlap_with_the_dark_time_from_its_site_and_class(
    submitter: Persona, staff_user: Persona, frozen_now: datetime
) -> None:
    before = pressure_by_night(nights=3, now=frozen_now)
    assert before["downtime_ignored"] is False
    telescope = next(t for t in load_portal_configuration().telescopes if t.code == "1m0a")
    night_start, night_end = dark_intervals_by_site(
        [telescope], frozen_now, frozen_now + timedelta(days=3)
    )[telescope.site][0]
    assert night_end - night_start > timedelta(hours=3)
    # from an hour before dusk to 2.5 h after it: 2.5 h of the night are lost, the rest not
    created = staff_user.client.post(
        "/downtime/api/",
        {
            "start": (night_start - timedelta(hours=1)).isoformat(),
            "end": (night_start + timedelta(hours=2.5)).isoformat(),
            "site": telescope.site,
            "enclosure": telescope.enclosure,
            "telescope": telescope.code,
            "reason": "Mirror recoating",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    clear_downtime_cache()
    after = pressure_by_night(nights=3, now=frozen_now)
    assert after["nights"] == before["nights"]
    old, new = _by_series(before), _by_series(after)
    changed = {key: old[key] - new[key] for key in old if abs(old[key] - new[key]) > 0.002}
    night = {key[2] for key in changed}
    assert len(night) == 1  # one night, of one site and of one class
    assert set(changed) == {
        ("sites", telescope.site, *night),
        ("telescope_classes", telescope.telescope_class, *night),
    }
    assert all(lost == pytest.approx(2.5, abs=0.002) for lost in changed.values())
    assert before["totals"]["available_h"] - after["totals"]["available_h"] == pytest.approx(
        2.5, abs=0.02
    )


def test_without_the_downtime_database_available_hours_are_dark_hours_and_the_page_says_so(
    submitter: Persona, frozen_now: datetime
) -> None:
    _submit(submitter)
    before = pressure_by_night(nights=3, now=frozen_now)
    assert before["totals"]["requested_h"] > 0

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    install_client(
        "downtime", DowntimeClient("http://downtime.test/", transport=httpx.MockTransport(refuse))
    )
    clear_downtime_cache()
    body = pressure_by_night(nights=3, now=frozen_now)
    assert body["downtime_ignored"] is True
    assert _by_series(body) == _by_series(before)  # no downtime was scheduled anyway
    assert body["totals"]["requested_h"] == pytest.approx(before["totals"]["requested_h"])
    client = Client()
    assert client.login(username="carol", password=PERSONA_PASSWORD)
    response = client.get("/tools/?nights=3")
    assert response.status_code == 200
    html = response.content.decode()
    assert "these hours ignore scheduled downtime" in html
    assert "The next 3 nights" in html


def test_a_telescope_not_available_now_loses_the_rest_of_its_first_night_only(
    submitter: Persona, frozen_now: datetime, settings: Any
) -> None:
    before = pressure_by_night(nights=3, now=frozen_now)
    assert before["unavailable_now"] == [] and before["states_ignored"] is False
    telescopes = load_portal_configuration().telescopes
    down = next(t for t in telescopes if t.code == "1m0a")
    telescope_states_record(
        reports=[
            SampleReport(
                telescope=t.key,
                event_type="NOT_AVAILABLE" if t is down else "AVAILABLE",
                event_reason="Sequencer: fault" if t is down else "Available",
                start=frozen_now - timedelta(minutes=5),
            )
            for t in telescopes
        ]
    )
    settings.OCS_TELESCOPE_STATES_PROVIDER = "database"
    after = pressure_by_night(nights=3, now=frozen_now)
    assert after["unavailable_now"] == [down.key]
    first_night = dark_intervals_by_site([down], frozen_now, frozen_now + timedelta(days=3))[
        down.site
    ][0]
    old, new = _by_series(before), _by_series(after)
    changed = {key: old[key] - new[key] for key in old if abs(old[key] - new[key]) > 0.002}
    assert {key[:2] for key in changed} == {
        ("sites", down.site),
        ("telescope_classes", down.telescope_class),
    }
    assert len({key[2] for key in changed}) == 1  # the first night only
    lost_h = (first_night[1] - max(first_night[0], frozen_now)).total_seconds() / 3600
    assert all(lost == pytest.approx(lost_h, abs=0.002) for lost in changed.values())
    client = Client()
    assert client.login(username="carol", password=PERSONA_PASSWORD)
    html = client.get("/tools/?nights=3").content.decode()
    assert f"has none until the end of its first night (now: {down.key})" in html
