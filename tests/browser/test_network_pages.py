"""The network's pages, open to everyone: telescopes and the scheduling-pressure tools."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import assert_accessible, screenshot


def test_telescopes_show_states_and_their_timeline(page: Any, demo: dict[str, str]) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Telescopes").click()
    assert page.get_by_role("heading", name="Telescopes", level=1).is_visible()
    page.wait_for_selector("#state-timeline[data-drawn]")
    page.wait_for_selector("#availability[data-drawn]")
    screenshot(page, "telescopes")
    assert_accessible(page)


def test_tools_plot_pressure_and_contention(page: Any, demo: dict[str, str]) -> None:
    page.goto("/tools/")
    page.get_by_label("Instrument", exact=True).select_option("1M0-SCICAM-SINISTRO")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#pressure[data-drawn]")
    page.wait_for_selector("#contention[data-drawn]")
    assert page.get_by_role("heading", name="Contention by right ascension · 1M0-SCICAM-SINISTRO")
    screenshot(page, "tools")
    assert_accessible(page)
