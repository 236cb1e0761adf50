from __future__ import annotations

import pytest
from django.test import Client

from openocs.portal.conftest import Persona, PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_of(make_persona: PersonaFactory) -> Client:
    superuser = make_persona("root", is_superuser=True)
    client = Client()
    client.force_login(superuser.user)
    return client


def test_user_list_searches_by_institution(admin_client_of: Client, outsider: Persona) -> None:
    outsider.user.profile.institution = "Uppsala Observatory"
    outsider.user.profile.save()
    response = admin_client_of.get("/admin/auth/user/", {"q": "Uppsala"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [outsider.user]


def test_user_list_filters_by_staff_view(
    admin_client_of: Client, staff_view_user: Persona, outsider: Persona
) -> None:
    response = admin_client_of.get("/admin/auth/user/", {"profile__staff_view__exact": "1"})
    assert list(response.context["cl"].result_list) == [staff_view_user.user]


def test_profile_list_and_user_page_with_profile_inline(
    admin_client_of: Client, outsider: Persona
) -> None:
    listing = admin_client_of.get("/admin/accounts/profile/", {"q": "olivia"})
    assert listing.status_code == 200
    assert len(listing.context["cl"].result_list) == 1
    page = admin_client_of.get(f"/admin/auth/user/{outsider.user.pk}/change/")
    assert page.status_code == 200
    assert "Institution" in page.content.decode()


def test_non_staff_cannot_open_the_admin(outsider: Persona) -> None:
    client = Client()
    client.force_login(outsider.user)
    assert client.get("/admin/auth/user/").status_code == 302
