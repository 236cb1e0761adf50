"""Which exposures a configuration takes: once each, or repeated for a REPEAT configuration's
repeat duration, counted in the telescope's own time (exposure + readout + per-exposure
overhead), whatever the demo's shortening."""

from __future__ import annotations

from typing import Any

import pytest

from openocs.clients.site import SiteConfiguration
from openocs.simulator.network import InstrumentInfo
from openocs.simulator.plan import plan_exposures
from openocs.simulator.site import SimulatorSettings

SINISTRO = InstrumentInfo(
    code="fa12",
    instrument_type="1M0-SCICAM-SINISTRO",
    camera="fa12",
    pixel_scale_arcsec=0.389,
    full_size_px=4096,
    fixed_overhead_per_exposure_s=1.0,
    readout_overheads_s={"full_frame": 10.0, "central_2k_2x2": 5.0},
    default_readout_mode="full_frame",
)


def _configuration(kind: str = "EXPOSE", **changes: Any) -> SiteConfiguration:
    return SiteConfiguration.model_validate(
        {
            "configuration_status": 7,
            "type": kind,
            "instrument_configs": [
                {"exposure_time": 30, "exposure_count": 2, "optical_elements": {"filter": "v"}},
                {"exposure_time": 10, "exposure_count": 1, "optical_elements": {"filter": "rp"}},
            ],
            **changes,
        }
    )


def _shape(configuration: SiteConfiguration) -> list[tuple[float, str, float, int]]:
    plan = plan_exposures(configuration, SINISTRO)
    return [(e.exposure_time_s, e.filter_name, e.duration_s, e.repeat) for e in plan.exposures]


def test_an_ordinary_configuration_takes_each_exposure_once() -> None:
    plan = plan_exposures(_configuration(), SINISTRO)
    assert _shape(_configuration()) == [
        (30.0, "v", 41.0, 1),  # 30 s + 10 s readout (default mode) + 1 s per exposure
        (30.0, "v", 41.0, 1),
        (10.0, "rp", 21.0, 1),
    ]
    assert not plan.is_repeat
    assert plan.duration_s() == 103.0


def test_repeat_expose_repeats_the_instrument_configs_until_the_repeat_duration_is_used() -> None:
    plan = plan_exposures(_configuration("REPEAT_EXPOSE", repeat_duration=200.0), SINISTRO)
    # one pass is 103 s; the second pass's v, v fit (185 s); its rp would end at 206 s > 200 s
    assert [(e.filter_name, e.repeat) for e in plan.exposures] == [
        ("v", 1), ("v", 1), ("rp", 1), ("v", 2), ("v", 2),
    ]  # fmt: skip
    assert plan.is_repeat and plan.repeat_duration_s == 200.0
    assert plan.duration_s() == 185.0
    assert plan.pass_length == 3
    assert plan.repeats_completed(len(plan.exposures)) == 1
    assert plan.repeats_completed(2) == 0


def test_a_repeat_duration_used_exactly_takes_whole_passes() -> None:
    plan = plan_exposures(_configuration("REPEAT_EXPOSE", repeat_duration=309.0), SINISTRO)
    assert len(plan.exposures) == 9
    assert plan.duration_s() == 309.0
    assert plan.repeats_completed(9) == 3


def test_the_first_pass_is_always_taken_whole() -> None:
    # the portal refuses a repeat duration shorter than one pass by its own overheads; a site
    # whose overheads are longer still takes the pass it was scheduled for
    plan = plan_exposures(_configuration("REPEAT_EXPOSE", repeat_duration=60.0), SINISTRO)
    assert [e.repeat for e in plan.exposures] == [1, 1, 1]


@pytest.mark.parametrize("kind", ["REPEAT_SPECTRUM", "REPEAT_NRES_SPECTRUM", "repeat_expose"])
def test_every_repeat_type_repeats(kind: str) -> None:
    plan = plan_exposures(_configuration(kind, repeat_duration=200.0), SINISTRO)
    assert len(plan.exposures) == 5


def test_without_a_repeat_duration_or_a_repeat_type_there_is_one_pass() -> None:
    assert len(plan_exposures(_configuration("REPEAT_EXPOSE"), SINISTRO).exposures) == 3
    ordinary = plan_exposures(_configuration("EXPOSE", repeat_duration=1000.0), SINISTRO)
    assert len(ordinary.exposures) == 3 and not ordinary.is_repeat


def test_the_readout_overhead_is_the_modes() -> None:
    configuration = SiteConfiguration.model_validate(
        {
            "configuration_status": 7,
            "type": "REPEAT_EXPOSE",
            "repeat_duration": 100.0,
            "instrument_configs": [
                {"exposure_time": 4, "exposure_count": 1, "mode": "CENTRAL_2K_2X2"}
            ],
        }
    )
    plan = plan_exposures(configuration, SINISTRO)
    assert [e.duration_s for e in plan.exposures] == [10.0] * 10  # 4 + 5 + 1


def test_zero_second_exposures_without_overheads_still_end() -> None:
    bare = InstrumentInfo("x", "X", "x", 1.0, 64)
    configuration = SiteConfiguration.model_validate(
        {
            "configuration_status": 7,
            "type": "REPEAT_EXPOSE",
            "repeat_duration": 10.0,
            "instrument_configs": [{"exposure_time": 0, "exposure_count": 1}],
        }
    )
    assert len(plan_exposures(configuration, bare).exposures) == 10  # each counted as 1 s


def test_the_demo_shortens_the_wall_time_not_the_plan() -> None:
    """The plan depends on the configuration and the instrument only, so a shortened run takes
    the frames a real-time run takes; each exposure's wall time is its duration, shortened."""
    plan = plan_exposures(_configuration("REPEAT_EXPOSE", repeat_duration=200.0), SINISTRO)
    real_time = SimulatorSettings()
    demo = SimulatorSettings(exposure_scale=0.01, max_exposure_s=2.0)
    assert sum(real_time.exposure_wall_s(e.duration_s) for e in plan.exposures) == 185.0
    assert sum(demo.exposure_wall_s(e.duration_s) for e in plan.exposures) == pytest.approx(1.85)
    assert demo.exposure_wall_s(600.0) == 2.0  # capped
