"""The proposals demo loader: idempotent, on the demo network's instrument types."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openocs.portal.proposals import accounting
from openocs.portal.proposals.demo import DEMO_HOURS, load_proposals_demo, semester_bounds
from openocs.portal.proposals.models import Membership, TimeAllocation

pytestmark = pytest.mark.django_db

NETWORK = Path(__file__).resolve().parents[3] / "configdb" / "demo" / "lco-network.json"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 24, tzinfo=UTC), "2026B"),
        (datetime(2027, 1, 31, 23, tzinfo=UTC), "2026B"),
        (datetime(2027, 2, 1, tzinfo=UTC), "2027A"),
        (datetime(2027, 7, 31, tzinfo=UTC), "2027A"),
    ],
)
def test_semester_bounds(moment, expected):
    semester_id, start, end = semester_bounds(moment)
    assert semester_id == expected
    assert start <= moment < end


def test_demo_types_are_the_demo_networks():
    if not NETWORK.exists():
        pytest.skip("the configdb demo network is not part of this checkout")
    codes = {t["code"] for t in json.loads(NETWORK.read_text())["instrument_types"]}
    assert set(DEMO_HOURS) == codes


def test_loader_is_idempotent_and_adds_alice_and_bob(make_persona):
    alice = make_persona("alice")
    bob = make_persona("bob")
    now = datetime(2026, 11, 24, tzinfo=UTC)
    first = load_proposals_demo(now=now)
    assert "semesters 2026B and 2027A" in first
    assert "12 new allocations" in first
    second = load_proposals_demo(now=now)
    assert "0 new allocations" in second
    assert TimeAllocation.objects.count() == 12
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {alice.user.username: "PI", bob.user.username: "CI"}
    assert accounting.ledger_verify() == []
