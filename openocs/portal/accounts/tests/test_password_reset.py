from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from openocs.portal.accounts.models import Profile
from openocs.portal.conftest import PERSONA_PASSWORD, Persona

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-Brand-new-passw0rd"


def test_password_reset_email_is_queued_and_its_link_sets_a_new_password(
    client: Client, outsider: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    Profile.objects.filter(user=outsider.user).update(password_expiration="2000-01-01T00:00:00Z")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/accounts/password_reset/", {"email": "Olivia@example.org"})
    assert response.status_code == 302
    assert len(callbacks) == 1  # handed to the task queue, not sent inside the request
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olivia@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    outsider.user.refresh_from_db()
    assert outsider.user.check_password(NEW_PASSWORD)
    assert outsider.profile.password_expiration is None


def test_unknown_address_sends_nothing(client: Client, db: Any) -> None:
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_clears_the_expiration(client: Client, outsider: Persona) -> None:
    Profile.objects.filter(user=outsider.user).update(password_expiration="2000-01-01T00:00:00Z")
    login = client.post("/accounts/login/", {"username": "olivia", "password": PERSONA_PASSWORD})
    assert login["Location"] == "/accounts/password_change/"
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PERSONA_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert outsider.profile.password_expiration is None


def test_logout_ends_the_session(client: Client, outsider: Persona) -> None:
    client.post("/accounts/login/", {"username": "olivia", "password": PERSONA_PASSWORD})
    assert client.get("/api/profile/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/api/profile/").status_code == 401
