"""The request-group and request lists in the browser: state chips, filters, sorting, pages;
and cancelling a whole group after confirming."""

from __future__ import annotations

from typing import Any

import pytest

from openocs.portal.requestgroups.pages import requests as request_pages
from tests.browser.conftest import assert_accessible, login, screenshot, submit_group


@pytest.fixture
def five_groups(demo: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Five of alice's groups (one canceled), two to a page."""
    from django.contrib.auth import get_user_model

    from openocs.portal.requestgroups import services

    monkeypatch.setattr(request_pages, "PAGE_SIZE", 2)
    names = ["Alpha survey", "Beta survey", "Gamma follow-up", "Delta follow-up", "Epsilon"]
    groups = [submit_group("alice", name, requests=1 + (i == 0)) for i, name in enumerate(names)]
    alice = get_user_model().objects.get(username="alice")
    services.requestgroup_cancel(group=groups[4], user=alice)
    return groups


def _chip(page: Any, label: str) -> Any:
    return page.get_by_role("navigation", name="Filter request groups by state").get_by_role(
        "link", name=label
    )


def _names(page: Any) -> list[str]:
    cells = page.locator("table tbody tr td:nth-child(2) a")
    return [str(text) for text in cells.all_inner_texts()]


def test_request_groups_filter_sort_page_and_count(page: Any, five_groups: list[Any]) -> None:
    login(page, "alice")
    page.goto("/requestgroups/")
    assert _chip(page, "All 5").get_attribute("aria-current") == "true"
    assert _chip(page, "Pending 4").is_visible()
    assert page.get_by_text("1–2 of 5").is_visible()
    assert_accessible(page)

    _chip(page, "Canceled 1").click()
    page.wait_for_url("**state=CANCELED**")
    assert _names(page) == ["Epsilon"]
    assert _chip(page, "Canceled 1").get_attribute("aria-current") == "true"
    _chip(page, "All 5").click()

    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Name contains").fill("survey")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**name=survey**")
    assert sorted(_names(page)) == ["Alpha survey", "Beta survey"]
    assert _chip(page, "All 2").is_visible()  # the counts follow the filters
    assert page.get_by_label("Name contains").input_value() == "survey"

    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="Name (sort ascending)").click()
    page.wait_for_url("**ordering=name**")
    header = page.get_by_role("columnheader", name="Name")
    assert header.get_attribute("aria-sort") == "ascending"
    assert _names(page) == ["Alpha survey", "Beta survey"]
    page.get_by_role("link", name="Name (sort descending)").click()
    page.wait_for_url("**ordering=-name**")
    assert page.get_by_role("columnheader", name="Name").get_attribute("aria-sort") == "descending"
    assert _names(page) == ["Gamma follow-up", "Epsilon"]

    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url("**page=2**")
    assert page.get_by_text("3–4 of 5").is_visible()
    assert _names(page) == ["Delta follow-up", "Beta survey"]  # still sorted by name, descending
    page.get_by_text("Filters", exact=True).click()
    screenshot(page, "requestgroups")
    assert_accessible(page)


def test_requests_filter_sort_page_and_count(page: Any, five_groups: list[Any]) -> None:
    login(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="See single requests").click()
    assert page.get_by_role("heading", name="Requests").is_visible()
    states = page.get_by_role("navigation", name="Filter requests by state")
    assert states.get_by_role("link", name="All 6").is_visible()
    assert states.get_by_role("link", name="Pending 5").is_visible()
    assert page.get_by_text("1–2 of 6").is_visible()

    states.get_by_role("link", name="Canceled 1").click()
    page.wait_for_url("**state=CANCELED**")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Epsilon" in rows.inner_text()

    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("State", exact=True).select_option("")
    page.get_by_label("Telescope class").select_option("1m0")
    page.get_by_label("Target contains").fill("night")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**telescope_class=1m0**")
    assert states.get_by_role("link", name="All 6").is_visible()
    page.get_by_role("link", name="Group (sort ascending)").click()
    page.wait_for_url("**ordering=group**")
    first_row = page.locator("table tbody tr").first
    assert "Alpha survey" in first_row.inner_text()
    page.get_by_role("link", name="Page 3").click()
    page.wait_for_url("**page=3**")
    assert page.get_by_text("5–6 of 6").is_visible()
    assert "Gamma follow-up" in page.locator("table tbody tr").last.inner_text()
    screenshot(page, "requests")
    assert_accessible(page)


def test_cancel_a_whole_group_after_confirming(page: Any, demo: dict[str, str]) -> None:
    group = submit_group("alice", "Two-night campaign", requests=2)
    login(page, "alice")
    page.goto(f"/requestgroups/{group.pk}/")
    page.get_by_role("link", name="Cancel group…").click()
    assert page.get_by_role("heading", name="Cancel the request group “Two-night campaign”?")
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the group").click()
    page.wait_for_url(f"**/requestgroups/{group.pk}/")
    assert page.get_by_role("status").filter(has_text="its pending requests are canceled").count()
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "CANCELED"
    for request_ in group.requests.all():
        badge = page.locator(f"a[href='/requests/{request_.pk}/'] + [data-state]")
        assert badge.get_attribute("data-state") == "CANCELED"
    assert page.get_by_role("link", name="Cancel group…").count() == 0
