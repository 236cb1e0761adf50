"""Visibility at submission (portal-api.md §6, §4.4 item 4): the two messages, downtime
subtraction by instrument type, and the sharing of one computed sky between telescopes a few
metres apart."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from openocs import visibility
from openocs.portal.conftest import Persona
from openocs.portal.requestgroups import visibility as portal_visibility
from openocs.portal.requestgroups.tests.conftest import imaging_group
from openocs.visibility.intervals import intersect_lists

pytestmark = pytest.mark.django_db

SHORT_MESSAGE = re.compile(
    r"^According to the constraints of the request, the target will only be visible for a "
    r"maximum of (?P<visible>\d+\.\d\d) hours within the time window\. This is less than the "
    r"duration of your request (?P<duration>\d+\.\d\d) hours\. Consider expanding the time "
    r"window or loosening the airmass or lunar separation constraints\.$"
)


def _request_errors(persona: Persona, payload: dict[str, Any]) -> list[str]:
    response = persona.client.post("/api/requestgroups/validate/", payload, format="json")
    assert response.status_code == 200, response.content
    errors: list[str] = response.json()["errors"]["requests"][0]["non_field_errors"]
    return errors


def _one_1m0_telescopes(sites_document: bytes) -> list[tuple[str, str, str]]:
    keys = []
    for site in json.loads(sites_document)["results"]:
        for enclosure in site["enclosure_set"]:
            for telescope in enclosure["telescope_set"]:
                if telescope["code"].startswith("1m0"):
                    keys.append((site["code"], enclosure["code"], telescope["code"]))
    return keys


def test_visible_for_less_than_the_duration_names_both_durations(submitter: Persona) -> None:
    payload = imaging_group()
    # 20 one-hour exposures: longer than any night at any site
    payload["requests"][0]["configurations"][0]["instrument_configs"][0].update(
        exposure_time=3600, exposure_count=20
    )
    errors = _request_errors(submitter, payload)
    match = SHORT_MESSAGE.match(errors[0])
    assert match is not None, errors
    visible_h = float(match["visible"])
    duration_h = float(match["duration"])
    assert 4.0 < visible_h < 14.0  # one night of a target at airmass ≤ 2
    assert duration_h > 20.0  # 20 h of exposure plus readout and overheads
    assert visible_h < duration_h


def test_whole_network_down_for_the_window_means_not_visible(
    submitter: Persona, staff_user: Persona, demo_sites_document: bytes
) -> None:
    window = imaging_group()["requests"][0]["windows"][0]
    for site, enclosure, telescope in _one_1m0_telescopes(demo_sites_document):
        created = staff_user.client.post(
            "/downtime/api/",
            {
                "start": "2026-11-30T00:00:00Z",
                "end": "2026-12-09T00:00:00Z",
                "site": site,
                "enclosure": enclosure,
                "telescope": telescope,
                "reason": "Mirror recoating",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
    portal_visibility.clear_downtime_cache()
    errors = _request_errors(submitter, imaging_group())
    assert errors == [portal_visibility.NOT_VISIBLE_MESSAGE]
    assert window["end"] == "2026-12-08T12:00:00Z"  # the downtime covers the whole window


def test_downtime_of_another_instrument_type_does_not_count(
    submitter: Persona, staff_user: Persona, demo_sites_document: bytes
) -> None:
    for site, enclosure, telescope in _one_1m0_telescopes(demo_sites_document):
        created = staff_user.client.post(
            "/downtime/api/",
            {
                "start": "2026-11-30T00:00:00Z",
                "end": "2026-12-09T00:00:00Z",
                "site": site,
                "enclosure": enclosure,
                "telescope": telescope,
                "instrument_type": "1M0-NRES-SCICAM",
                "reason": "Spectrograph maintenance",
            },
            format="json",
        )
        if created.status_code == 400:  # that telescope hosts no NRES: the type is refused
            continue
        assert created.status_code == 201, created.content
    portal_visibility.clear_downtime_cache()
    response = submitter.client.post("/api/requestgroups/validate/", imaging_group(), format="json")
    assert response.json()["errors"] == {}


def test_telescopes_of_one_site_share_one_computed_sky(
    submitter: Persona, monkeypatch: pytest.MonkeyPatch, demo_sites_document: bytes
) -> None:
    calls: list[visibility.Site] = []
    compute = visibility.observable_intervals

    def counting(site: visibility.Site, *args: Any, **kwargs: Any) -> Any:
        calls.append(site)
        return compute(site, *args, **kwargs)

    monkeypatch.setattr(visibility, "observable_intervals", counting)
    response = submitter.client.post("/api/requestgroups/validate/", imaging_group(), format="json")
    assert response.json()["errors"] == {}
    telescopes = _one_1m0_telescopes(demo_sites_document)
    sites = {site for site, _, _ in telescopes}
    assert len(telescopes) > len(sites)  # several 1-metre telescopes per site in the demo
    assert len(calls) == len(sites)  # one sky per site, not per telescope


def _count_skies(monkeypatch: pytest.MonkeyPatch) -> list[visibility.Site]:
    calls: list[visibility.Site] = []
    compute = visibility.observable_intervals

    def counting(site: visibility.Site, *args: Any, **kwargs: Any) -> Any:
        calls.append(site)
        return compute(site, *args, **kwargs)

    monkeypatch.setattr(visibility, "observable_intervals", counting)
    return calls


def test_validate_then_submit_computes_the_sky_once(
    submitter: Persona, staff_user: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_skies(monkeypatch)
    client = submitter.client
    assert (
        client.post("/api/requestgroups/validate/", imaging_group(), format="json").json()["errors"]
        == {}
    )
    computed = len(calls)
    assert computed > 0
    assert client.post("/api/requestgroups/", imaging_group(), format="json").status_code == 201
    assert len(calls) == computed  # same payload within five minutes: the cached result
    moved = imaging_group()
    moved["requests"][0]["configurations"][0]["target"]["dec"] = -25.0
    client.post("/api/requestgroups/validate/", moved, format="json")
    assert len(calls) == 2 * computed  # another target is another key
    created = staff_user.client.post(
        "/downtime/api/",
        {"start": "2026-12-02T00:00:00Z", "end": "2026-12-03T00:00:00Z", "site": "lsc",
         "enclosure": "doma", "telescope": "1m0a", "reason": "Weather"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    portal_visibility.clear_downtime_cache()
    client.post("/api/requestgroups/validate/", imaging_group(), format="json")
    assert len(calls) == 3 * computed  # the downtime that applies is part of the key
    monkeypatch.setattr(portal_visibility, "VISIBILITY_CACHE_S", 0.0)
    client.post("/api/requestgroups/validate/", imaging_group(), format="json")
    assert len(calls) == 4 * computed  # expired entries are recomputed


def test_many_windows_cost_one_sky_per_site_and_keep_each_windows_intervals(
    submitter: Persona, monkeypatch: pytest.MonkeyPatch, demo_sites_document: bytes
) -> None:
    """Issue 14/17: visibility is computed once per site over the span of the windows and cut to
    each window, so the cost of validation no longer grows with the number of windows."""
    payload = imaging_group()
    windows = [
        {"start": f"2026-12-0{2 + k // 24}T{k % 24:02d}:00:00Z",
         "end": f"2026-12-0{2 + k // 24}T{k % 24:02d}:40:00Z"}
        for k in range(0, 6 * 24, 2)
    ]  # fmt: skip
    payload["requests"][0]["windows"] = windows
    calls = _count_skies(monkeypatch)
    response = submitter.client.post("/api/requestgroups/validate/", payload, format="json")
    assert response.status_code == 200, response.content
    sites = {site for site, _, _ in _one_1m0_telescopes(demo_sites_document)}
    assert response.json()["errors"] == {}, response.json()
    assert len(windows) == 72 and len(calls) == len(sites)

    # The same intervals as computing each window on its own.
    site = calls[0]
    target = visibility.SiderealTarget(49.921, -19.411)
    limits = visibility.Constraints(max_airmass=2.0, min_lunar_distance_deg=30.0)
    parsed = [
        (dt.datetime.fromisoformat(w["start"]), dt.datetime.fromisoformat(w["end"]))
        for w in windows
    ]
    each = portal_visibility.merge_intervals(
        [i for s, e in parsed for i in visibility.observable_intervals(site, target, s, e, limits)]
    )
    spans = portal_visibility._spans(portal_visibility.merge_intervals(parsed))
    assert len(spans) == 1
    whole = visibility.observable_intervals(site, target, spans[0][0], spans[0][1], limits)
    assert intersect_lists(whole, portal_visibility.merge_intervals(parsed)) == each


def test_windows_far_apart_are_computed_apart() -> None:
    day = dt.timedelta(days=1)
    start = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    windows = [
        (start, start + day),
        (start + 2 * day, start + 3 * day),
        (start + 30 * day, start + 31 * day),
    ]
    assert portal_visibility._spans(windows) == [
        (start, start + 3 * day),
        (start + 30 * day, start + 31 * day),
    ]
