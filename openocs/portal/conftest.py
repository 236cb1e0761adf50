"""Persona fixtures shared by every portal test (permission matrices, spec portal §1.1).

Each persona is a :class:`Persona`: the user, its API token and a DRF ``APIClient`` that sends
``Authorization: Token <key>``. ``make_persona`` builds more (the proposals tests add PI and CI
personas with it). All personas use the password :data:`PERSONA_PASSWORD`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from openocs.portal.accounts import services
from openocs.portal.accounts.models import Profile

PERSONA_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


@dataclass
class Persona:
    """A user of the tests, with a token-authenticated API client."""

    user: User
    token: str
    client: APIClient

    @property
    def profile(self) -> Profile:
        return Profile.objects.get(user=self.user)


PersonaFactory = Callable[..., Persona]


@pytest.fixture
def make_persona(db: Any) -> PersonaFactory:
    """``make_persona("carol", is_staff=True, staff_view=True, institution=…)``."""

    def make(
        username: str,
        *,
        is_staff: bool = False,
        is_superuser: bool = False,
        staff_view: bool = False,
        email: str | None = None,
        **profile_fields: Any,
    ) -> Persona:
        user = services.user_create(
            username=username,
            email=email if email is not None else f"{username}@example.org",
            password=PERSONA_PASSWORD,
            first_name=username.capitalize(),
            last_name="Tester",
            terms_accepted=None,
            **profile_fields,
        )
        if is_staff or is_superuser:
            user.is_staff = is_staff or is_superuser
            user.is_superuser = is_superuser
            user.save(update_fields=["is_staff", "is_superuser"])
        if staff_view:
            Profile.objects.filter(user=user).update(staff_view=True)
        token = services.api_token_get_or_create(user=user).key
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return Persona(user=user, token=token, client=client)

    return make


@pytest.fixture
def anonymous_client() -> APIClient:
    """An API client that sends no credentials."""
    return APIClient()


@pytest.fixture
def outsider(make_persona: PersonaFactory) -> Persona:
    """An authenticated user who belongs to no proposal."""
    return make_persona("olivia")


@pytest.fixture
def staff_user(make_persona: PersonaFactory) -> Persona:
    """Staff without ``staff_view``: sees only their own proposals' objects."""
    return make_persona("stan", is_staff=True)


@pytest.fixture
def staff_view_user(make_persona: PersonaFactory) -> Persona:
    """Staff with ``profile.staff_view``: sees every object (the scheduler's account)."""
    return make_persona("sasha", is_staff=True, staff_view=True)
