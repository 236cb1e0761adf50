"""The instrument digest of /api/instruments/ (portal-api.md §17.1, configdb-api.md §8)."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from openocs.portal.requestgroups.digest import LocationFilter, instrument_digest, telescope_class


@pytest.mark.parametrize(
    ("aperture_m", "expected"),
    [(1.0, "1m0"), (2.0, "2m0"), (0.4, "0m4"), (0.8, "0m8"), (4.1, "4m1")],
)
def test_telescope_class_from_aperture(aperture_m: float, expected: str) -> None:
    assert telescope_class(aperture_m) == expected


def camera(
    code: str, filters: list[str], default: str = "", orientation: float = 0.0
) -> dict[str, Any]:
    return {
        "code": code,
        "orientation": orientation,
        "camera_type": {"pscale": 0.389, "pixels_x": 4096, "pixels_y": 4096},
        "optical_element_groups": [
            {
                "type": "filters",
                "default": default,
                "optical_elements": [
                    {"id": i, "name": f, "code": f, "schedulable": True}
                    for i, f in enumerate(filters)
                ],
            }
        ],
    }


def instrument(
    code: str, state: str, filters: list[str], orientation: float = 0.0
) -> dict[str, Any]:
    return {
        "code": code,
        "state": state,
        "instrument_type": {
            "code": "1m0-SciCam-Sinistro",
            "name": "1.0 meter Sinistro",
            "instrument_category": "IMAGE",
            "default_configuration_type": "EXPOSE",
            "default_acceptability_threshold": 90.0,
            "validation_schema": {"extra_params": {"type": "dict"}},
            "mode_types": [
                {"id": 8, "type": "readout", "default": "", "modes": [{"code": "full_frame"}]}
            ],
            "configuration_types": [{"code": "EXPOSE", "name": "Expose"}],
        },
        "science_cameras": [camera(code, filters, default="rp", orientation=orientation)],
        "autoguider_camera": {
            "code": "ef09",
            "camera_type": {"pscale": 0.6, "pixels_x": 1000, "pixels_y": 1000},
        },
    }


def network() -> list[dict[str, Any]]:
    def telescope(code: str, aperture: float, instruments: list[dict[str, Any]]) -> dict[str, Any]:
        return {"code": code, "aperture": aperture, "active": True, "instrument_set": instruments}

    return [
        {
            "code": "coj",
            "active": True,
            "enclosure_set": [
                {
                    "code": "doma",
                    "active": True,
                    "telescope_set": [
                        telescope(
                            "1m0a", 1.0, [instrument("fa12", "SCHEDULABLE", ["V", "rp"], 10.0)]
                        ),
                        telescope("1m0b", 1.0, [instrument("fa19", "MANUAL", ["rp", "gp"], 20.0)]),
                    ],
                }
            ],
        }
    ]


def test_anonymous_sees_only_types_with_a_schedulable_instrument() -> None:
    sites = network()
    sites[0]["enclosure_set"][0]["telescope_set"][0]["instrument_set"][0]["state"] = "STANDBY"
    assert instrument_digest(sites) == {}
    assert instrument_digest(sites, only_schedulable=False) == {}
    assert list(instrument_digest(sites, staff=True)) == ["1M0-SCICAM-SINISTRO"]
    assert instrument_digest(sites, staff=True, only_schedulable=True) == {}


def test_entry_has_the_compatible_shape() -> None:
    entry = instrument_digest(network())["1M0-SCICAM-SINISTRO"]
    assert entry["type"] == "IMAGE"
    assert entry["class"] == "1m0"
    assert entry["name"] == "1.0 meter Sinistro"
    assert entry["modes"] == {
        "readout": {"id": 8, "type": "readout", "modes": [{"code": "full_frame"}], "default": ""}
    }
    assert entry["configuration_types"] == {"EXPOSE": {"code": "EXPOSE", "name": "Expose"}}
    assert entry["default_configuration_type"] == "EXPOSE"
    assert entry["validation_schema"] == {"extra_params": {"type": "dict"}}


def test_optical_elements_are_the_union_over_non_disabled_instruments_in_first_seen_order() -> None:
    elements = instrument_digest(network())["1M0-SCICAM-SINISTRO"]["optical_elements"]["filters"]
    assert [e["code"] for e in elements] == ["V", "rp", "gp"]
    assert [e["default"] for e in elements] == [False, True, False]


def test_camera_fields_of_view_are_diagonals_in_arcminutes() -> None:
    camera_type = instrument_digest(network())["1M0-SCICAM-SINISTRO"]["camera_type"]
    assert camera_type["science_field_of_view"] == pytest.approx(
        math.hypot(4096, 4096) * 0.389 / 60
    )
    assert camera_type["autoguider_field_of_view"] == pytest.approx(
        math.hypot(1000, 1000) * 0.6 / 60
    )
    assert camera_type["orientation"] == pytest.approx(15.0)  # mean over non-disabled instruments
    assert camera_type["pixel_scale"] == 0.389


def test_location_filters_are_exact_and_case_insensitive() -> None:
    assert instrument_digest(network(), location=LocationFilter(site="COJ"))
    assert instrument_digest(network(), location=LocationFilter(site="co")) == {}
    assert instrument_digest(network(), location=LocationFilter(site="idontexist")) == {}
    assert instrument_digest(network(), location=LocationFilter(telescope_class="1M0"))
    assert instrument_digest(network(), location=LocationFilter(telescope_class="2m0")) == {}
    only_b = LocationFilter(telescope="1m0b")
    assert instrument_digest(network(), location=only_b) == {}
    assert list(instrument_digest(network(), staff=True, location=only_b)) == [
        "1M0-SCICAM-SINISTRO"
    ]


def test_inactive_telescopes_are_ignored() -> None:
    sites = copy.deepcopy(network())
    sites[0]["enclosure_set"][0]["telescope_set"][0]["active"] = False
    assert instrument_digest(sites) == {}
