"""Cadence, dither, mosaic and airmass endpoints (portal-api.md §10.6, §11.4, §11.5, §17.2)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona
from openocs.portal.requestgroups.tests.conftest import imaging_group

pytestmark = pytest.mark.django_db


def _cadence_group(start: str, end: str, period: float, jitter: float) -> dict[str, Any]:
    group = imaging_group()
    request = group["requests"][0]
    request["windows"] = []  # TOM Toolkit sends an empty list
    request["cadence"] = {"start": start, "end": end, "period": period, "jitter": jitter}
    return group


def test_cadence_expands_into_one_request_per_night(submitter: Persona) -> None:
    group = _cadence_group("2026-12-01T12:00:00Z", "2026-12-03T12:00:00Z", 24, 12)
    response = submitter.client.post("/api/requestgroups/cadence/", group, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["operator"] == "MANY"
    assert len(body["requests"]) == 2
    assert all("cadence" not in r and len(r["windows"]) == 1 for r in body["requests"])
    assert body["requests"][0]["windows"][0] == {
        "start": "2026-12-01T12:00:00Z",
        "end": "2026-12-01T18:00:00Z",
    }
    submitted = submitter.client.post("/api/requestgroups/", body, format="json")
    assert submitted.status_code == 201, submitted.json()


def test_cadence_with_no_visible_window_is_refused(submitter: Persona) -> None:
    group = _cadence_group("2026-12-01T12:00:00Z", "2026-12-01T13:00:00Z", 0.5, 0.02)
    response = submitter.client.post("/api/requestgroups/cadence/", group, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": "No visible requests within cadence window parameters"}


def test_cadence_rejects_windows_and_bad_periods(submitter: Persona) -> None:
    group = _cadence_group("2026-12-01T12:00:00Z", "2026-12-03T12:00:00Z", 0.01, 12)
    response = submitter.client.post("/api/requestgroups/cadence/", group, format="json")
    assert response.status_code == 400
    assert "period" in response.json()["requests"][0]["cadence"]
    with_windows = _cadence_group("2026-12-01T12:00:00Z", "2026-12-03T12:00:00Z", 24, 12)
    with_windows["requests"][0]["windows"] = [{"end": "2026-12-02T00:00:00Z"}]
    response = submitter.client.post("/api/requestgroups/cadence/", with_windows, format="json")
    assert response.json() == {
        "requests": [{"windows": ["Cadence requests may not contain windows"]}]
    }


def test_submit_refuses_a_cadence_request(submitter: Persona) -> None:
    group = imaging_group()
    group["requests"][0]["cadence"] = {"period": 1}
    response = submitter.client.post("/api/requestgroups/", group, format="json")
    assert response.json()["requests"][0]["cadence"] == [
        "Please use the cadence endpoint to expand your cadence request"
    ]


def test_dither_repeats_instrument_configs_offset_major(submitter: Persona) -> None:
    configuration = copy.deepcopy(imaging_group()["requests"][0]["configurations"][0])
    body = {"configuration": configuration, "pattern": "line", "num_points": 3, "point_spacing": 5}
    response = submitter.client.post("/api/configurations/dither", body, format="json")
    assert response.status_code == 200, response.json()
    result = response.json()
    offsets = [
        (ic["extra_params"]["offset_ra"], ic["extra_params"]["offset_dec"])
        for ic in result["instrument_configs"]
    ]
    assert offsets == [(0, 0), (0, 5), (0, 10)]
    assert result["extra_params"]["dither_pattern"] == "line"


def test_dither_needs_num_points_for_a_line(submitter: Persona) -> None:
    configuration = imaging_group()["requests"][0]["configurations"][0]
    body = {"configuration": configuration, "pattern": "line", "point_spacing": 5}
    response = submitter.client.post("/api/configurations/dither/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Must specify num_points when selecting a line or spiral pattern"]
    }


def test_mosaic_grid_moves_the_target(submitter: Persona) -> None:
    request = imaging_group()["requests"][0]
    body = {
        "request": request,
        "pattern": "grid",
        "num_rows": 2,
        "num_columns": 2,
        "point_spacing": 3600,
    }
    response = submitter.client.post("/api/requests/mosaic/", body, format="json")
    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["extra_params"]["mosaic_pattern"] == "grid"
    decs = [c["target"]["dec"] for c in result["configurations"]]
    assert decs == pytest.approx([-19.411, -18.411, -18.411, -19.411])


def test_mosaic_requires_a_spacing_or_overlap(submitter: Persona) -> None:
    request = imaging_group()["requests"][0]
    response = submitter.client.post(
        "/api/requests/mosaic/",
        {"request": request, "pattern": "line", "num_points": 2},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Must specify one of point_spacing or point_overlap_percent"]
    }


def test_airmass_is_sampled_every_ten_minutes_per_site(
    anonymous_client: APIClient, submitter: Persona
) -> None:
    request = imaging_group()["requests"][0]
    body = anonymous_client.post("/api/airmass/", request, format="json").json()
    assert body["airmass_limit"] == 2.0
    assert body["airmass_data"]
    for site, data in body["airmass_data"].items():
        assert len(data["times"]) == len(data["airmasses"]) > 0
        assert all(1.0 <= a <= 2.0 + 1e-3 for a in data["airmasses"]), site
        assert len(data["times"][0]) == len("2026-12-01T12:00")


def test_cadence_end_before_start_names_both(submitter: Persona) -> None:
    group = _cadence_group("2026-12-03T12:00:00Z", "2026-12-02T12:00:00Z", 24, 12)
    response = submitter.client.post("/api/requestgroups/cadence/", group, format="json")
    assert response.status_code == 400
    assert response.json()["requests"][0]["cadence"] == {
        "non_field_errors": [
            "Cadence end '2026-12-02 12:00:00+00:00' cannot be earlier than cadence start "
            "'2026-12-03 12:00:00+00:00'."
        ]
    }


@pytest.mark.parametrize("path", ["/api/requests/mosaic/", "/api/configurations/dither/"])
def test_grid_patterns_need_rows_and_columns(submitter: Persona, path: str) -> None:
    request = imaging_group()["requests"][0]
    body: dict[str, Any] = {"pattern": "grid", "num_rows": 2, "point_spacing": 10}
    if "mosaic" in path:
        body["request"] = request
    else:
        body["configuration"] = request["configurations"][0]
    response = submitter.client.post(path, body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Must specify num_rows and num_columns when selecting a grid pattern"]
    }
