"""Each submission rule of portal-api.md §4 with its exact message and placement.

Every case edits the typical imaging group and checks where the error lands in the tree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
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


# --- list-level, field-level and remaining configuration messages (§4.1–§4.4) ---------------


def _errors_of(persona: Persona, group: dict[str, Any]) -> Any:
    response = persona.client.post("/api/requestgroups/validate/", group, format="json")
    assert response.status_code == 200, response.content
    return response.json()["errors"]


def _request(group: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = group["requests"][0]
    return request


def _two_fill_windows(group: dict[str, Any]) -> None:
    configuration = _config(group)
    configuration.update(type="REPEAT_EXPOSE", repeat_duration=600, fill_window=True)
    _request(group)["configurations"] = [configuration, dict(configuration)]


def _zigzag_dither(group: dict[str, Any]) -> None:
    _config(group)["extra_params"] = {"dither_pattern": "zigzag"}
    _ic(group)["extra_params"] = {"offset_ra": 5}


LIST_AND_FIELD_RULES: list[tuple[str, Edit, Callable[[Any], Any], Any]] = [
    (
        "no configurations",
        _set(_request, configurations=[]),
        lambda e: e["requests"][0]["configurations"],
        ["You must specify at least 1 configuration"],
    ),
    (
        "two fill_window configurations",
        _two_fill_windows,
        lambda e: e["requests"][0]["configurations"],
        ["Only one configuration can have `fill_window` set"],
    ),
    (
        "no windows",
        _set(_request, windows=[]),
        lambda e: e["requests"][0]["windows"],
        ["You must specify at least 1 window"],
    ),
    (
        "no requests",
        lambda g: g.update(requests=[]),
        lambda e: e["requests"],
        ["You must specify at least 1 request"],
    ),
    (
        "null exposure time",
        _set(_ic, exposure_time=None),
        lambda e: _config_errors(e)["instrument_configs"][0]["exposure_time"],
        ["This field may not be null."],
    ),
    (
        "exposure time that is not a number",
        _set(_ic, exposure_time="long"),
        lambda e: _config_errors(e)["instrument_configs"][0]["exposure_time"],
        ["A valid number is required."],
    ),
    (
        "missing exposure count",
        lambda g: _ic(g).pop("exposure_count"),
        lambda e: _config_errors(e)["instrument_configs"][0]["exposure_count"],
        ["This field is required."],
    ),
    (
        "unknown instrument type",
        _set(_config, instrument_type="1M0-NOPE"),
        lambda e: _config_errors(e)["instrument_type"][0],
        "Invalid instrument type 1M0-NOPE. Valid instruments may include: ",
    ),
    (
        "invalid dither pattern",
        _zigzag_dither,
        lambda e: _config_errors(e)["non_field_errors"],
        [
            "Invalid dither pattern zigzag set in the configuration extra_params, choose from "
            "line, grid, spiral, custom"
        ],
    ),
    (
        "readout mode schema not met",
        _set(_ic, mode="full_frame", extra_params={"bin_x": 2}),
        lambda e: _config_errors(e)["non_field_errors"],
        [
            "Readout mode full_frame requirements are not met: "
            "extra_params{bin_x error: unallowed value 2}"
        ],
    ),
    (
        "unknown readout mode",
        _set(_ic, mode="quarter_frame"),
        lambda e: _config_errors(e)["non_field_errors"],
        [f"Readout mode quarter_frame is not available for instrument type {SINISTRO}"],
    ),
    (
        "optical element of an unknown code",
        _set(_ic, optical_elements={"filter": "zz"}),
        lambda e: _config_errors(e)["non_field_errors"],
        ["optical element zz of type filter is not available"],
    ),
    (
        "missing required optical element",
        _set(_ic, optical_elements={}),
        lambda e: _config_errors(e)["non_field_errors"],
        [f"Must set optical element of type filter for instrument type {SINISTRO}"],
    ),
    (
        "unknown telescope at a valid enclosure",
        _set(
            _request,
            location={
                "telescope_class": "1m0",
                "site": "lsc",
                "enclosure": "doma",
                "telescope": "9m9z",
            },
        ),
        lambda e: e["requests"][0]["location"]["non_field_errors"][0],
        "Telescope 9m9z not valid. Valid choices: ",
    ),
    (
        "cadence posted to the submission endpoint",
        _set(
            _request,
            cadence={
                "start": "2026-12-01T12:00:00Z",
                "end": "2026-12-03T12:00:00Z",
                "period": 24,
                "jitter": 12,
            },
        ),
        lambda e: e["requests"][0]["cadence"],
        ["Please use the cadence endpoint to expand your cadence request"],
    ),
]


@pytest.mark.parametrize(
    ("edit", "locate", "expected"),
    [
        pytest.param(edit, locate, want, id=name)
        for name, edit, locate, want in LIST_AND_FIELD_RULES
    ],
)
def test_list_field_and_mode_rule(
    submitter: Persona, edit: Edit, locate: Callable[[Any], Any], expected: Any
) -> None:
    group = imaging_group()
    edit(group)
    found = locate(_errors_of(submitter, group))
    if isinstance(expected, str):
        assert isinstance(found, str) and found.startswith(expected), found
    else:
        assert found == expected


def test_windows_in_two_semesters_are_refused(submitter: Persona) -> None:
    from openocs.portal.proposals import services

    services.semester_create(
        semester_id="2027A",
        start=datetime(2027, 2, 1, tzinfo=UTC),
        end=datetime(2027, 8, 1, tzinfo=UTC),
    )
    group = imaging_group()
    _request(group)["windows"].append(
        {"start": "2027-03-01T00:00:00Z", "end": "2027-03-08T00:00:00Z"}
    )
    errors = _errors_of(submitter, group)
    assert errors["requests"][0]["windows"] == [
        "The observation windows must all be in the same semester"
    ]
