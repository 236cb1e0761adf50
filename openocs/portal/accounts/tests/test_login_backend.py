from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import authenticate

from openocs.portal.conftest import PERSONA_PASSWORD, Persona, PersonaFactory

pytestmark = pytest.mark.django_db


def test_signs_in_with_the_username(outsider: Persona) -> None:
    assert authenticate(username="olivia", password=PERSONA_PASSWORD) == outsider.user


def test_signs_in_with_the_email_in_any_case(outsider: Persona) -> None:
    assert authenticate(username="OLIVIA@Example.org", password=PERSONA_PASSWORD) == outsider.user


def test_wrong_password_or_unknown_login_signs_nobody_in(outsider: Persona) -> None:
    assert authenticate(username="olivia", password="wrong") is None
    assert authenticate(username="nobody@example.org", password=PERSONA_PASSWORD) is None


def test_inactive_user_cannot_sign_in(outsider: Persona) -> None:
    outsider.user.is_active = False
    outsider.user.save()
    assert authenticate(username="olivia@example.org", password=PERSONA_PASSWORD) is None


def test_an_email_shared_by_two_accounts_signs_nobody_in(
    make_persona: PersonaFactory, db: Any
) -> None:
    first = make_persona("twin1", email="twin@example.org")
    second = make_persona("twin2", email="other@example.org")
    type(second.user).objects.filter(pk=second.user.pk).update(email="TWIN@example.org")
    assert authenticate(username="twin@example.org", password=PERSONA_PASSWORD) is None
    assert authenticate(username="twin1", password=PERSONA_PASSWORD) == first.user


def test_a_username_that_looks_like_an_email_wins_over_an_email_match(
    make_persona: PersonaFactory,
) -> None:
    by_name = make_persona("x@example.org", email="someone@example.org")
    make_persona("other", email="x@example.org")
    assert authenticate(username="x@example.org", password=PERSONA_PASSWORD) == by_name.user
