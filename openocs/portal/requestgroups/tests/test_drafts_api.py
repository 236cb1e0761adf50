"""Drafts (portal-api.md §12)."""

from __future__ import annotations

import pytest

from openocs.portal.conftest import Persona

pytestmark = pytest.mark.django_db


def test_member_saves_lists_and_updates_a_draft(submitter: Persona, outsider: Persona) -> None:
    body = {"proposal": "LCO2026B-001", "title": "m31", "content": '{"name": "m31"}'}
    created = submitter.client.post("/api/drafts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["author"] == "carol"
    draft_id = created.json()["id"]
    assert submitter.client.get("/api/drafts").json()["count"] == 1
    assert outsider.client.get("/api/drafts/").json()["count"] == 0
    assert outsider.client.get(f"/api/drafts/{draft_id}/").status_code == 404
    patched = submitter.client.patch(f"/api/drafts/{draft_id}/", {"title": "m33"}, format="json")
    assert patched.json()["title"] == "m33"
    assert submitter.client.delete(f"/api/drafts/{draft_id}/").status_code == 204


def test_draft_rules(submitter: Persona, outsider: Persona) -> None:
    bad_json = {"proposal": "LCO2026B-001", "title": "x", "content": "{nope"}
    response = submitter.client.post("/api/drafts/", bad_json, format="json")
    assert response.json() == {"content": ["Content must be valid JSON"]}
    foreign = {"proposal": "LCO2026B-001", "title": "x", "content": "{}"}
    response = outsider.client.post("/api/drafts/", foreign, format="json")
    assert response.json() == {"proposal": ["You are not a member of that proposal"]}
    assert submitter.client.post("/api/drafts/", foreign, format="json").status_code == 201
    duplicate = submitter.client.post("/api/drafts/", foreign, format="json")
    assert duplicate.status_code == 400
