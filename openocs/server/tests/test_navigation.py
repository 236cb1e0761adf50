"""The navigation lists the pages this deployment serves, and nothing that would 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory

from openocs.server import navigation
from openocs.server.navigation import NavEntry


def _context(path: str, user: Any) -> dict[str, Any]:
    request = RequestFactory().get(path)
    request.user = user
    return navigation.navigation(request)


def test_a_visitor_sees_no_member_pages_and_a_sign_in_link() -> None:
    context = _context("/", AnonymousUser())
    assert "Dashboard" not in [item["label"] for item in context["ocs_nav"]]
    assert context["ocs_login_url"] == "/accounts/login/"
    assert context["ocs_api_docs_url"] == "/api/schema/redoc/"
    assert context["ocs_version"]


def test_a_member_sees_the_dashboard_marked_current() -> None:
    user = User(username="u")
    items = _context("/", user)["ocs_nav"]
    assert {"label": "Dashboard", "url": "/", "current": True, "staff": False} in items


def test_entries_of_pages_that_do_not_exist_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        navigation,
        "NAV_ENTRIES",
        (NavEntry("portal", "Nowhere", "no-such-page/"), NavEntry("portal", "Home", "")),
    )
    labels = [item["label"] for item in _context("/", AnonymousUser())["ocs_nav"]]
    assert labels == ["Home"]


def test_staff_entries_need_staff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "NAV_ENTRIES", (NavEntry("portal", "Ops", "", staff=True),))
    assert _context("/", User(username="u"))["ocs_nav"] == []
    assert len(_context("/", User(username="s", is_staff=True))["ocs_nav"]) == 1


def test_components_not_served_here_have_no_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "NAV_ENTRIES", (NavEntry("elsewhere", "Gone", ""),))
    assert _context("/", AnonymousUser())["ocs_nav"] == []


def test_staff_links_take_a_row_of_their_own() -> None:
    """Members' links fit beside the brand; with the operations pages, staff get a second row."""
    assert _context("/", User(username="u"))["ocs_nav_row"] is False
    staff = _context("/", User(username="s", is_staff=True))
    assert staff["ocs_nav_row"] is True
    assert any(item["staff"] for item in staff["ocs_nav"])
