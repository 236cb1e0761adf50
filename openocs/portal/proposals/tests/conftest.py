"""PI and CI personas and a proposal with an allocation, for the proposals tests.

The anonymous, outsider and staff personas come from ``openocs/portal/conftest.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from openocs.portal.conftest import Persona, PersonaFactory
from openocs.portal.proposals import accounting, services
from openocs.portal.proposals.models import Membership, Proposal, Semester, TimeAllocation

SINISTRO = "1M0-SCICAM-SINISTRO"


@pytest.fixture
def semester(db: Any) -> Semester:
    return Semester.objects.create(
        id="2026B",
        start=datetime(2026, 8, 1, tzinfo=UTC),
        end=datetime(2027, 2, 1, tzinfo=UTC),
    )


@pytest.fixture
def next_semester(db: Any) -> Semester:
    return Semester.objects.create(
        id="2027A",
        start=datetime(2027, 2, 1, tzinfo=UTC),
        end=datetime(2027, 8, 1, tzinfo=UTC),
    )


@pytest.fixture
def proposal(semester: Semester) -> Proposal:
    proposal = services.proposal_create(
        proposal_id="LCO2026B-001",
        title="Supernova follow-up",
        abstract="Light curves.",
        tac_priority=20,
        tac_rank=3,
        tags=["supernovae", "transients"],
    )
    return proposal


@pytest.fixture
def allocation(proposal: Proposal, semester: Semester) -> TimeAllocation:
    return accounting.allocation_create(
        proposal=proposal,
        semester=semester,
        instrument_types=[SINISTRO],
        std_allocation=50.0,
        tc_allocation=5.0,
    )


@pytest.fixture
def pi(make_persona: PersonaFactory, proposal: Proposal) -> Persona:
    """Alice, principal investigator of ``proposal``."""
    persona = make_persona("alice", institution="Example University")
    Membership.objects.create(proposal=proposal, user=persona.user, role=Membership.PI)
    return persona


@pytest.fixture
def ci(make_persona: PersonaFactory, proposal: Proposal) -> Persona:
    """Bob, co-investigator of ``proposal``."""
    persona = make_persona("bob")
    Membership.objects.create(proposal=proposal, user=persona.user, role=Membership.CI)
    return persona
