"""Candidate intervals: windows ∩ visibility − downtime − running time, and the visibility
wiring to ``openocs.visibility``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from openocs.scheduler.candidates import Stage, night_intervals, prepare, request_visibility
from openocs.scheduler.kernels import solve
from openocs.scheduler.model import Downtime, FixedObservation, Location, Request
from openocs.scheduler.tests.factories import HOUR, group, problem, request, telescope
from openocs.scheduler.validation import schedule_violations
from openocs.visibility import (
    Constraints,
    SiderealTarget,
    Site,
    dark_intervals,
    observable_intervals,
)

# LCO Cerro Tololo 1 m (lsc doma), from the LCO-like network description
LSC = Site(
    latitude_deg=-30.1673833333,
    longitude_deg=-70.8047888889,
    elevation_m=2198.0,
    horizon_deg=15.0,
    ha_limit_neg_hours=-4.6,
    ha_limit_pos_hours=4.6,
)
EPOCH = datetime(2030, 3, 1, tzinfo=UTC)
KEY = "1m0a.doma.lsc"


def test_candidates_subtract_downtime_and_running_time_from_windows_and_visibility():
    req = request(duration_h=1, windows=((0, 10),))
    downtime = Downtime(KEY, 2 * HOUR, 4 * HOUR)
    fixed = FixedObservation(KEY, 6 * HOUR, 6 * HOUR + 1800)
    prepared = prepare(problem([group(req)], downtimes=[downtime], fixed=[fixed]))
    options = prepared.requests[req.id]
    assert options.stage is Stage.CANDIDATE
    assert options.options[KEY] == [
        (0, 2 * HOUR),
        (4 * HOUR, 6 * HOUR),
        (6 * HOUR + 1800, 10 * HOUR),
    ]


def test_candidates_drop_intervals_shorter_than_the_duration():
    req = request(duration_h=2, windows=((0, 10),))
    downtime = Downtime(KEY, 1 * HOUR, 9 * HOUR)
    prepared = prepare(problem([group(req)], downtimes=[downtime]))
    assert prepared.requests[req.id].stage is Stage.BLOCKED_BY_DOWNTIME


def test_offline_telescope_is_not_eligible():
    req = request()
    prepared = prepare(problem([group(req)], [telescope(online=False)]))
    assert prepared.requests[req.id].stage is Stage.NO_TELESCOPE


def test_night_intervals_match_the_visibility_library():
    start, end = EPOCH, EPOCH + timedelta(days=2)
    nights = night_intervals(LSC, epoch=EPOCH, start=start, end=end)
    expected = dark_intervals(LSC, start, end, "nautical")
    assert len(nights) == len(expected) >= 2
    for (start_s, end_s), (dark_start, dark_end) in zip(nights, expected, strict=True):
        assert abs(EPOCH + timedelta(seconds=start_s) - dark_start) < timedelta(seconds=1)
        assert abs(EPOCH + timedelta(seconds=end_s) - dark_end) < timedelta(seconds=1)


def test_request_visibility_is_the_intersection_of_its_targets_from_the_library():
    start, end = EPOCH, EPOCH + timedelta(days=2)
    target_a = SiderealTarget(ra_deg=150.0, dec_deg=-40.0)
    target_b = SiderealTarget(ra_deg=170.0, dec_deg=-30.0)
    constraints = Constraints(max_airmass=1.6)
    visibility = request_visibility(
        {KEY: LSC},
        {1: [(target_a, constraints)], 2: [(target_a, constraints), (target_b, constraints)]},
        epoch=EPOCH,
        start=start,
        end=end,
    )
    single = observable_intervals(LSC, target_a, start, end, constraints)
    both = observable_intervals(LSC, [target_a, target_b], start, end, constraints)
    assert len(visibility[1][KEY]) == len(single) > 0
    assert len(visibility[2][KEY]) == len(both) > 0
    for (start_s, end_s), (v_start, v_end) in zip(visibility[2][KEY], both, strict=True):
        assert abs(EPOCH + timedelta(seconds=start_s) - v_start) < timedelta(seconds=1)
        assert abs(EPOCH + timedelta(seconds=end_s) - v_end) < timedelta(seconds=1)


def test_schedule_built_on_library_visibility_stays_inside_it():
    start, end = EPOCH, EPOCH + timedelta(days=1)
    targets = {
        rid: [(SiderealTarget(ra_deg=ra, dec_deg=-35.0), Constraints(max_airmass=2.0))]
        for rid, ra in ((1, 120.0), (2, 160.0), (3, 200.0))
    }
    visibility = request_visibility({KEY: LSC}, targets, epoch=EPOCH, start=start, end=end)
    tel = telescope(KEY)
    requests = [
        Request(
            id=rid,
            duration_s=3600,
            windows=((0, 86400),),
            location=Location("1m0"),
            instrument_types=("1M0-SCICAM-SINISTRO",),
            visibility=visibility[rid],
        )
        for rid in targets
    ]
    prob = problem([group(r) for r in requests], [tel], end_h=24)
    schedule = solve(prob, kernel="cpsat", time_limit_s=5)
    assert len(schedule.assignments) == 3
    assert schedule_violations(prob, schedule) == []
    for assignment in schedule.assignments:
        spans = visibility[assignment.request_id][KEY]
        assert any(a <= assignment.start_s and assignment.end_s <= b for a, b in spans)


def test_telescopes_sharing_a_sky_are_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Telescopes of one site (metres apart, same limits) share one visibility computation."""
    import openocs.visibility as vis_library

    calls: list[vis_library.Site] = []
    compute = vis_library.observable_intervals_batch

    def counting(site: vis_library.Site, *args: object, **kwargs: object) -> object:
        calls.append(site)
        return compute(site, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vis_library, "observable_intervals_batch", counting)
    doma = vis_library.Site(latitude_deg=-30.1673, longitude_deg=-70.8047, elevation_m=2198.0)
    domb = vis_library.Site(latitude_deg=-30.1674, longitude_deg=-70.8046, elevation_m=2198.0)
    far = vis_library.Site(latitude_deg=-31.2729, longitude_deg=149.0706, elevation_m=1116.0)
    epoch = datetime(2026, 12, 1, 12, tzinfo=UTC)
    target = vis_library.SiderealTarget(ra_deg=49.921, dec_deg=-19.411)
    result = request_visibility(
        {"1m0a.doma.lsc": doma, "1m0a.domb.lsc": domb, "1m0a.clma.coj": far},
        {7: [(target, vis_library.Constraints(max_airmass=2.0))]},
        epoch=epoch,
        start=epoch,
        end=epoch + timedelta(days=2),
    )
    assert calls == [doma, far]
    assert result[7]["1m0a.domb.lsc"] == result[7]["1m0a.doma.lsc"]
    assert result[7]["1m0a.clma.coj"] != result[7]["1m0a.doma.lsc"]
