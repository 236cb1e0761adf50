"""The shared layout in a real browser: the front page, signing in, the API reference offline."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import assert_accessible, login, screenshot


def test_front_page_shows_the_network_to_everyone(page: Any, demo: dict[str, str]) -> None:
    response = page.goto("/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("heading", name="The network now").is_visible()
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    screenshot(page, "home-public")
    assert_accessible(page)


def test_signing_in_lands_on_the_dashboard(page: Any, demo: dict[str, str]) -> None:
    login(page, "alice")
    assert page.url.rstrip("/").endswith(page.url.split("/", 3)[2])  # the site root
    assert page.get_by_role("heading", name="Welcome, Alice").is_visible()
    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Dashboard")
        .is_visible()
    )
    assert page.get_by_text("DEMO-001").first.is_visible()
    page.wait_for_selector("[data-plot][data-drawn]")  # the allocation chart drew with Plotly
    screenshot(page, "dashboard")
    assert_accessible(page)


def test_the_login_page_uses_the_layout_and_names_its_fields(
    page: Any, demo: dict[str, str]
) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator(".site-header").is_visible()
    screenshot(page, "login")
    assert_accessible(page)


def test_keyboard_users_can_skip_to_the_content(page: Any, demo: dict[str, str]) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_api_reference_works_offline(page: Any, demo: dict[str, str]) -> None:
    page.goto("/api/schema/redoc/")
    page.wait_for_selector("h1", timeout=60_000)  # Redoc rendered the schema from local files
    page.goto("/api/schema/swagger-ui/")
    page.wait_for_selector(".swagger-ui .info", timeout=60_000)
