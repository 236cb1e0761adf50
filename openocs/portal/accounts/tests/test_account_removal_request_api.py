from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from rest_framework.test import APIClient

from openocs.portal.accounts import conf
from openocs.portal.conftest import Persona

pytestmark = pytest.mark.django_db


def test_anonymous_caller_gets_401(anonymous_client: APIClient) -> None:
    response = anonymous_client.post("/api/account_removal_request/", {"reason": "x"})
    assert response.status_code == 401


@pytest.mark.parametrize("persona", ["outsider", "ci", "pi", "staff_user", "staff_view_user"])
def test_request_is_emailed_to_the_staff(
    persona: str,
    request: pytest.FixtureRequest,
    staff_user: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    with django_capture_on_commit_callbacks(execute=True):
        response = caller.client.post(
            "/api/account_removal_request", {"reason": "Leaving astronomy"}, format="json"
        )
    assert response.status_code == 200
    assert response.json() == {"message": "Account removal request successfully submitted."}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert staff_user.user.email in message.to
    assert caller.user.username in message.subject
    assert "Leaving astronomy" in message.body
    assert message.reply_to == [caller.user.email]


def test_support_address_replaces_the_staff_when_configured(
    outsider: Persona,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(conf, "SUPPORT_EMAIL", "help@observatory.example")
    with django_capture_on_commit_callbacks(execute=True):
        outsider.client.post("/api/account_removal_request/", {"reason": "bye"}, format="json")
    assert mail.outbox[0].to == ["help@observatory.example"]


def test_missing_reason_names_the_field(outsider: Persona) -> None:
    response = outsider.client.post("/api/account_removal_request/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["This field is required."]}


def test_reason_longer_than_1000_characters_is_refused(outsider: Persona) -> None:
    response = outsider.client.post(
        "/api/account_removal_request/", {"reason": "x" * 1001}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert mail.outbox == []
