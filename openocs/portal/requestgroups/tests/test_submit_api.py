"""POST /api/requestgroups/ and /validate/ (portal-api.md §4, §10.2, §10.3)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona
from openocs.portal.proposals.models import TimeAllocation
from openocs.portal.requestgroups.models import RequestGroup
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group

pytestmark = pytest.mark.django_db


def test_validate_reports_durations_and_no_errors(submitter: Persona) -> None:
    response = submitter.client.post("/api/requestgroups/validate/", imaging_group(), format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["errors"] == {}
    request = body["request_durations"]["requests"][0]
    # 2 × (30 + 27 readout + 1 fixed) = 116; + 16 config padding = 132
    assert request["configurations"][0]["instrument_configs"][0]["duration"] == pytest.approx(116)
    assert request["configurations"][0]["duration"] == pytest.approx(132)
    assert request["largest_interval"] > 3600
    assert body["request_durations"]["duration"] == request["duration"]


def test_submit_stores_a_normalised_group_and_answers_the_detail_shape(
    submitter: Persona,
) -> None:
    response = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "PENDING"
    assert body["submitter"] == "carol"
    request = body["requests"][0]
    assert set(request) >= {"id", "created", "duration", "acceptability_threshold", "windows"}
    configuration = request["configurations"][0]
    assert configuration["priority"] == 1
    ic = configuration["instrument_configs"][0]
    assert ic["optical_elements"] == {"filter": "V"}  # canonical spelling (§3.10 item 3)
    assert ic["mode"] == "full_frame"  # readout default filled
    assert ic["extra_params"] == {"bin_x": 1, "bin_y": 1}  # mode schema defaults
    assert ic["exposure_count"] == 2  # numeric string coerced
    assert configuration["target"]["proper_motion_ra"] == 0.0  # null means default
    assert configuration["acquisition_config"]["mode"] == "OFF"
    assert request["acceptability_threshold"] == 90.0
    assert request["windows"][0]["start"] == "2026-12-01T12:00:00Z"  # no offset means UTC
    assert RequestGroup.objects.count() == 1


def test_submission_debits_ipp_through_the_ledger(submitter: Persona) -> None:
    before = TimeAllocation.objects.get().ipp_time_available
    response = submitter.client.post(
        "/api/requestgroups/", imaging_group(ipp_value=1.5), format="json"
    )
    assert response.status_code == 201, response.json()
    duration_h = response.json()["requests"][0]["duration"] / 3600
    after = TimeAllocation.objects.get().ipp_time_available
    assert before - after == pytest.approx(duration_h * 0.5, rel=1e-6)


def _errors(client: APIClient, payload: dict[str, Any]) -> Any:
    response = client.post("/api/requestgroups/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert RequestGroup.objects.count() == 0
    return response.json()


def test_unknown_instrument_type_names_the_valid_ones(submitter: Persona) -> None:
    payload = imaging_group()
    payload["requests"][0]["configurations"][0]["instrument_type"] = "2M0-NOPE"
    errors = _errors(submitter.client, payload)
    message = errors["requests"][0]["configurations"][0]["instrument_type"][0]
    assert message.startswith("Invalid instrument type 2M0-NOPE. Valid instruments may include: ")
    assert SINISTRO in message


def test_unknown_filter_is_reported_on_the_configuration(submitter: Persona) -> None:
    payload = imaging_group()
    payload["requests"][0]["configurations"][0]["instrument_configs"][0]["optical_elements"] = {
        "filter": "purple"
    }
    errors = _errors(submitter.client, payload)
    assert errors["requests"][0]["configurations"][0]["non_field_errors"] == [
        "optical element purple of type filter is not available"
    ]


def test_missing_filter_is_required_for_expose(submitter: Persona) -> None:
    payload = imaging_group()
    payload["requests"][0]["configurations"][0]["instrument_configs"][0]["optical_elements"] = {}
    errors = _errors(submitter.client, payload)
    assert errors["requests"][0]["configurations"][0]["non_field_errors"] == [
        f"Must set optical element of type filter for instrument type {SINISTRO}"
    ]


def test_bad_readout_mode_is_named(submitter: Persona) -> None:
    payload = imaging_group()
    payload["requests"][0]["configurations"][0]["instrument_configs"][0]["mode"] = "fast"
    errors = _errors(submitter.client, payload)
    assert errors["requests"][0]["configurations"][0]["non_field_errors"] == [
        f"Readout mode fast is not available for instrument type {SINISTRO}"
    ]


def test_window_end_in_the_past_and_before_start(submitter: Persona) -> None:
    payload = imaging_group()
    payload["requests"][0]["windows"] = [{"start": "2026-12-01", "end": "2026-11-01T00:00:00Z"}]
    errors = _errors(submitter.client, payload)
    assert errors["requests"][0]["windows"][0]["end"] == ["Window end time must be in the future"]
    payload["requests"][0]["windows"] = [
        {"start": "2026-12-05T00:00:00Z", "end": "2026-12-04T00:00:00Z"}
    ]
    errors = _errors(submitter.client, payload)
    assert errors["requests"][0]["windows"][0]["non_field_errors"] == [
        "Window end '2026-12-04 00:00:00+00:00' cannot be earlier than window start "
        "'2026-12-05 00:00:00+00:00'"
    ]


def test_window_outside_every_semester(submitter: Persona) -> None:
    payload = imaging_group()
    payload["requests"][0]["windows"] = [
        {"start": "2027-03-01T00:00:00Z", "end": "2027-03-02T00:00:00Z"}
    ]
    errors = _errors(submitter.client, payload)
    assert errors["requests"][0]["windows"][0]["non_field_errors"] == [
        "The observation window does not fit within any defined semester."
    ]


def test_target_never_visible_is_rejected_with_the_contract_message(submitter: Persona) -> None:
    payload = imaging_group()
    # dec +89 is never above airmass 2.0 from the southern and equatorial 1m0 sites… but the
    # northern ones see it: pick a window too short to be dark anywhere instead.
    payload["requests"][0]["windows"] = [
        {"start": "2026-12-01T12:00:00Z", "end": "2026-12-01T12:05:00Z"}
    ]
    payload["requests"][0]["configurations"][0]["target"]["dec"] = 89.0
    errors = _errors(submitter.client, payload)
    assert errors["requests"][0]["non_field_errors"][0].startswith(
        "According to the constraints of the request, the target will"
    )


def test_group_rules_membership_ipp_and_operator(submitter: Persona, outsider: Persona) -> None:
    errors = _errors(outsider.client, imaging_group())
    assert errors == {
        "non_field_errors": ["You do not belong to the proposal you are trying to submit with"]
    }
    errors = _errors(submitter.client, imaging_group(ipp_value=2.5))
    assert errors == {"non_field_errors": ["requestgroups ipp_value must be >= 0.5, <= 2.0"]}
    many = imaging_group(operator="MANY")
    errors = _errors(submitter.client, many)
    assert errors == {
        "non_field_errors": ["'Many' type requestgroups must have more than one child request."]
    }


def test_missing_allocation_for_the_observation_type(submitter: Persona) -> None:
    TimeAllocation.objects.update(std_allocation=0.0)
    errors = _errors(submitter.client, imaging_group())
    assert errors == {
        "non_field_errors": [
            f"Proposal LCO2026B-001 does not have any NORMAL time left allocated in semester "
            f"2026B on {SINISTRO} instruments"
        ]
    }


def test_ipp_beyond_the_available_time_quotes_the_maximum(submitter: Persona) -> None:
    TimeAllocation.objects.update(ipp_time_available=0.0)
    errors = _errors(submitter.client, imaging_group(ipp_value=2.0))
    message = errors["non_field_errors"][0]
    assert message.startswith('TimeAllocationError("An IPP Value of 2.0 requires more IPP time')
    assert (
        f"with the {SINISTRO} . Please lower your IPP Value to <= 1.0 and submit again." in message
    )


def test_field_errors_are_collected_together(submitter: Persona) -> None:
    payload = imaging_group(name="")
    payload["requests"][0]["configurations"][0]["instrument_configs"][0]["exposure_count"] = 2.5
    payload["requests"][0]["configurations"][0]["target"]["dec"] = None
    errors = _errors(submitter.client, payload)
    assert errors["name"] == ["Please provide a name."]
    configuration = errors["requests"][0]["configurations"][0]
    assert configuration["instrument_configs"][0]["exposure_count"] == [
        "A valid integer is required."
    ]
    assert configuration["target"]["dec"] == ["This field is required"]


def test_unknown_fields_are_ignored_and_not_stored(submitter: Persona) -> None:
    payload = imaging_group(group_id="ampel-123")
    payload["requests"][0]["configurations"][0]["constraints"]["max_lunar_distance"] = 5
    response = submitter.client.post("/api/requestgroups/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert "group_id" not in response.json()


def test_anonymous_submission_gets_401(anonymous_client: APIClient, network: None) -> None:
    response = anonymous_client.post("/api/requestgroups/", imaging_group(), format="json")
    assert response.status_code == 401


def test_validate_returns_the_same_tree_as_a_failed_submit(submitter: Persona) -> None:
    payload = imaging_group(ipp_value=3)
    validated = submitter.client.post("/api/requestgroups/validate/", payload, format="json")
    submitted = submitter.client.post("/api/requestgroups/", copy.deepcopy(payload), format="json")
    assert validated.status_code == 200
    assert validated.json()["request_durations"] == {}
    assert validated.json()["errors"] == submitted.json()


def test_member_time_limit_counts_pending_requests(submitter: Persona) -> None:
    from openocs.portal.proposals.models import Membership

    assert (
        submitter.client.post("/api/requestgroups/", imaging_group(), format="json").status_code
        == 201
    )
    membership = Membership.objects.get(user=submitter.user)
    membership.time_limit = 300  # seconds; one group already uses ~230 s
    membership.save()
    errors = _errors_after_first(submitter.client, imaging_group())
    assert errors == {
        "non_field_errors": [
            "This request's duration will exceed the time limit set for your account on this "
            "proposal."
        ]
    }


def _errors_after_first(client: APIClient, payload: dict[str, Any]) -> Any:
    response = client.post("/api/requestgroups/", payload, format="json")
    assert response.status_code == 400, response.json()
    return response.json()
