"""Duration estimation, term by term, against the interface contract (portal-api.md §5)."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from openocs.portal.requestgroups.duration import (
    UnknownInstrumentTypeError,
    angular_separation_arcsec,
    configuration_duration_s,
    group_duration_by_instrument_type_s,
    request_duration_by_instrument_type_s,
    request_duration_s,
)
from openocs.portal.requestgroups.overheads import overheads_by_instrument_type


def instrument_type(code: str = "1M0-SCICAM-SINISTRO", **changes: Any) -> dict[str, Any]:
    """The worked example's instrument type (§5.5), with optional changes."""
    value: dict[str, Any] = {
        "code": code,
        "fixed_overhead_per_exposure": 1.0,
        "observation_front_padding": 90.0,
        "config_front_padding": 16.0,
        "acquire_exposure_time": 0.0,
        "mode_types": [
            {
                "type": "readout",
                "default": "full_frame",
                "modes": [
                    {"code": "full_frame", "overhead": 14.5},
                    {"code": "central_2k_2x2", "overhead": 4.0},
                ],
            },
            {"type": "guiding", "default": "ON", "modes": [{"code": "ON", "overhead": 3.0}]},
            {
                "type": "acquisition",
                "default": "OFF",
                "modes": [{"code": "OFF", "overhead": 0.0}, {"code": "WCS", "overhead": 20.0}],
            },
        ],
        "configuration_types": [
            {"code": "EXPOSE", "config_change_overhead": 0.0},
            {"code": "REPEAT_EXPOSE", "config_change_overhead": 0.0},
            {"code": "ARC", "config_change_overhead": 30.0},
        ],
    }
    value.update(changes)
    return value


def telescope(instrument_types: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "code": "1m0a",
        "active": True,
        "instrument_change_overhead": 0.0,
        "slew_rate": 0.0,
        "minimum_slew_overhead": 0.0,
        "maximum_slew_overhead": 2.0,
        "instrument_set": [
            {
                "code": f"inst{index}",
                "state": "SCHEDULABLE",
                "instrument_type": itype,
                "science_cameras": [
                    {
                        "optical_element_groups": [
                            {"type": "filters", "element_change_overhead": 2.0},
                            {"type": "slits", "element_change_overhead": 5.0},
                        ]
                    }
                ],
            }
            for index, itype in enumerate(instrument_types)
        ],
    }
    value.update(changes)
    return value


def sites(*telescopes: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "code": "tst",
            "active": True,
            "enclosure_set": [{"code": "doma", "active": True, "telescope_set": list(telescopes)}],
        }
    ]


def configuration(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "type": "EXPOSE",
        "instrument_type": "1M0-SCICAM-SINISTRO",
        "instrument_configs": [
            {"exposure_time": 100, "exposure_count": 1, "optical_elements": {"filter": "V"}}
        ],
        "acquisition_config": {"mode": "OFF"},
        "guiding_config": {"mode": "ON", "optional": True},
        "target": {"type": "ICRS", "ra": 10.0, "dec": -20.0},
        "constraints": {},
    }
    value.update(changes)
    return value


