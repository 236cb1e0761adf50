"""``POST /api/telescope_states/``: the site software reports telescope states (staff only)."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from openocs.portal.conftest import Persona
from openocs.portal.telescopestates.models import TelescopeStateSample

URL = "/api/telescope_states/"


def _report(**changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "telescope": "lsc.doma.1m0a",
        "event_type": "NOT_OK_TO_OPEN",
        "event_reason": "Weather: High humidity",
        "start": "2030-01-01T00:00:00Z",
    }
    report.update(changes)
    return report


def test_staff_report_one_state_and_get_it_back_with_its_id(
    network: None, staff_user: Persona
) -> None:
    response = staff_user.client.post(URL, _report(end="2030-01-01T01:00:00Z"), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "telescope": "lsc.doma.1m0a",
        "event_type": "NOT_OK_TO_OPEN",
        "event_reason": "Weather: High humidity",
        "start": "2030-01-01T00:00:00Z",
        "end": "2030-01-01T01:00:00Z",
    }
    sample = TelescopeStateSample.objects.get()
    assert sample.site == "lsc" and sample.end is not None


def test_staff_report_a_list_of_states_in_one_call(network: None, staff_user: Persona) -> None:
    reports = [
        _report(),
        _report(telescope="coj.clma.2m0a", event_type="AVAILABLE", event_reason="Available"),
    ]
    response = staff_user.client.post(URL + "?", reports, format="json")
    assert response.status_code == 201
    assert [row["telescope"] for row in response.json()] == ["lsc.doma.1m0a", "coj.clma.2m0a"]
    assert [row["end"] for row in response.json()] == [None, None]
    assert TelescopeStateSample.objects.count() == 2


def test_a_list_with_one_bad_item_stores_nothing_and_names_the_field_per_index(
    network: None, staff_user: Persona
) -> None:
    reports = [
        _report(),
        _report(event_type="RAINING"),
        _report(),
        _report(start="2030-01-01T02:00:00Z", end="2030-01-01T01:00:00Z"),
    ]
    response = staff_user.client.post(URL, reports, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors[0] == {} and errors[2] == {}
    assert list(errors[1]) == ["event_type"]
    assert errors[3] == {"end": ["end must be after start."]}
    assert not TelescopeStateSample.objects.exists()


def test_a_report_missing_a_field_names_it(network: None, staff_user: Persona) -> None:
    report = _report()
    del report["start"]
    response = staff_user.client.post(URL, report, format="json")
    assert response.status_code == 400
    assert response.json() == {"start": ["This field is required."]}


def test_an_unknown_telescope_is_refused(network: None, staff_user: Persona) -> None:
    response = staff_user.client.post(
        URL, [_report(), _report(telescope="lsc.doma.9m9z")], format="json"
    )
    assert response.status_code == 400
    assert response.json()[0] == {}
    assert "Unknown telescope 'lsc.doma.9m9z'" in response.json()[1]["telescope"][0]
    assert not TelescopeStateSample.objects.exists()


def test_reports_are_refused_with_503_while_configdb_is_down(
    configdb_down: None, staff_user: Persona
) -> None:
    response = staff_user.client.post(URL, _report(), format="json")
    assert response.status_code == 503
    assert not TelescopeStateSample.objects.exists()


def test_only_staff_may_report(
    network: None, anonymous_client: APIClient, outsider: Persona
) -> None:
    assert anonymous_client.post(URL, _report(), format="json").status_code == 401
    assert outsider.client.post(URL, _report(), format="json").status_code == 403
    assert outsider.client.post(URL.rstrip("/"), _report(), format="json").status_code == 403
    assert not TelescopeStateSample.objects.exists()
