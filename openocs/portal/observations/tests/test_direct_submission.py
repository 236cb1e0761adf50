"""``POST``/``GET /api/schedule/`` (spec portal §15): the rules with their messages, atomic
creation of group + request + observation + statuses, and ``last_scheduled``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from openocs.portal.conftest import Persona
from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.observations.tests.helpers import iso, sinistro_at
from openocs.portal.proposals.models import Proposal
from openocs.portal.requestgroups.models import Request, RequestGroup
from openocs.portal.requestgroups.tests.conftest import SINISTRO

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct_proposal(proposal: Proposal) -> Proposal:
    proposal.direct_submission = True
    proposal.save(update_fields=["direct_submission"])
    return proposal


def _configuration(**changes: Any) -> dict[str, Any]:
    configuration: dict[str, Any] = {
        "type": "EXPOSE",
        "instrument_type": SINISTRO,
        "target": {"type": "ICRS", "name": "m42", "ra": 83.82, "dec": -5.39},
        "constraints": {"max_airmass": 2.0},
        "acquisition_config": {},
        "guiding_config": {"mode": "OFF"},
        "instrument_configs": [
            {"exposure_time": 10, "exposure_count": 2, "optical_elements": {"filter": "rp"}}
        ],
    }
    configuration.update(changes)
    return configuration


def _body(now: datetime, **changes: Any) -> dict[str, Any]:
    site, enclosure, telescope, instrument, _ = sinistro_at("lsc")
    body: dict[str, Any] = {
        "proposal": "LCO2026B-001",
        "name": "focus test",
        "site": site,
        "enclosure": enclosure,
        "telescope": telescope,
        "start": iso(now + timedelta(hours=1)),
        "end": iso(now + timedelta(hours=1, minutes=10)),
        "priority": 10,
        "request": {
            "acceptability_threshold": 90,
            "observation_note": "",
            "configurations": [_configuration(instrument_name=instrument)],
        },
    }
    body.update(changes)
    return body


def _errors(persona: Persona, body: Any) -> Any:
    response = persona.client.post("/api/schedule/", body, format="json")
    assert response.status_code == 400, response.json()
    assert not Observation.objects.exists()
    assert not RequestGroup.objects.exists()
    return response.json()


def test_creates_a_direct_group_request_observation_and_statuses(
    submitter: Persona, direct_proposal: Proposal, staff_view_user: Persona, frozen_now: datetime
) -> None:
    before = staff_view_user.client.get("/api/last_scheduled/?site=lsc").json()
    body = _body(frozen_now)
    body["request"]["configuration_repeats"] = 2
    response = submitter.client.post("/api/schedule/", body, format="json")
    assert response.status_code == 201, response.json()
    shown = response.json()
    group = RequestGroup.objects.get()
    assert (group.observation_type, group.operator, group.ipp_value) == ("DIRECT", "SINGLE", 1.0)
    request = Request.objects.get()
    assert request.duration == 600
    observation = Observation.objects.get()
    statuses = list(ConfigurationStatus.objects.filter(observation=observation).order_by("id"))
    assert len(statuses) == 2  # one per configuration per repeat
    assert {s.instrument_name for s in statuses} == {sinistro_at("lsc")[3]}
    assert {s.guide_camera_name for s in statuses} == {""}  # guiding and acquisition OFF
    assert shown["id"] == observation.id
    assert shown["observation_type"] == "DIRECT"
    assert shown["request_group_id"] == group.id
    assert shown["proposal"] == "LCO2026B-001"
    assert shown["state"] == "PENDING"
    assert [c["configuration_status"] for c in shown["request"]["configurations"]] == [
        s.id for s in statuses
    ]
    after = staff_view_user.client.get("/api/last_scheduled/?site=lsc").json()
    assert after["last_schedule_time"] > before["last_schedule_time"]
    listed = submitter.client.get("/api/schedule/?site=lsc").json()
    assert [o["id"] for o in listed["results"]] == [observation.id]
    assert submitter.client.get(f"/api/schedule/{observation.id}/").json() == listed["results"][0]


def test_the_instrument_and_guide_camera_are_defaulted_on_the_telescope(
    submitter: Persona, direct_proposal: Proposal, frozen_now: datetime
) -> None:
    _, _, _, instrument, autoguider = sinistro_at("lsc")
    body = _body(frozen_now)
    body["request"]["configurations"] = [_configuration(guiding_config={"mode": "ON"})]
    response = submitter.client.post("/api/schedule/", body, format="json")
    assert response.status_code == 201, response.json()
    status = ConfigurationStatus.objects.get()
    assert (status.instrument_name, status.guide_camera_name) == (instrument, autoguider)


def test_time_and_telescope_rules(
    submitter: Persona, direct_proposal: Proposal, frozen_now: datetime
) -> None:
    past = _body(frozen_now, end=iso(frozen_now - timedelta(minutes=1)))
    past["start"] = iso(frozen_now - timedelta(minutes=10))
    assert _errors(submitter, past) == {"non_field_errors": ["End time must be in the future"]}
    backwards = _body(frozen_now)
    backwards["start"], backwards["end"] = backwards["end"], backwards["start"]
    assert _errors(submitter, backwards) == {
        "non_field_errors": ["End time must be after start time"]
    }
    assert _errors(submitter, _body(frozen_now, site="xyz")) == {
        "site": ['"xyz" is not a valid choice.']
    }
    assert _errors(submitter, _body(frozen_now, telescope="9m9z")) == {
        "telescope": ['"9m9z" is not a valid choice.']
    }


def test_proposal_rules(
    submitter: Persona,
    outsider: Persona,
    staff_user: Persona,
    proposal: Proposal,
    frozen_now: datetime,
) -> None:
    assert _errors(submitter, _body(frozen_now, proposal="NOPE")) == {
        "non_field_errors": ["Proposal NOPE does not exist"]
    }
    not_direct = {
        "non_field_errors": ["Proposal LCO2026B-001 is not allowed to submit observations directly"]
    }
    assert _errors(submitter, _body(frozen_now)) == not_direct
    assert _errors(staff_user, _body(frozen_now)) == not_direct  # staff included
    proposal.direct_submission = True
    proposal.save(update_fields=["direct_submission"])
    assert _errors(outsider, _body(frozen_now)) == {
        "non_field_errors": ["You do not belong to the proposal you are trying to submit with"]
    }
    proposal.active = False
    proposal.save(update_fields=["active"])
    assert _errors(submitter, _body(frozen_now)) == {
        "non_field_errors": ["The proposal you are trying to submit with is currently inactive"]
    }


def test_per_user_time_limit_applies(
    submitter: Persona, direct_proposal: Proposal, frozen_now: datetime
) -> None:
    direct_proposal.membership_set.filter(user=submitter.user).update(time_limit=300)
    assert _errors(submitter, _body(frozen_now)) == {
        "non_field_errors": [
            "This request's duration will exceed the time limit set for your account on this "
            "proposal."
        ]
    }


def test_instrument_rules(
    submitter: Persona, direct_proposal: Proposal, frozen_now: datetime
) -> None:
    _, _, _, instrument, autoguider = sinistro_at("lsc")

    def with_configuration(**changes: Any) -> dict[str, Any]:
        body = _body(frozen_now)
        body["request"]["configurations"] = [_configuration(**changes)]
        return body

    disabled_only = with_configuration(instrument_type="2M0-SCICAM-SPECTRAL")
    assert _errors(submitter, disabled_only) == {
        "request": {
            "configurations": [{"instrument_type": ["Invalid Instrument Type 2M0-SCICAM-SPECTRAL"]}]
        }
    }
    elsewhere = _body(frozen_now, site="coj", enclosure="clma", telescope="2m0a")
    assert _errors(submitter, elsewhere) == {
        "non_field_errors": [f"instrument type {SINISTRO} is not available at coj.clma.2m0a"]
    }
    wrong_name = with_configuration(instrument_name="fa99")
    message = _errors(submitter, wrong_name)["non_field_errors"][0]
    assert message.startswith(
        f"fa99 is not an available {SINISTRO} instrument on lsc.{sinistro_at('lsc')[1]}."
    )
    assert f"'{instrument}'" in message
    bad_guide = with_configuration(
        instrument_name=instrument, guiding_config={"mode": "ON"}, guide_camera_name="zz01"
    )
    assert _errors(submitter, bad_guide) == {
        "non_field_errors": [f"Invalid guide camera zz01 for instrument {instrument}"]
    }
    assert autoguider  # the default guide camera exists for the valid case above


def test_calibrations_need_no_target_and_are_not_held_to_schedulability(
    submitter: Persona, direct_proposal: Proposal, frozen_now: datetime
) -> None:
    _, _, _, instrument, _ = sinistro_at("lsc")
    body = _body(frozen_now)
    body["request"]["configurations"] = [
        _configuration(
            type="BIAS",
            instrument_name=instrument,
            target={"name": "bias"},
            instrument_configs=[{"exposure_time": 0, "exposure_count": 5}],
        )
    ]
    response = submitter.client.post("/api/schedule/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["request"]["configurations"][0]["type"] == "BIAS"


def test_a_list_is_all_or_nothing(
    submitter: Persona, direct_proposal: Proposal, frozen_now: datetime
) -> None:
    good = _body(frozen_now)
    later = _body(
        frozen_now,
        start=iso(frozen_now + timedelta(hours=2)),
        end=iso(frozen_now + timedelta(hours=2, minutes=5)),
    )
    bad = _body(frozen_now, name="")
    errors = _errors(submitter, [good, bad])
    assert errors[0] == {}
    assert list(errors[1]) == ["name"]
    created = submitter.client.post("/api/schedule/", [good, later], format="json")
    assert created.status_code == 201, created.json()
    assert len(created.json()) == 2
    assert RequestGroup.objects.filter(observation_type="DIRECT").count() == 2


def test_anonymous_callers_cannot_submit(anonymous_client: Any, frozen_now: datetime) -> None:
    assert anonymous_client.post("/api/schedule/", {}, format="json").status_code == 401
