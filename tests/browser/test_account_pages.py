"""The profile, proposal and password pages in the browser."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

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


def test_forgotten_password_by_e_mail_then_change_it(page: Any, demo: dict[str, str]) -> None:
    import re

    from django.core import mail

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    assert page.get_by_role("heading", name="Reset your password").is_visible()
    screenshot(page, "password-reset")
    assert_accessible(page)
    email = str(get_user_model().objects.get(username="alice").email)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    page.goto(link.group(1))
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    assert_accessible(page)
    page.locator("#id_new_password1").fill("a-fresh-Passw0rd-for-alice")
    page.locator("#id_new_password2").fill("a-fresh-Passw0rd-for-alice")
    page.get_by_role("button", name="Set the password").click()
    assert page.get_by_role("heading", name="Password set").is_visible()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    login(page, "alice", "a-fresh-Passw0rd-for-alice")
    assert "/accounts/login" not in page.url

    page.goto("/profile/")
    page.get_by_role("link", name="Change your password").click()
    assert page.get_by_role("heading", name="Change your password").is_visible()
    page.locator("#id_old_password").fill("not-my-password")
    page.locator("#id_new_password1").fill("another-Passw0rd-for-alice")
    page.locator("#id_new_password2").fill("another-Passw0rd-for-alice")
    page.get_by_role("button", name="Change the password").click()
    assert page.locator("#id_old_password-error").is_visible()
    screenshot(page, "password-change")
    assert_accessible(page)
