"""Staff plan downtime in the browser: create one (after a mistake the form explains), see it on
the timeline and on the network schedule, edit it and delete it. Others may look, not touch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.browser.conftest import assert_accessible, login, screenshot
from tests.browser.test_network_schedule import drawn_paths, make_staff, plotted_blocks

INPUT = "%Y-%m-%dT%H:%M"


def test_staff_create_edit_and_delete_a_downtime(page: Any, demo: dict[str, str]) -> None:
    from openocs.downtime.models import Downtime, DowntimeCategory

    # seeded by a migration, but an earlier transactional test may have emptied the table
    DowntimeCategory.objects.get_or_create(code="maintenance", defaults={"name": "Maintenance"})
    password = make_staff("opal")
    login(page, "opal", password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Downtime").click()
    assert page.get_by_role("heading", name="Downtime", level=1).is_visible()
    page.get_by_role("link", name="New downtime").click()
    assert page.get_by_role("heading", name="New downtime", level=1).is_visible()

    start = (datetime.now(UTC) + timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    page.get_by_label("Telescope").select_option("coj.doma.1m0a")
    page.get_by_label("Start (UTC)").fill(start.strftime(INPUT))
    page.get_by_label("End (UTC)").fill((start - timedelta(hours=2)).strftime(INPUT))
    page.get_by_label("Category").select_option("maintenance")
    page.get_by_label("Reason").fill("Primary mirror recoating")
    page.get_by_role("button", name="Create downtime").click()

    # the API's message, beside the field it is about; nothing stored
    end = page.get_by_label("End (UTC)")
    assert end.get_attribute("aria-invalid") == "true"
    error = page.locator("#id_end-error")
    assert error.inner_text() == "End time must be after start time"
    assert not Downtime.objects.exists()
    assert page.get_by_label("Reason").input_value() == "Primary mirror recoating"  # kept
    screenshot(page, "downtime-form")
    assert_accessible(page)

    end.fill((start + timedelta(hours=8)).strftime(INPUT))
    page.get_by_role("button", name="Create downtime").click()
    page.wait_for_url("**/downtime/timeline**")
    saved = Downtime.objects.get()
    assert page.get_by_text(f"Downtime {saved.pk} on coj.doma.1m0a created.").is_visible()
    page.wait_for_selector("#downtime-timeline[data-drawn]")
    assert page.locator("#downtime-timeline .trace.bars .point path").count() == 1
    assert "Maintenance" in page.locator("#downtime-timeline .legendtext").all_text_contents()
    assert page.get_by_text("Primary mirror recoating").is_visible()
    screenshot(page, "downtime-timeline")
    assert_accessible(page)

    # the network schedule shows the same block
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Schedule", exact=True
    ).click()
    page.wait_for_selector("#network-schedule[data-drawn]")
    (block,) = plotted_blocks(page)
    assert block.startswith(f"Downtime {saved.pk} · Primary mirror recoating")
    assert drawn_paths(page) >= 1  # the hatched downtime path (and any night's shading)
    page.get_by_text("and 1 downtime as a list").click()
    assert page.get_by_role("cell", name="Primary mirror recoating", exact=False).is_visible()

    # edit it from the list
    page.goto("/downtime/")
    assert page.get_by_role("cell", name="Primary mirror recoating").is_visible()
    screenshot(page, "downtime-list")
    assert_accessible(page)
    page.get_by_role("link", name=f"Edit downtime {saved.pk}").click()
    assert page.get_by_label("Telescope").input_value() == "coj.doma.1m0a"
    page.get_by_label("Reason").fill("Primary mirror recoating, second coat")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/downtime/timeline**")
    saved.refresh_from_db()
    assert saved.reason == "Primary mirror recoating, second coat"

    # and delete it, after a confirmation
    page.get_by_role("link", name=f"Delete downtime {saved.pk}").click()
    assert page.get_by_role("heading", name=f"Delete downtime {saved.pk}?").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete downtime").click()
    page.wait_for_url("**/downtime/timeline**")
    assert page.get_by_text(f"Downtime {saved.pk} on coj.doma.1m0a deleted.").is_visible()
    assert not Downtime.objects.exists()


def test_others_see_the_timeline_but_cannot_edit(page: Any, demo: dict[str, str]) -> None:
    from openocs.downtime.demo import load_demo

    load_demo()
    login(page, "alice")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Downtime").count() == 0  # staff's navigation only
    page.goto("/downtime/timeline/")
    page.wait_for_selector("#downtime-timeline[data-drawn]")
    assert page.get_by_text("Demo: primary mirror cleaning").is_visible()
    assert page.get_by_role("link", name="New downtime").count() == 0
    assert page.get_by_role("link", name="iCal feed").is_visible()
    assert_accessible(page)
    response = page.goto("/downtime/new/")
    assert response.status == 403
    assert page.get_by_role("heading", name="Only staff change downtime").is_visible()
