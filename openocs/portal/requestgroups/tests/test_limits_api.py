"""The documented limits of one request group answer 400 (or validate errors) naming the field,
before any visibility is computed (issue 14, docs/limits.md)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from openocs.portal.conftest import Persona
from openocs.portal.requestgroups.tests.conftest import imaging_group

VALIDATE = "/api/requestgroups/validate/"


def _instrument_config(group: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = group["requests"][0]["configurations"][0]["instrument_configs"][0]
    return config


def _errors(submitter: Persona, group: dict[str, Any]) -> Any:
    response = submitter.client.post(VALIDATE, group, format="json")
    assert response.status_code == 200
    return response.json()["errors"]


def test_too_many_windows_are_refused_naming_the_setting(submitter: Persona, settings: Any) -> None:
    settings.OCS_MAX_WINDOWS_PER_REQUEST = 2
    group = imaging_group()
    group["requests"][0]["windows"] *= 3
    assert _errors(submitter, group) == {
        "requests": [
            {
                "windows": [
                    "Ensure this field has no more than 2 elements (OCS_MAX_WINDOWS_PER_REQUEST)."
                ]
            }
        ]
    }


def test_too_many_requests_are_refused_before_any_is_checked(
    submitter: Persona, settings: Any
) -> None:
    settings.OCS_MAX_REQUESTS_PER_GROUP = 2
    group = imaging_group(operator="MANY")
    group["requests"] *= 3
    response = submitter.client.post("/api/requestgroups/", group, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "requests": ["Ensure this field has no more than 2 elements (OCS_MAX_REQUESTS_PER_GROUP)."]
    }


def test_limits_of_the_second_request_keep_one_entry_per_request(
    submitter: Persona, settings: Any
) -> None:
    settings.OCS_MAX_CONFIGURATIONS_PER_REQUEST = 1
    settings.OCS_MAX_INSTRUMENT_CONFIGS = 1
    group = imaging_group(operator="MANY")
    second = copy.deepcopy(group["requests"][0])
    second["configurations"] *= 2
    third = copy.deepcopy(group["requests"][0])
    third["configurations"][0]["instrument_configs"] *= 2
    group["requests"] += [second, third]
    assert _errors(submitter, group) == {
        "requests": [
            {},
            {
                "configurations": [
                    "Ensure this field has no more than 1 elements "
                    "(OCS_MAX_CONFIGURATIONS_PER_REQUEST)."
                ]
            },
            {
                "configurations": [
                    {
                        "instrument_configs": [
                            "Ensure this field has no more than 1 elements "
                            "(OCS_MAX_INSTRUMENT_CONFIGS)."
                        ]
                    }
                ]
            },
        ]
    }


@pytest.mark.parametrize("path", ["/api/requestgroups/validate/", "/api/requestgroups/"])
def test_an_exposure_time_of_1e308_is_refused_naming_the_field(
    submitter: Persona, path: str
) -> None:
    group = imaging_group()
    _instrument_config(group)["exposure_time"] = 1e308
    response = submitter.client.post(path, group, format="json")
    assert response.status_code in (200, 400)
    errors = response.json().get("errors", response.json())
    ic_errors = errors["requests"][0]["configurations"][0]["instrument_configs"][0]
    assert ic_errors == {
        "exposure_time": [
            "Ensure this value is less than or equal to 86400 (OCS_MAX_EXPOSURE_TIME_S)."
        ]
    }


def test_a_huge_exposure_count_is_refused_naming_the_field(submitter: Persona) -> None:
    group = imaging_group()
    _instrument_config(group)["exposure_count"] = 10**30
    errors = _errors(submitter, group)
    assert errors["requests"][0]["configurations"][0]["instrument_configs"][0] == {
        "exposure_count": [
            "Ensure this value is less than or equal to 10000 (OCS_MAX_EXPOSURE_COUNT)."
        ]
    }


def test_repeat_duration_and_configuration_repeats_are_bounded(submitter: Persona) -> None:
    group = imaging_group()
    group["requests"][0]["configuration_repeats"] = 10**9
    group["requests"][0]["configurations"][0].update(type="REPEAT_EXPOSE", repeat_duration=1e308)
    errors = _errors(submitter, group)["requests"][0]
    assert errors["configuration_repeats"] == [
        "Ensure this value is less than or equal to 100 (OCS_MAX_CONFIGURATION_REPEATS)."
    ]
    assert errors["configurations"][0]["repeat_duration"] == [
        "Ensure this value is less than or equal to 86400 (OCS_MAX_EXPOSURE_TIME_S)."
    ]


@pytest.mark.parametrize("path", ["/api/requestgroups/validate/", "/api/requestgroups/"])
def test_nul_in_extra_params_is_refused_at_validate_and_submit(
    submitter: Persona, path: str
) -> None:
    for extra in ({"a\x00b": "c"}, {"key": "c\x00"}):
        group = imaging_group()
        group["requests"][0]["configurations"][0]["extra_params"] = extra
        response = submitter.client.post(path, group, format="json")
        assert response.status_code == 400
        configuration = response.json()["requests"][0]["configurations"][0]
        assert "extra_params" in configuration


def test_cadence_with_form_data_is_a_4xx(submitter: Persona) -> None:
    response = submitter.client.post(
        "/api/requestgroups/cadence/", {"name": "x"}, format="multipart"
    )
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


def test_a_bias_then_expose_group_reports_one_entry_per_configuration(
    submitter: Persona,
) -> None:
    group = imaging_group()
    configurations = group["requests"][0]["configurations"]
    configurations.insert(0, dict(copy.deepcopy(configurations[0]), type="BIAS"))
    errors = _errors(submitter, group)
    assert errors == {
        "requests": [
            {
                "configurations": [
                    {
                        "non_field_errors": [
                            "configuration type BIAS is not schedulable for instrument type "
                            "1M0-SCICAM-SINISTRO"
                        ]
                    },
                    {},
                ]
            }
        ]
    }


def test_a_many_group_reports_one_entry_per_request(submitter: Persona) -> None:
    group = imaging_group(operator="MANY")
    group["requests"] = [copy.deepcopy(group["requests"][0]) for _ in range(3)]
    group["requests"][0]["configurations"][0]["type"] = "BIAS"
    errors = _errors(submitter, group)
    assert len(errors["requests"]) == 3
    assert errors["requests"][1:] == [{}, {}]
