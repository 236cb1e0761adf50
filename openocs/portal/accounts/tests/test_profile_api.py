from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona, PersonaFactory

pytestmark = pytest.mark.django_db

PROFILE_KEYS = {
    "username",
    "first_name",
    "last_name",
    "email",
    "profile",
    "is_staff",
    "is_superuser",
    "proposals",
    "available_instrument_types",
    "tokens",
    "proposal_notifications",
}
PROFILE_SUBKEYS = {
    "education_user",
    "notifications_enabled",
    "notifications_on_authored_only",
    "simple_interface",
    "view_authored_requests_only",
    "title",
    "staff_view",
    "institution",
    "api_quota",
    "terms_accepted",
    "sciencecollaborationallocation",
    "password_expiration",
}


def test_anonymous_caller_gets_401_with_a_token_challenge(anonymous_client: APIClient) -> None:
    response = anonymous_client.get("/api/profile/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("persona", ["outsider", "staff_user", "staff_view_user"])
def test_every_authenticated_persona_reads_its_own_profile(
    persona: str, request: pytest.FixtureRequest
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    response = caller.client.get("/api/profile")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PROFILE_KEYS
    assert set(body["profile"]) == PROFILE_SUBKEYS
    assert body["username"] == caller.user.username
    assert body["is_staff"] == caller.user.is_staff
    assert body["tokens"]["api_token"] == caller.token
    assert body["profile"]["staff_view"] == (persona == "staff_view_user")
    assert body["profile"]["api_quota"] == {"used": 0, "allowed": "unlimited"}


def test_archive_token_is_an_oauth2_token_reused_between_calls(outsider: Persona) -> None:
    first = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    second = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    assert first
    assert first == second
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    response = bearer.get("/api/profile/")
    assert response.status_code == 200
    assert response.json()["username"] == outsider.user.username


def test_patch_changes_names_and_preferences(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/",
        {
            "first_name": "Olive",
            "profile": {"institution": "Example University", "notifications_enabled": "yes"},
            "unknown": "ignored",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["first_name"] == "Olive"
    assert body["profile"]["institution"] == "Example University"
    assert body["profile"]["notifications_enabled"] is True
    assert "unknown" not in body


def test_put_keeps_fields_it_does_not_send(outsider: Persona) -> None:
    response = outsider.client.put("/api/profile/", {"last_name": "Smith"}, format="json")
    assert response.status_code == 200
    assert response.json()["first_name"] == "Olivia"
    assert response.json()["last_name"] == "Smith"


def test_read_only_fields_are_not_changed(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/",
        {"username": "mallory", "is_staff": True, "profile": {"terms_accepted": None}},
        format="json",
    )
    assert response.status_code == 200
    outsider.user.refresh_from_db()
    assert outsider.user.username == "olivia"
    assert outsider.user.is_staff is False


def test_non_staff_cannot_switch_on_staff_view(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"profile": {"staff_view": True}}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"profile": {"staff_view": ["Must be staff to set staff_view"]}}
    assert outsider.profile.staff_view is False


def test_staff_can_switch_on_staff_view(staff_user: Persona) -> None:
    response = staff_user.client.patch(
        "/api/profile/", {"profile": {"staff_view": True}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["profile"]["staff_view"] is True


def test_email_already_used_by_someone_else_is_refused_case_insensitively(
    outsider: Persona, staff_user: Persona
) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"email": staff_user.user.email.upper()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["User with this email already exists"]}


def test_changing_the_case_of_ones_own_email_is_allowed(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"email": "OLIVIA@example.org"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["email"] == "OLIVIA@example.org"


def test_invalid_email_names_the_field(outsider: Persona) -> None:
    response = outsider.client.patch("/api/profile/", {"email": "not-an-address"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_invalid_boolean_names_the_nested_field(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"profile": {"simple_interface": "maybe"}}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["profile"]) == ["simple_interface"]


def test_delete_is_not_allowed(outsider: Persona) -> None:
    assert outsider.client.delete("/api/profile/").status_code == 405


def test_profile_reads_with_a_constant_number_of_queries(
    make_persona: PersonaFactory, django_assert_max_num_queries: object
) -> None:
    caller = make_persona("quentin")
    caller.client.get("/api/profile/")  # mints the archive token once
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert caller.client.get("/api/profile/").status_code == 200