def request(*configurations: dict[str, Any], repeats: int = 1) -> dict[str, Any]:
    return {
        "configuration_repeats": repeats,
        "windows": [{"start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}],
        "configurations": list(configurations) or [configuration()],
    }


OVERHEADS = overheads_by_instrument_type(sites(telescope([instrument_type()])))
SINISTRO = OVERHEADS["1M0-SCICAM-SINISTRO"]


def test_worked_example_of_the_contract_gives_226_seconds() -> None:
    # portal-api.md §5.5: 115.5 + 16 = 131.5; + 2 (filter) + 2 (slew) = 135.5; + 90 = 225.5 → 226
    assert configuration_duration_s(configuration(), SINISTRO) == pytest.approx(131.5)
    buckets = request_duration_by_instrument_type_s(request(), OVERHEADS)
    assert buckets == {"1M0-SCICAM-SINISTRO": pytest.approx(225.5)}
    assert request_duration_s(request(), OVERHEADS) == 226


def test_readout_overhead_follows_the_mode_case_insensitively_or_the_default() -> None:
    binned = configuration()
    binned["instrument_configs"][0]["mode"] = "CENTRAL_2K_2X2"
    unknown = configuration()
    unknown["instrument_configs"][0]["mode"] = "no-such-mode"
    assert configuration_duration_s(binned, SINISTRO) == pytest.approx(100 + 4 + 1 + 16)
    assert configuration_duration_s(unknown, SINISTRO) == pytest.approx(100 + 14.5 + 1 + 16)


def test_exposure_count_multiplies_every_per_exposure_term() -> None:
    config = configuration()
    config["instrument_configs"][0]["exposure_count"] = 3
    assert configuration_duration_s(config, SINISTRO) == pytest.approx(3 * 115.5 + 16)


def test_repeat_configuration_uses_its_repeat_duration() -> None:
    config = configuration(type="REPEAT_EXPOSE", repeat_duration=600)
    assert configuration_duration_s(config, SINISTRO) == 600
    not_repeat = configuration(repeat_duration=600)
    assert configuration_duration_s(not_repeat, SINISTRO) == pytest.approx(131.5)


def test_only_changed_optical_elements_cost_and_the_largest_change_counts() -> None:
    same_filter = request(configuration(), configuration())
    # second configuration: same filter, same target → no filter change, no slew
    assert request_duration_by_instrument_type_s(same_filter, OVERHEADS)[
        "1M0-SCICAM-SINISTRO"
    ] == pytest.approx(131.5 * 2 + 2 + 2 + 90)
    both_change = configuration()
    both_change["instrument_configs"][0]["optical_elements"] = {"filter": "B", "slit": "1.6"}
    changed = request(configuration(), both_change)
    assert request_duration_by_instrument_type_s(changed, OVERHEADS)[
        "1M0-SCICAM-SINISTRO"
    ] == pytest.approx(131.5 * 2 + 2 + 2 + 5 + 90)


def test_filter_comparison_ignores_case() -> None:
    lower = configuration()
    lower["instrument_configs"][0]["optical_elements"] = {"filter": "v"}
    assert request_duration_s(request(configuration(), lower), OVERHEADS) == math.ceil(
        131.5 * 2 + 2 + 2 + 90
    )


def test_slew_between_icrs_targets_is_rate_times_distance_clamped() -> None:
    network = sites(
        telescope(
            [instrument_type()],
            slew_rate=0.001,
            minimum_slew_overhead=1.0,
            maximum_slew_overhead=30.0,
        )
    )
    overheads = overheads_by_instrument_type(network)
    near = configuration(target={"type": "ICRS", "ra": 10.0, "dec": -19.9})  # 360″ → 0.36 s → 1 s
    far = configuration(target={"type": "ICRS", "ra": 10.0, "dec": -15.0})  # 18000″ → 18 s
    opposite = configuration(target={"type": "ICRS", "ra": 190.0, "dec": 20.0})  # clamped to 30 s
    base = 131.5 + 2 + 30 + 90  # first configuration: maximum slew
    for second, slew in [(near, 1.0), (far, 18.0), (opposite, 30.0)]:
        buckets = request_duration_by_instrument_type_s(request(configuration(), second), overheads)
        assert buckets["1M0-SCICAM-SINISTRO"] == pytest.approx(base + 131.5 + slew, abs=1e-6)


def test_non_icrs_targets_always_pay_the_maximum_slew() -> None:
    comet = configuration(target={"type": "ORBITAL_ELEMENTS", "scheme": "MPC_COMET"})
    buckets = request_duration_by_instrument_type_s(request(configuration(), comet), OVERHEADS)
    assert buckets["1M0-SCICAM-SINISTRO"] == pytest.approx(131.5 * 2 + 2 + 2 + 2 + 90)


def test_acquisition_adds_mode_overhead_and_its_exposure_or_the_type_default() -> None:
    network = sites(telescope([instrument_type(acquire_exposure_time=10.0)]))
    overheads = overheads_by_instrument_type(network)
    default_exposure = configuration(acquisition_config={"mode": "WCS"})
    own_exposure = configuration(acquisition_config={"mode": "WCS", "exposure_time": 4})
    unknown_mode = configuration(acquisition_config={"mode": "BRIGHTEST"})
    plain = request_duration_by_instrument_type_s(request(), overheads)["1M0-SCICAM-SINISTRO"]
    for config, extra in [(default_exposure, 30.0), (own_exposure, 24.0), (unknown_mode, 0.0)]:
        value = request_duration_by_instrument_type_s(request(config), overheads)
        assert value["1M0-SCICAM-SINISTRO"] == pytest.approx(plain + extra)


def test_guiding_costs_only_when_not_optional() -> None:
    plain = request_duration_by_instrument_type_s(request(), OVERHEADS)["1M0-SCICAM-SINISTRO"]
    required = configuration(guiding_config={"mode": "ON", "optional": False})
    off = configuration(guiding_config={"mode": "OFF", "optional": False})
    assert request_duration_by_instrument_type_s(request(required), OVERHEADS)[
        "1M0-SCICAM-SINISTRO"
    ] == pytest.approx(plain + 3.0)
    assert request_duration_by_instrument_type_s(request(off), OVERHEADS)[
        "1M0-SCICAM-SINISTRO"
    ] == pytest.approx(plain)


def test_configuration_type_change_adds_the_new_types_overhead() -> None:
    arc = configuration(type="ARC")
    buckets = request_duration_by_instrument_type_s(request(configuration(), arc), OVERHEADS)
    assert buckets["1M0-SCICAM-SINISTRO"] == pytest.approx(131.5 * 2 + 2 + 2 + 30 + 90)


def test_configuration_repeats_multiply_before_the_front_padding() -> None:
    buckets = request_duration_by_instrument_type_s(request(repeats=3), OVERHEADS)
    assert buckets["1M0-SCICAM-SINISTRO"] == pytest.approx(3 * 135.5 + 90)


def test_front_padding_is_shared_in_proportion_to_each_instrument_types_time() -> None:
    spectrograph = instrument_type("2M0-FLOYDS-SCICAM", observation_front_padding=120.0)
    network = sites(telescope([instrument_type(), spectrograph], instrument_change_overhead=10.0))
    overheads = overheads_by_instrument_type(network)
    floyds = configuration(instrument_type="2M0-FLOYDS-SCICAM")
    buckets = request_duration_by_instrument_type_s(request(configuration(), floyds), overheads)
    sinistro_raw = 131.5 + 10 + 2 + 2
    floyds_raw = 131.5 + 10 + 0 + 0  # same filter carried over, same target
    total = sinistro_raw + floyds_raw
    assert buckets["1M0-SCICAM-SINISTRO"] == pytest.approx(sinistro_raw + sinistro_raw / total * 90)
    assert buckets["2M0-FLOYDS-SCICAM"] == pytest.approx(floyds_raw + floyds_raw / total * 120)


def test_telescope_overheads_come_from_the_first_usable_telescope_hosting_the_type() -> None:
    disabled = telescope([instrument_type()], maximum_slew_overhead=99.0)
    disabled["instrument_set"][0]["state"] = "DISABLED"
    network = sites(disabled, telescope([instrument_type()], maximum_slew_overhead=7.0))
    assert (
        overheads_by_instrument_type(network)["1M0-SCICAM-SINISTRO"].maximum_slew_overhead_s == 7.0
    )
    inactive = copy.deepcopy(network)
    inactive[0]["enclosure_set"][0]["telescope_set"][1]["active"] = False
    assert (
        overheads_by_instrument_type(inactive)["1M0-SCICAM-SINISTRO"].maximum_slew_overhead_s
        == 99.0
    )


def test_many_group_duration_is_the_sum_of_its_requests() -> None:
    totals = group_duration_by_instrument_type_s([request(), request(repeats=2)], OVERHEADS)
    assert totals["1M0-SCICAM-SINISTRO"] == pytest.approx(225.5 + (2 * 135.5 + 90))


def test_unknown_instrument_type_is_reported_by_name() -> None:
    with pytest.raises(UnknownInstrumentTypeError) as error:
        request_duration_s(request(configuration(instrument_type="NOPE")), OVERHEADS)
    assert error.value.instrument_type == "NOPE"


def test_angular_separation_matches_known_values() -> None:
    assert angular_separation_arcsec((0.0, 0.0), (0.0, 1.0)) == pytest.approx(3600.0)
    assert angular_separation_arcsec((0.0, 89.0), (180.0, 89.0)) == pytest.approx(7200.0)
    assert angular_separation_arcsec((10.0, 0.0), (190.0, 0.0)) == pytest.approx(180 * 3600.0)
