"""Cadence, dither and mosaic expansions are bounded before they loop (issue 14)."""

from __future__ import annotations

import copy

import pytest

from openocs.portal.conftest import Persona
from openocs.portal.requestgroups.tests.conftest import imaging_group

pytestmark = pytest.mark.django_db


def test_a_dither_of_a_billion_points_is_refused_naming_num_points(submitter: Persona) -> None:
    configuration = copy.deepcopy(imaging_group()["requests"][0]["configurations"][0])
    body = {
        "configuration": configuration,
        "pattern": "spiral",
        "num_points": 10**9,
        "point_spacing": 5,
    }
    response = submitter.client.post("/api/configurations/dither/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "num_points": [
            "This pattern expands to 1000000000 items; at most 50 are allowed "
            "(OCS_MAX_INSTRUMENT_CONFIGS)."
        ]
    }


def test_a_mosaic_grid_beyond_the_configuration_limit_names_num_rows(
    submitter: Persona,
) -> None:
    body = {
        "request": imaging_group()["requests"][0],
        "pattern": "grid",
        "num_rows": 100_000,
        "num_columns": 100_000,
        "point_spacing": 10,
    }
    response = submitter.client.post("/api/requests/mosaic/", body, format="json")
    assert response.status_code == 400
    assert "OCS_MAX_CONFIGURATIONS_PER_REQUEST" in response.json()["num_rows"][0]


def test_a_cadence_with_too_many_windows_is_refused_before_expanding(
    submitter: Persona, settings: object
) -> None:
    group = imaging_group()
    request = group["requests"][0]
    request["windows"] = []
    request["cadence"] = {
        "start": "2026-12-01T12:00:00Z",
        "end": "2027-01-20T12:00:00Z",
        "period": 0.02,
        "jitter": 0.02,
    }
    response = submitter.client.post("/api/requestgroups/cadence/", group, format="json")
    assert response.status_code == 400
    message = response.json()["requests"][0]["cadence"]["period"][0]
    assert "60000 cadence windows; at most 5000" in message
