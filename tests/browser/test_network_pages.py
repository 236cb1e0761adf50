"""The network's pages, open to everyone: telescopes and the scheduling-pressure tools."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import assert_accessible, screenshot, submit_group


def test_telescopes_show_states_and_their_timeline(page: Any, demo: dict[str, str]) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Telescopes").click()
    assert page.get_by_role("heading", name="Telescopes", level=1).is_visible()
    page.wait_for_selector("#state-timeline[data-drawn]")
    page.wait_for_selector("#availability[data-drawn]")
    screenshot(page, "telescopes")
    assert_accessible(page)


def test_tools_plot_pressure_and_contention(page: Any, demo: dict[str, str]) -> None:
    submit_group("alice", "Night field monitoring", requests=2)
    page.goto("/tools/")
    page.get_by_label("Instrument", exact=True).select_option("1M0-SCICAM-SINISTRO")
    page.get_by_label("Nights ahead").fill("5")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#nights-sites[data-drawn]")
    page.wait_for_selector("#nights-classes[data-drawn]")
    assert page.get_by_role(
        "heading", name="The next 5 nights: hours requested against hours available"
    ).is_visible()
    page.get_by_text("The numbers").click()
    row = page.get_by_role("row", name="Class 1m0")
    assert row.get_by_role("cell").count() == 5
    assert "0.00 / 0.0" not in row.inner_text()  # 1 m telescopes have nights, and requests
    page.wait_for_selector("#pressure[data-drawn]")
    page.wait_for_selector("#contention[data-drawn]")
    assert page.get_by_role("heading", name="Contention by right ascension · 1M0-SCICAM-SINISTRO")
    screenshot(page, "tools")
    assert_accessible(page)
