"""Every filter and ordering of ``GET /api/requestgroups/`` (portal-api.md §10.1) and
``GET /api/requests/`` (§11.1), each checked against a small set of groups that differ in the
filtered field only where the case needs it."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from openocs.portal.conftest import Persona, PersonaFactory
from openocs.portal.proposals.models import Membership, Proposal
from openocs.portal.requestgroups.tests.conftest import NOW, imaging_group

pytestmark = pytest.mark.django_db


@dataclass
class Fixture:
    alpha: dict[str, Any]  # carol, SINGLE, ipp 1.05, 1m0, ends 2026-12-08, created NOW
    beta: dict[str, Any]  # carol, MANY of two, ipp 1.5, ends 2026-12-05, created NOW + 1 h
    gamma: dict[str, Any]  # dave, SINGLE, ipp 1.05, CANCELED, ends 2026-12-10, created NOW + 2 h
    reader: Persona  # staff with staff view


def _post(persona: Persona, group: dict[str, Any]) -> dict[str, Any]:
    response = persona.client.post("/api/requestgroups/", group, format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def groups(submitter: Persona, make_persona: PersonaFactory) -> Fixture:
    dave = make_persona("dave")
    Membership.objects.create(proposal=Proposal.objects.get(), user=dave.user, role=Membership.CI)
    alpha = _post(submitter, imaging_group(name="alpha"))
    many = imaging_group(name="beta", operator="MANY", ipp_value=1.5)
    second = copy.deepcopy(many["requests"][0])
    for request in (many["requests"][0], second):
        request["windows"] = [{"start": "2026-12-01T12:00:00Z", "end": "2026-12-05T12:00:00Z"}]
    second["configurations"][0]["target"]["name"] = "m42"
    many["requests"].append(second)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        beta = _post(submitter, many)
    late = imaging_group(name="gamma")
    late["requests"][0]["windows"] = [
        {"start": "2026-12-01T12:00:00Z", "end": "2026-12-10T12:00:00Z"}
    ]
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        gamma = _post(dave, late)
        assert dave.client.post(f"/api/requestgroups/{gamma['id']}/cancel/").status_code == 200
    reader = make_persona("sasha", is_staff=True, staff_view=True)
    return Fixture(alpha, beta, gamma, reader)


def _names(persona: Persona, query: str) -> list[str]:
    response = persona.client.get(f"/api/requestgroups/?{query}")
    assert response.status_code == 200, response.json()
    return [g["name"] for g in response.json()["results"]]


GROUP_CASES: list[tuple[str, str, list[str]]] = [
    # (filter, query built from the fixture, names in answer order)
    ("no filter: newest first", "", ["gamma", "beta", "alpha"]),
    ("id", "id={alpha[id]}", ["alpha"]),
    ("submitter (user id)", "submitter={carol_id}", ["beta", "alpha"]),
    ("proposal", "proposal=LCO2026B-001", ["gamma", "beta", "alpha"]),
    ("proposal, none", "proposal=NOPE", []),
    ("observation_type", "observation_type=NORMAL", ["gamma", "beta", "alpha"]),
    ("observation_type, none", "observation_type=RAPID_RESPONSE", []),
    ("operator", "operator=MANY", ["beta"]),
    ("ipp_value", "ipp_value=1.5", ["beta"]),
    ("name contains, any case", "name=ETA", ["beta"]),
    ("state", "state=CANCELED", ["gamma"]),
    ("state, repeated", "state=CANCELED&state=PENDING", ["gamma", "beta", "alpha"]),
    ("exclude_state", "exclude_state=CANCELED", ["beta", "alpha"]),
    ("created_after", "created_after=2026-12-01T12:30:00Z", ["gamma", "beta"]),
    ("created_before", "created_before=2026-12-01T12:30:00Z", ["alpha"]),
    ("modified_after", "modified_after=2026-12-01T13:30:00Z", ["gamma"]),
    ("modified_before", "modified_before=2026-12-01T13:30:00Z", ["beta", "alpha"]),
    ("user contains", "user=DAV", ["gamma"]),
    ("request_id", "request_id={beta[requests][1][id]}", ["beta"]),
    ("telescope_class", "telescope_class=1m0", ["gamma", "beta", "alpha"]),
    ("target contains", "target=M4", ["beta"]),
    ("order by name", "order=name", ["alpha", "beta", "gamma"]),
    ("order by -name", "order=-name", ["gamma", "beta", "alpha"]),
    ("order by created", "order=created", ["alpha", "beta", "gamma"]),
    ("order by window end", "order=end", ["beta", "alpha", "gamma"]),
    ("order by -end", "order=-end", ["gamma", "alpha", "beta"]),
    ("order by modified", "order=modified", ["alpha", "beta", "gamma"]),
    ("generic ordering", "ordering=ipp_value,name", ["alpha", "gamma", "beta"]),
    ("combined", "state=PENDING&name=a&order=name", ["alpha", "beta"]),
]


def test_every_requestgroup_filter(groups: Fixture) -> None:
    """One fixture, every case (building the groups is the slow part); failures name the case."""
    carol_id = Proposal.objects.get().membership_set.get(user__username="carol").user_id
    wrong = {}
    for name, query, expected in GROUP_CASES:
        built = query.format(alpha=groups.alpha, beta=groups.beta, carol_id=carol_id)
        found = _names(groups.reader, built)
        if found != expected:
            wrong[name] = (built, found, expected)
    assert wrong == {}


def test_invalid_filter_values_are_400_naming_the_filter(groups: Fixture) -> None:
    for query in ["state=BOGUS", "observation_type=SOON", "operator=SOME", "order=colour"]:
        response = groups.reader.client.get(f"/api/requestgroups/?{query}")
        assert response.status_code == 400
        assert query.split("=")[0] in response.json()


def test_request_filters_and_ordering(groups: Fixture) -> None:
    client = groups.reader.client

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/requests/?{query}")
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    alpha = groups.alpha["requests"][0]["id"]
    beta_1, beta_2 = (r["id"] for r in groups.beta["requests"])
    gamma = groups.gamma["requests"][0]["id"]
    assert ids("") == [gamma, beta_2, beta_1, alpha]  # default -id
    assert ids("state=CANCELED") == [gamma]
    assert ids("state=PENDING&ordering=id") == [alpha, beta_1, beta_2]
    assert ids("telescope_class=1m0&telescope_class=2m0") == [gamma, beta_2, beta_1, alpha]
    assert ids("telescope_class=2m0") == []
    assert ids(f"id={alpha}&id={gamma}") == [gamma, alpha]
    assert ids(f"id={alpha},{beta_2}") == [beta_2, alpha]
    assert ids("ordering=state,id") == [gamma, alpha, beta_1, beta_2]
    assert client.get("/api/requests/?state=BOGUS").status_code == 400
    assert client.post("/api/requests/", {}, format="json").status_code == 405
