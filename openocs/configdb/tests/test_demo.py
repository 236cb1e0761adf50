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
    assert demo.load_demo() == "7 sites, 27 telescopes, 34 instruments"
    records = m.ChangeRecord.objects.count()
    assert demo.load_demo() == "7 sites, 27 telescopes, 34 instruments (unchanged)"
    assert m.ChangeRecord.objects.count() == records
    body = anonymous.get("/configdb/sites").json()
    assert [site["code"] for site in body["results"]] == [
        "coj",
        "cpt",
        "elp",
        "lsc",
        "ngq",
        "ogg",
        "tfn",
    ]
    instruments = anonymous.get("/configdb/instruments/?state=SCHEDULABLE").json()
    assert instruments["count"] == 32
    strings = {row["__str__"] for row in instruments["results"]}
    assert "ogg.clma.2m0a.floyds01" in strings


def test_some_demo_site_is_dark_at_every_moment_of_the_year() -> None:
    """The demo network (with Ali, 80° E) leaves no hour without a dark site, so a demo
    request, the tutorial and the end-to-end tests can always observe; without Ali, about 110
    hours a year (Sun above -15° everywhere, around 18 h UTC from November to February) had
    none."""
    from datetime import timedelta

    import numpy as np

    from openocs.visibility import Site as Where
    from openocs.visibility import sun_altitude_deg

    sites = demo.demo_document()["sites"]
    from datetime import UTC, datetime

    start = datetime(2026, 1, 1, tzinfo=UTC)
    times = [start + timedelta(minutes=10 * step) for step in range(366 * 24 * 6)]
    altitudes = {
        site["code"]: sun_altitude_deg(
            Where(latitude_deg=site["lat"], longitude_deg=site["long"]), times
        )
        for site in sites
        if site["active"]
    }
    darkest = np.min(np.vstack(list(altitudes.values())), axis=0)
    assert float(darkest.max()) < -15.0  # dark_sites' threshold, at every 10 minutes
    without_ali = np.min(np.vstack([v for code, v in altitudes.items() if code != "ngq"]), axis=0)
    assert 50 < int((without_ali >= -15.0).sum()) / 6 < 200  # the gap Ali closes, in hours
