"""Following requests in the browser: find a group, open it, open a request, cancel it."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import (
    assert_accessible,
    login,
    make_user,
    screenshot,
    submit_group,
)


def test_find_open_and_cancel_one_request(page: Any, demo: dict[str, str]) -> None:
    group = submit_group("alice", "Night field monitoring", requests=2)
    first, second = (r.pk for r in group.requests.order_by("id"))
    login(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    assert page.get_by_role("heading", name="Request groups").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Night field monitoring").click()
    assert page.get_by_role("heading", name="Night field monitoring").is_visible()
    screenshot(page, "requestgroup")
    assert_accessible(page)

    page.get_by_role("link", name=f"Request {first}", exact=True).click()
    page.wait_for_selector("#airmass[data-drawn]")
    assert page.get_by_text("Not scheduled yet.").is_visible()
    screenshot(page, "request")
    assert_accessible(page)

    page.get_by_role("link", name="Cancel request…").click()
    assert page.get_by_role("heading", name=f"Cancel request {first}?").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the request").click()
    assert page.get_by_role("status").filter(has_text=f"Request {first} is canceled.").is_visible()
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "CANCELED"

    page.get_by_role("link", name="Night field monitoring").click()
    assert (
        page.locator(f"a[href='/requests/{second}/'] + [data-state]").get_attribute("data-state")
        == "PENDING"
    )
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "PENDING"


def test_someone_else_cannot_see_the_group(page: Any, demo: dict[str, str]) -> None:
    group = submit_group("alice", "Private monitoring")
    password = make_user("olivia")
    login(page, "olivia", password)
    response = page.goto(f"/requestgroups/{group.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    assert_accessible(page)
    page.goto("/requestgroups/")
    assert page.get_by_text("No request groups yet.").is_visible()
    assert page.get_by_text("Private monitoring").count() == 0
