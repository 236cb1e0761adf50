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


def _templates(response: Any) -> list[str]:
    return [t.name for t in response.templates if t.name]


def test_the_reset_pages_are_ours_and_the_new_password_signs_in(
    client: Client, outsider: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    form = client.get("/accounts/password_reset/")
    assert "accounts/password_reset_form.html" in _templates(form)
    assert "web/base.html" in _templates(form)  # the site's layout, not the admin's
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/accounts/password_reset/", {"email": "olivia@example.org"}, follow=True
        )
    assert "accounts/password_reset_done.html" in _templates(sent)
    assert "Check your e-mail" in sent.content.decode()
    message = mail.outbox[0]
    assert "password" in message.subject.lower() and "\n" not in message.subject
    assert '"olivia"' in str(message.body)
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(message.body))
    assert link
    confirm = client.get(link.group(1), follow=True)
    assert "accounts/password_reset_confirm.html" in _templates(confirm)
    assert "Choose a new password" in confirm.content.decode()
    mismatch = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert 'id="id_new_password2-error"' in mismatch.content.decode()  # beside its field
    done = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "accounts/password_reset_complete.html" in _templates(done)
    signed_in = client.post("/accounts/login/", {"username": "olivia", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    used_again = client.get(link.group(1), follow=True)
    assert "This link does not work" in used_again.content.decode()


def test_the_change_pages_are_ours(client: Client, outsider: Persona) -> None:
    client.post("/accounts/login/", {"username": "olivia", "password": PERSONA_PASSWORD})
    page = client.get("/accounts/password_change/")
    assert "accounts/password_change_form.html" in _templates(page)
    wrong = client.post(
        "/accounts/password_change/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert 'id="id_old_password-error"' in wrong.content.decode()
    done = client.post(
        "/accounts/password_change/",
        {
            "old_password": PERSONA_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "accounts/password_change_done.html" in _templates(done)
    assert "Password changed" in done.content.decode()
