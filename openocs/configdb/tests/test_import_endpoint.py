"""POST import/ (spec §4.1, staff only): dry run reports, a real run imports all or nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.configdb import demo
from openocs.configdb import models as m

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def network_document() -> dict[str, Any]:
    return dict(json.loads(demo.DEMO_NETWORK.read_text(encoding="utf-8")))


def test_dry_run_reports_changes_and_keeps_nothing(
    staff: APIClient, network_document: dict[str, Any]
) -> None:
    response = staff.post("/configdb/import?dry_run=true", network_document, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True
    assert body["changes"] > 0
    assert body["instruments"] == 33
    assert not m.Site.objects.exists()
    assert not m.ChangeRecord.objects.exists()


def test_import_then_again_changes_nothing(
    staff: APIClient, network_document: dict[str, Any]
) -> None:
    assert staff.post("/configdb/import/", network_document, format="json").json()["changes"] > 0
    again = staff.post("/configdb/import/?dry_run=false", network_document, format="json")
    assert again.json() == {"sites": 6, "telescopes": 26, "instruments": 33, "changes": 0,
                            "dry_run": False}  # fmt: skip


def test_a_bad_document_is_refused_with_its_path(
    staff: APIClient, network_document: dict[str, Any]
) -> None:
    document = json.loads(json.dumps(network_document))
    document["sites"][0]["elevation_m"] = None
    response = staff.post("/configdb/import/", document, format="json")
    assert response.status_code == 400
    assert response.json()["path"] == "sites[0].elevation_m"
    assert not m.Site.objects.exists()


def test_only_staff_may_import(
    anonymous: APIClient, astronomer: APIClient, settings: Any, network_document: dict[str, Any]
) -> None:
    settings.CONFIGDB_WRITE_PERMISSION = "authenticated"
    assert anonymous.post("/configdb/import/", {}, format="json").status_code == 401
    assert astronomer.post("/configdb/import/", network_document, format="json").status_code == 403
