"""Each submission rule of portal-api.md §4 with its exact message and placement.

Every case edits the typical imaging group and checks where the error lands in the tree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from openocs.portal.conftest import Persona
from openocs.portal.proposals.models import Proposal, TimeAllocation
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group

pytestmark = pytest.mark.django_db

Edit = Callable[[dict[str, Any]], None]


def _config(group: dict[str, Any]) -> dict[str, Any]:
    configuration: dict[str, Any] = group["requests"][0]["configurations"][0]
    return configuration


def _ic(group: dict[str, Any]) -> dict[str, Any]:
    ic: dict[str, Any] = _config(group)["instrument_configs"][0]
    return ic


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], **values: Any) -> Edit:
    def edit(group: dict[str, Any]) -> None:
        path(group).update(values)

    return edit


def _config_errors(body: Any) -> Any:
    return body["requests"][0]["configurations"][0]


CONFIGURATION_RULES: list[tuple[str, Edit, Any]] = [
    (
        "configuration type unknown to configdb",
        _set(_config, type="NOPE"),
        {"type": ['"NOPE" is not a valid choice.']},
    ),
    (
        "configuration type of another instrument",
        _set(_config, type="SPECTRUM"),
        {
            "non_field_errors": [
                f"configuration type SPECTRUM is not valid for instrument type {SINISTRO}"
            ]
        },
    ),
    (
        "configuration type not schedulable",
        _set(_config, type="BIAS"),
        {
            "non_field_errors": [
                f"configuration type BIAS is not schedulable for instrument type {SINISTRO}"
            ]
        },
    ),
    (
        "unknown acquisition mode",
        _set(lambda g: _config(g)["acquisition_config"], mode="BRIGHTEST"),
        {
            "non_field_errors": [
                f"Acquisition mode BRIGHTEST is not available for instrument type {SINISTRO}"
            ]
        },
    ),
    (
        "instrument-type schema on the whole configuration",
        _set(lambda g: _ic(g), extra_params={"defocus": 7.5}),
        {"instrument_configs": [{"defocus": ["max value is 5.0"]}]},
    ),
    (
        "optical element group the instrument lacks",
        _set(_ic, optical_elements={"filter": "V", "slit": "1.6"}),
        {
            "non_field_errors": [
                f"optical_element of type slit is not available on {SINISTRO} instruments"
            ]
        },
    ),
    (
        "too many regions of interest",
        _set(_ic, rois=[{"x1": 0, "x2": 10}, {"x1": 20, "x2": 30}]),
        {"non_field_errors": [f"Instrument type {SINISTRO} supports up to 1 regions of interest"]},
    ),
    (
        "region of interest without bounds",
        _set(_ic, rois=[{}]),
        {"non_field_errors": ["Must submit at least one bound for a region of interest"]},
    ),
    (
        "region of interest inverted",
        _set(_ic, rois=[{"x1": 100, "x2": 50}]),
        {"non_field_errors": ["Region of interest pixels start must be less than pixels end"]},
    ),
    (
        "region of interest beyond the CCD",
        _set(_ic, rois=[{"x1": 0, "x2": 5000}]),
        {
            "non_field_errors": [
                f"Regions of interest for instrument type {SINISTRO} must be in range "
                "0<=x<=4096 and 0<=y<=4096"
            ]
        },
    ),
    (
        "script without a script name",
        _set(_config, type="SCRIPT"),
        {
            "non_field_errors": [
                "Must specify a script_name in extra_params for SCRIPT configuration type"
            ]
        },
    ),
    (
        "repeat without a repeat duration",
        _set(_config, type="REPEAT_EXPOSE"),
        {
            "non_field_errors": [
                "Must specify a configuration repeat_duration for REPEAT_EXPOSE type "
                "configurations."
            ]
        },
    ),
    (
        "repeat shorter than one pass",
        _set(_config, type="REPEAT_EXPOSE", repeat_duration=10),
        {
            "non_field_errors": [
                "Configuration repeat_duration of 10.0 is less than the minimum of 116.0 "
                "required to repeat at least once"
            ]
        },
    ),
    (
        "repeat duration on a non-repeat type",
        _set(_config, repeat_duration=600),
        {
            "non_field_errors": [
                "You may only specify a repeat_duration for REPEAT_* type configurations."
            ]
        },
    ),
    (
        "dither pattern without offsets",
        _set(_config, extra_params={"dither_pattern": "line"}),
        {
            "non_field_errors": [
                "You set a dither pattern of line but did not supply any non-zero dither offsets. "
                "You must specify offset_ra and/or offset_dec fields in the extra_params in one or "
                "more instrument_configs to create a dither pattern."
            ]
        },
    ),
    (
        "empty instrument configs",
        _set(_config, instrument_configs=[]),
        {"instrument_configs": ["A configuration must have at least one instrument configuration"]},
    ),
    (
        "orbital elements missing scheme fields",
        _set(
            lambda g: _config(g),
            target={
                "type": "ORBITAL_ELEMENTS",
                "name": "ceres",
                "scheme": "MPC_MINOR_PLANET",
                "epochofel": 60000,
                "orbinc": 10.6,
                "longascnode": 80.3,
                "eccentricity": 0.08,
            },
        ),
        {
            "target": {
                "argofperih": ["This field is required"],
                "meandist": ["This field is required"],
                "meananom": ["This field is required"],
            }
        },
    ),
    (
        "eccentric minor planet",
        _set(
            _config,
            target={
                "type": "ORBITAL_ELEMENTS",
                "name": "x",
                "scheme": "MPC_MINOR_PLANET",
                "epochofel": 60000,
                "orbinc": 10,
                "longascnode": 80,
                "eccentricity": 0.95,
                "argofperih": 73,
                "meandist": 2.7,
                "meananom": 10,
            },
        ),
        {
            "target": {
                "scheme": [
                    "ORBITAL_ELEMENTS pointing of scheme MPC_MINOR_PLANET requires eccentricity "
                    "to be lower than 0.9. Submit with scheme MPC_COMET to use your eccentricity "
                    "of 0.95."
                ]
            }
        },
    ),
    (
        "ra out of range",
        _set(lambda g: _config(g)["target"], ra=400),
        {"target": {"ra": ["Ensure this value is less than or equal to 360."]}},
    ),
    (
        "airmass constraint out of range",
        _set(lambda g: _config(g)["constraints"], max_airmass=0.5),
        {"constraints": {"max_airmass": ["Ensure this value is greater than or equal to 1.0."]}},
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [pytest.param(edit, expected, id=name) for name, edit, expected in CONFIGURATION_RULES],
)
def test_configuration_rule(submitter: Persona, edit: Edit, expected: Any) -> None:
    group = imaging_group()
    edit(group)
    response = submitter.client.post("/api/requestgroups/validate/", group, format="json")
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert errors, "the group should have been refused"
    assert _config_errors(errors) == expected


LOCATION_RULES: list[tuple[dict[str, str], str]] = [
    ({"telescope_class": "1m0", "site": "zzz"}, "Site zzz not valid. Valid choices: "),
    ({"telescope_class": "1m0", "enclosure": "doma"}, "Must specify a site with an enclosure."),
    ({"telescope_class": "1m0", "site": "lsc", "enclosure": "nope"}, "Enclosure nope not valid."),
    (
        {"telescope_class": "1m0", "site": "lsc", "telescope": "1m0a"},
        "Must specify an enclosure with a telescope.",
    ),
]


@pytest.mark.parametrize(("location", "message"), LOCATION_RULES)
def test_location_rule(submitter: Persona, location: dict[str, str], message: str) -> None:
    group = imaging_group()
    group["requests"][0]["location"] = location
    errors = submitter.client.post("/api/requestgroups/validate/", group, format="json").json()[
        "errors"
    ]
    assert errors["requests"][0]["location"]["non_field_errors"][0].startswith(message)


def test_telescope_class_must_exist_and_host_the_instrument(submitter: Persona) -> None:
    group = imaging_group()
    group["requests"][0]["location"] = {"telescope_class": "9m9"}
    errors = submitter.client.post("/api/requestgroups/validate/", group, format="json").json()[
        "errors"
    ]
    assert errors["requests"][0]["location"]["telescope_class"] == ['"9m9" is not a valid choice.']
    group["requests"][0]["location"] = {"telescope_class": "2m0"}
    errors = submitter.client.post("/api/requestgroups/validate/", group, format="json").json()[
        "errors"
    ]
    message = errors["requests"][0]["non_field_errors"][0]
    assert message.startswith(
        f"Invalid instrument type '{SINISTRO}' at site=Any, enc=Any, tel=Any. "
        "\nValid instruments include: "
    )


def test_request_and_group_level_rules(submitter: Persona) -> None:
    client = submitter.client
    mosaic = imaging_group()
    mosaic["requests"][0]["extra_params"] = {"mosaic_pattern": "spiral"}
    errors = client.post("/api/requestgroups/validate/", mosaic, format="json").json()["errors"]
    assert errors["requests"][0]["non_field_errors"] == [
        "Invalid mosaic pattern spiral set in the request extra_params, choose from line, "
        "grid, custom"
    ]
    single = imaging_group()
    single["requests"].append(dict(single["requests"][0]))
    errors = client.post("/api/requestgroups/validate/", single, format="json").json()["errors"]
    assert errors == {
        "non_field_errors": ["'Single' type requestgroups must have exactly one child request."]
    }
    hour_angle = imaging_group()
    _config(hour_angle)["target"] = {
        "type": "HOUR_ANGLE",
        "name": "ha",
        "hour_angle": 0,
        "dec": -30,
    }
    errors = client.post("/api/requestgroups/validate/", hour_angle, format="json").json()["errors"]
    assert "HOUR_ANGLE Target type not supported in scheduled observations" in str(errors)
    Proposal.objects.update(active=False)
    errors = client.post("/api/requestgroups/validate/", imaging_group(), format="json").json()[
        "errors"
    ]
    assert errors == {
        "non_field_errors": ["The proposal you are trying to submit with is currently inactive"]
    }


def test_rapid_response_windows_must_start_now(submitter: Persona) -> None:
    group = imaging_group(observation_type="RAPID_RESPONSE")
    group["requests"][0]["windows"] = [
        {"start": "2026-12-02T00:00:00Z", "end": "2026-12-02T06:00:00Z"}
    ]
    errors = submitter.client.post("/api/requestgroups/validate/", group, format="json").json()[
        "errors"
    ]
    assert errors == {
        "non_field_errors": [
            "The Rapid Response observation window start time cannot be in the future."
        ]
    }


def test_unknown_proposal_and_null_proposal(submitter: Persona) -> None:
    errors = submitter.client.post(
        "/api/requestgroups/validate/", imaging_group(proposal="NOPE"), format="json"
    ).json()["errors"]
    assert errors["proposal"] == ['Invalid pk "NOPE" - object does not exist.']
    errors = submitter.client.post(
        "/api/requestgroups/validate/", imaging_group(proposal=None), format="json"
    ).json()["errors"]
    assert errors["proposal"] == ["Please provide a proposal."]


def test_max_allowable_ipp_reports_the_affordable_range(submitter: Persona) -> None:
    TimeAllocation.objects.update(ipp_time_available=0.1, ipp_limit=5.0)
    response = submitter.client.post(
        "/api/requestgroups/max_allowable_ipp/", imaging_group(ipp_value=1.9), format="json"
    )
    assert response.status_code == 200, response.json()
    entry = response.json()["2026B"][SINISTRO]
    hours = entry["request_duration"]
    assert entry["ipp_time_available"] == 0.1
    assert entry["ipp_limit"] == 5.0
    assert entry["min_allowable_ipp_value"] == 0.5
    assert entry["max_allowable_ipp_value"] == pytest.approx(min(0.1 / hours + 1, 2.0), abs=1e-3)
    invalid = submitter.client.post(
        "/api/requestgroups/max_allowable_ipp/", imaging_group(name=""), format="json"
    )
    assert invalid.status_code == 200
    assert invalid.json() == {"errors": {"name": ["Please provide a name."]}}
