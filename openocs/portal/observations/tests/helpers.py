"""Small helpers for the issue-6 tests: submit through the API, schedule like the scheduler,
report like a site (pyobs-core's PATCHes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from openocs.portal.conftest import Persona
from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.requestgroups.configuration import load_portal_configuration
from openocs.portal.requestgroups.models import Location, Request, RequestGroup, Window
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sinistro_at(site: str) -> tuple[str, str, str, str, str]:
    """(site, enclosure, telescope, instrument, autoguider) of a schedulable Sinistro."""
    for site_doc in load_portal_configuration().sites:
        if site_doc["code"] != site:
            continue
        for enclosure in site_doc["enclosure_set"]:
            for telescope in enclosure["telescope_set"]:
                for instrument in telescope["instrument_set"]:
                    if (
                        instrument["instrument_type"]["code"] == SINISTRO
                        and instrument["state"] == "SCHEDULABLE"
                    ):
                        return (
                            site,
                            enclosure["code"],
                            telescope["code"],
                            instrument["code"],
                            instrument["autoguider_camera"]["code"],
                        )
    raise AssertionError(f"no Sinistro at {site}")


def submit(persona: Persona, **changes: Any) -> dict[str, Any]:
    response = persona.client.post("/api/requestgroups/", imaging_group(**changes), format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def schedule(
    staff: Persona, request: dict[str, Any], start: datetime, *, site: str = "lsc"
) -> dict[str, Any]:
    """Bulk-create one observation of ``request`` at ``start``; returns its full shape."""
    code, enclosure, telescope, instrument, guider = sinistro_at(site)
    body = [
        {
            "request": request["id"],
            "site": code,
            "enclosure": enclosure,
            "telescope": telescope,
            "start": iso(start),
            "end": iso(start + timedelta(seconds=request["duration"])),
            "priority": 10,
            "configuration_statuses": [
                {
                    "configuration": c["id"],
                    "instrument_name": instrument,
                    "guide_camera_name": guider,
                }
                for c in request["configurations"]
            ],
        }
    ]
    response = staff.client.post("/api/observations/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["errors"] == {}, response.json()
    found = staff.client.get(
        f"/api/observations/?request_id={request['id']}&start_after={iso(start)}"
        f"&start_before={iso(start + timedelta(seconds=1))}"
    ).json()["results"]
    assert len(found) == 1
    observation: dict[str, Any] = found[0]
    return observation


def status_ids(observation: dict[str, Any]) -> list[int]:
    return [c["configuration_status"] for c in observation["request"]["configurations"]]


def report(
    staff: Persona,
    status_id: int,
    *,
    state: str,
    start: datetime,
    seconds: float,
    time_completed: float,
    reason: str = "",
) -> dict[str, Any]:
    """The site's final PATCH of one configuration status, with its summary."""
    response = staff.client.patch(
        f"/api/configurationstatus/{status_id}/",
        {
            "state": state,
            "summary": {
                "start": iso(start),
                "end": iso(start + timedelta(seconds=seconds)),
                "state": state,
                "reason": reason,
                "time_completed": time_completed,
                "events": {},
            },
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def make_observation(
    proposal: Any,
    user: Any,
    name: str,
    *,
    start: datetime = datetime(2030, 1, 1, 2, tzinfo=UTC),
    minutes: int = 10,
    telescope: tuple[str, str, str] = ("lsc", "doma", "1m0a"),
    observation_type: str = "NORMAL",
    state: str = "PENDING",
) -> Observation:
    """A request group with one request and one observation, written straight to the database
    (for reads: the admin, the schedule page), skipping the submission rules."""
    group = RequestGroup.objects.create(
        submitter=user,
        proposal=proposal,
        name=name,
        observation_type=observation_type,
        operator="SINGLE",
        ipp_value=1.0,
    )
    request = Request.objects.create(request_group=group, duration=60 * minutes)
    Location.objects.create(request=request, telescope_class="1m0")
    Window.objects.create(request=request, start=start, end=start + timedelta(days=1))
    site, enclosure, code = telescope
    observation = Observation.objects.create(
        request=request,
        site=site,
        enclosure=enclosure,
        telescope=code,
        start=start,
        end=start + timedelta(minutes=minutes),
        state=state,
    )
    ConfigurationStatus.objects.create(observation=observation, instrument_name="fa03")
    return observation
