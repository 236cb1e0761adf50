"""demo.load_demo(): the shipped copy of the demo network, imported idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.configdb import demo
from openocs.configdb import models as m

pytestmark = pytest.mark.django_db


def test_demo_copy_matches_the_shared_network() -> None:
    shared = Path("/work/shared/data/lco-network.json")
    if not shared.exists():
        pytest.skip("the shared data folder is not present on this machine")
    assert json.loads(demo.DEMO_NETWORK.read_text()) == json.loads(shared.read_text())


def test_load_demo_is_idempotent_and_summarises(anonymous: APIClient, db: Any) -> None:
    assert demo.load_demo() == "6 sites, 26 telescopes, 33 instruments"
    records = m.ChangeRecord.objects.count()
    assert demo.load_demo() == "6 sites, 26 telescopes, 33 instruments (unchanged)"
    assert m.ChangeRecord.objects.count() == records
    body = anonymous.get("/configdb/sites").json()
    assert [site["code"] for site in body["results"]] == ["coj", "cpt", "elp", "lsc", "ogg", "tfn"]
    instruments = anonymous.get("/configdb/instruments/?state=SCHEDULABLE").json()
    assert instruments["count"] == 31
    strings = {row["__str__"] for row in instruments["results"]}
    assert "ogg.clma.2m0a.floyds01" in strings
