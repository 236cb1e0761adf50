"""The profile and proposal pages in the browser."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import assert_accessible, login, screenshot


def test_profile_rotates_the_token_after_asking(page: Any, demo: dict[str, str]) -> None:
    login(page, "alice")
    page.get_by_role("link", name="Alice Astronomer").click()
    assert page.get_by_role("heading", name="Your profile").is_visible()
    old = page.get_by_label("Your token").input_value()
    screenshot(page, "profile")
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Replace the token").click()
    assert page.get_by_role("status").filter(has_text="no longer works").is_visible()
    assert page.get_by_label("Your token").input_value() != old


def test_the_pi_sees_members_and_can_invite(page: Any, demo: dict[str, str]) -> None:
    login(page, "alice")
    page.get_by_role("link", name="DEMO-001").first.click()
    assert page.get_by_role("heading", name="Members").is_visible()
    assert page.get_by_role("cell", name="Bob Observer").is_visible()
    page.get_by_label("E-mail addresses").fill("colleague@example.org")
    page.get_by_role("button", name="Invite", exact=True).click()
    assert page.get_by_role("status").filter(has_text="1 invitation sent.").is_visible()
    screenshot(page, "proposal")
    assert_accessible(page)
