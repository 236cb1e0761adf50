"""The Compose page's services against the demo network: choices, the verdict and the plots."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from openocs.portal.conftest import Persona
from openocs.portal.requestgroups.compose.choices import compose_choices
from openocs.portal.requestgroups.compose.document import blank_group, document_from_form
from openocs.portal.requestgroups.compose.feedback import feedback_for
from openocs.portal.requestgroups.compose.form import build_form
from openocs.portal.requestgroups.compose.plots import (
    applied_dither_offsets,
    applied_mosaic_offsets,
    group_visibility_figure,
    pattern_figure,
    visibility_figure,
)
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.expansion import offsets_for
from openocs.portal.requestgroups.serializers import RequestSerializer
from openocs.portal.requestgroups.tests.conftest import NOW, SINISTRO, imaging_group
from openocs.portal.requestgroups.validation import requestgroup_validate

pytestmark = pytest.mark.django_db


def test_offers_the_proposals_and_only_the_allocated_instruments(submitter: Persona) -> None:
    choices = compose_choices(user=submitter.user, proposal_id="LCO2026B-001")
    assert choices.proposals == [("LCO2026B-001", "LCO2026B-001 — Supernovae")]
    assert list(choices.instruments) == [SINISTRO]
    sinistro = choices.instruments[SINISTRO]
    assert sinistro.telescope_class == "1m0"
    assert ("EXPOSE", "Exposure") in sinistro.configuration_types or "EXPOSE" in dict(
        sinistro.configuration_types
    )
    assert "V" in dict(sinistro.optical_element_groups["filter"])
    assert "central_2k_2x2" in dict(sinistro.readout_modes)
    assert choices.telescope_classes == ["1m0"]
    assert "coj" in choices.sites
    assert compose_choices(user=submitter.user, proposal_id="").instruments == {}


def test_a_valid_group_shows_every_duration(submitter: Persona) -> None:
    group = imaging_group()
    validation = requestgroup_validate(data=group, user=submitter.user)
    feedback = feedback_for(group, validation)
    assert feedback.is_valid
    assert set(feedback.durations) == {"requests.0", "requests.0.configurations.0"}
    assert feedback.total_duration == feedback.durations["requests.0"]
    assert feedback.total_duration.endswith(" s")


def test_an_error_in_one_request_leaves_the_others_durations(submitter: Persona) -> None:
    group = imaging_group(operator="MANY")
    broken = copy.deepcopy(group["requests"][0])
    broken["configurations"][0]["instrument_configs"][0]["exposure_time"] = "long"
    group["requests"].append(broken)
    validation = requestgroup_validate(data=group, user=submitter.user)
    feedback = feedback_for(group, validation)
    assert feedback.errors == {
        "requests.1.configurations.0.instrument_configs.0.exposure_time": [
            "Please enter a number (for example 30 or 12.5)."
        ]
    }
    assert "requests.0" in feedback.durations and "requests.1" not in feedback.durations
    assert feedback.total_duration == feedback.durations["requests.0"]


def test_a_blank_page_round_trips_through_the_form(submitter: Persona) -> None:
    document = blank_group(
        now=NOW, proposal="LCO2026B-001", instrument_type=SINISTRO, telescope_class="1m0"
    )
    document["name"] = "round trip"
    document["requests"][0]["configurations"][0]["target"].update(
        name="ngc1300", ra=49.92, dec=-19.41
    )
    document["requests"][0]["configurations"][0]["instrument_configs"][0]["optical_elements"] = {
        "filter": "V"
    }
    document["requests"][0]["configurations"][0]["instrument_configs"][0]["extra_params"] = {
        "offset_ra": 5.0
    }
    choices = compose_choices(user=submitter.user, proposal_id="LCO2026B-001")
    form = build_form(document, choices, {})
    posted: list[tuple[str, str]] = []
    for field in _all_fields(form):
        posted.append((field.name, field.value))
    posted.extend(form.hidden)
    again = document_from_form(posted)
    validation = requestgroup_validate(data=again, user=submitter.user)
    assert validation.errors == {}
    ic = again["requests"][0]["configurations"][0]["instrument_configs"][0]
    assert ic["extra_params"] == {"offset_ra": 5.0}  # kept through a hidden input
    assert again["requests"][0]["windows"] == document["requests"][0]["windows"]


def _all_fields(form: Any) -> list[Any]:
    fields = list(form.fields)
    for request in form.requests:
        fields += request.fields + request.location + request.more
        for window in request.windows:
            fields += window.fields
        for configuration in request.configurations:
            fields += configuration.fields + configuration.target.fields + configuration.target.more
            for section in (
                configuration.constraints,
                configuration.acquisition,
                configuration.guiding,
            ):
                fields += section.fields + section.more
            for exposure in configuration.exposures:
                fields += exposure.fields
    return fields


def test_the_visibility_figure_has_a_panel_per_site_with_the_limit_and_the_night(
    submitter: Persona,
) -> None:
    ocs = ValidationContext(user=submitter.user)
    serializer = RequestSerializer(data=imaging_group()["requests"][0], context={"ocs": ocs})
    assert serializer.is_valid(), serializer.errors
    figure = visibility_figure(serializer.validated_data, ocs)
    assert figure is not None
    curves = [trace for trace in figure["data"] if trace["name"].endswith("airmass")]
    sites = [trace["name"].split()[0] for trace in curves]
    assert sites and sites == sorted(sites)
    observable = [trace for trace in figure["data"] if trace["name"] == "observable"]
    assert any(value is not None for trace in observable for value in trace["y"])
    limits = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "line"]
    assert {shape["y0"] for shape in limits} == {2.0}
    assert any(shape["type"] == "rect" for shape in figure["layout"]["shapes"])
    for trace in curves:  # airmass is at least 1 and the plot hides the target below 3
        assert all(value is None or 1.0 <= value <= 3.0 for value in trace["y"])


def test_no_figure_for_a_target_type_without_an_airmass(submitter: Persona) -> None:
    ocs = ValidationContext(user=submitter.user)
    request = imaging_group()["requests"][0]
    request["configurations"][0]["target"] = {
        "type": "HOUR_ANGLE",
        "name": "ha",
        "hour_angle": 1,
        "dec": -20,
    }
    serializer = RequestSerializer(data=request, context={"ocs": ocs})
    if serializer.is_valid():
        assert visibility_figure(serializer.validated_data, ocs) is None


def test_the_pattern_figure_numbers_every_pointing() -> None:
    offsets = offsets_for(
        {
            "pattern": "grid",
            "num_rows": 2,
            "num_columns": 3,
            "point_spacing": 10.0,
            "orientation": 0.0,
            "center": True,
        }
    )
    figure = pattern_figure(offsets, title="grid")
    assert figure["data"][0]["text"] == ["1", "2", "3", "4", "5", "6"]
    assert len(figure["data"][0]["x"]) == 6


def test_the_chosen_modes_ask_for_the_parameters_their_schemas_describe(
    submitter: Persona, proposal: Any, semester: Any
) -> None:
    from openocs.portal.proposals import accounting

    floyds = "2M0-FLOYDS-SCICAM"
    accounting.allocation_create(
        proposal=proposal, semester=semester, instrument_types=[floyds], std_allocation=10.0
    )
    document = imaging_group()
    configuration = document["requests"][0]["configurations"][0]
    configuration.update(
        type="SPECTRUM",
        instrument_type=floyds,
        acquisition_config={"mode": "BRIGHTEST", "extra_params": {"acquire_radius": "5"}},
        instrument_configs=[
            {
                "exposure_time": 60,
                "exposure_count": 1,
                "rotator_mode": "SKY",
                "extra_params": {"rotator_angle": "30"},
                "optical_elements": {"slit": "slit_2.0as"},
            }
        ],
    )
    document["requests"][0]["location"] = {"telescope_class": "2m0"}
    choices = compose_choices(user=submitter.user, proposal_id="LCO2026B-001")
    form = build_form(document, choices, {})
    names = {field.name for field in _all_fields(form)}
    prefix = "g.requests.0.configurations.0"
    assert f"{prefix}.acquisition_config.extra_params.acquire_radius" in names
    assert f"{prefix}.instrument_configs.0.extra_params.rotator_angle" in names
    assert f"{prefix}.instrument_configs.0.extra_params.defocus" in names  # the type's own
    posted = [(field.name, field.value) for field in _all_fields(form)] + form.hidden
    validation = requestgroup_validate(data=document_from_form(posted), user=submitter.user)
    assert validation.errors == {}


def test_muscat_offers_its_exposure_modes_and_their_channel_times(
    submitter: Persona, proposal: Any, semester: Any
) -> None:
    from openocs.portal.proposals import accounting

    muscat = "2M0-SCICAM-MUSCAT"
    accounting.allocation_create(
        proposal=proposal, semester=semester, instrument_types=[muscat], std_allocation=10.0
    )
    document = imaging_group()
    configuration = document["requests"][0]["configurations"][0]
    configuration["instrument_type"] = muscat
    configuration["instrument_configs"][0]["extra_params"] = {"exposure_mode": "ASYNCHRONOUS"}
    choices = compose_choices(user=submitter.user, proposal_id="LCO2026B-001")
    names = {field.name for field in _all_fields(build_form(document, choices, {}))}
    prefix = "g.requests.0.configurations.0.instrument_configs.0.extra_params"
    assert f"{prefix}.exposure_mode" in names
    assert f"{prefix}.exposure_time_g" in names and f"{prefix}.exposure_time_z" in names


def test_the_applied_dither_and_mosaic_offsets_are_read_back_from_the_document(
    submitter: Persona,
) -> None:
    from openocs.portal.requestgroups.expansion import expand_dither, expand_mosaic

    ocs = ValidationContext(user=submitter.user)
    request = imaging_group()["requests"][0]
    configuration = request["configurations"][0]
    assert applied_dither_offsets(configuration) == []
    grid = {"pattern": "grid", "num_rows": 2, "num_columns": 3, "orientation": 0, "center": False}
    expected = offsets_for({**grid, "point_spacing": 10, "line_spacing": 10})
    dithered = expand_dither({**grid, "point_spacing": 10, "configuration": configuration}, ocs)
    applied = applied_dither_offsets(dithered)
    assert len(applied) == 6
    for (x, y), (ex, ey) in zip(applied, expected, strict=True):
        assert x == pytest.approx(ex, abs=1e-3) and y == pytest.approx(ey, abs=1e-3)

    assert applied_mosaic_offsets(request) == []
    expected = offsets_for({**grid, "point_spacing": 600, "line_spacing": 600})
    mosaic = expand_mosaic({**grid, "point_spacing": 600, "request": request}, ocs)
    applied = applied_mosaic_offsets(mosaic)
    assert len(applied) == 6
    for (x, y), (ex, ey) in zip(applied, expected, strict=True):  # from the first pointing
        assert x == pytest.approx(ex - expected[0][0], abs=0.5)
        assert y == pytest.approx(ey - expected[0][1], abs=0.01)


def test_the_visibility_figure_draws_every_request_in_its_own_windows(
    submitter: Persona,
) -> None:
    ocs = ValidationContext(user=submitter.user)
    first = imaging_group()["requests"][0]
    second = copy.deepcopy(first)
    second["windows"] = [{"start": "2026-12-10T12:00:00Z", "end": "2026-12-14T12:00:00Z"}]
    second["configurations"][0]["constraints"]["max_airmass"] = 1.5
    validated = []
    for number, request in ((1, first), (2, second)):
        serializer = RequestSerializer(data=request, context={"ocs": ocs})
        assert serializer.is_valid(), serializer.errors
        validated.append((number, serializer.validated_data))
    figure = group_visibility_figure(validated, ocs)
    assert figure is not None and figure["layout"]["showlegend"]
    named = {t["name"] for t in figure["data"] if t.get("showlegend")}
    assert named == {"Request 1", "Request 2"}
    x = figure["data"][0]["x"]
    assert x[0].startswith("2026-12-01") and x[-1].startswith("2026-12-14")
    for trace in figure["data"]:  # each request only inside its own windows
        drawn = [t for t, y in zip(trace["x"], trace["y"], strict=True) if y is not None]
        if trace["legendgroup"] == "Request 1":
            assert all(t <= "2026-12-08T12:00:00Z" for t in drawn)
        else:
            assert all(t >= "2026-12-10T12:00:00Z" for t in drawn)
    limits = {shape["y0"] for shape in figure["layout"]["shapes"] if shape["type"] == "line"}
    assert limits == {1.5, 2.0}
