"""Compose in real Chromium, as a person writes a request: a name looked up, a second
configuration, a mistake and its fix, the duration and the plot, a draft, the submission; TOM
Toolkit's redirect flow; no serious accessibility violation."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import expect

from openocs.portal.requestgroups.models import Draft, RequestGroup
from tests.browser.conftest import assert_accessible, login, night_sky_target, screenshot

FIRST = "requests-0-configurations-0"
SECOND = "requests-0-configurations-1"


def test_compose_a_multi_configuration_request_fix_a_mistake_save_and_submit(
    page: Any, demo: Any
) -> None:
    login(page, "alice")
    page.goto("/create")
    assert page.get_by_role("heading", name="Compose a request").is_visible()
    page.get_by_label("Name of this request group").fill("M31 in two filters")
    page.locator(f"#f-{FIRST}-target-name").fill("M31")
    page.get_by_role("button", name="Look up the name").click()
    page.wait_for_selector("text=its coordinates are filled in")
    assert page.locator(f"#f-{FIRST}-target-ra").input_value() == "10.6847917"

    page.get_by_role("button", name="Add a configuration").click()
    page.wait_for_selector(f"#f-{SECOND}-type")
    exposure = page.locator(f"#f-{SECOND}-instrument_configs-0-exposure_time")
    exposure.fill("twenty")
    error = page.locator(f"#f-{SECOND}-instrument_configs-0-exposure_time-error")
    expect(error).to_contain_text("Please enter a number")  # within a second of typing
    expect(exposure).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#compose-feedback")).to_contain_text("1 thing to fix")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "compose-error")

    exposure.fill("20")
    expect(error).to_have_text("")
    expect(page.locator("#compose-feedback")).to_contain_text("Ready to submit")
    expect(page.locator('[data-duration-for="requests.0"]')).to_have_text(re.compile(r"\d+ min"))
    second = page.locator('[data-duration-for="requests.0.configurations.1"]')
    expect(second).to_have_text(re.compile(r"\d+ (min|s)"))
    page.wait_for_selector("#compose-visibility-plot .main-svg", timeout=20_000)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "compose")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})  # on a phone, Submit stays at hand
    expect(page.get_by_role("button", name="Submit request group")).to_be_in_viewport()
    bar = page.locator(".compose-status").bounding_box()
    assert bar is not None and bar["height"] <= 64, bar  # and leaves the form the screen
    expect(page.locator(".compose-status")).to_contain_text("Ready to submit")
    page.locator(".compose-save > summary").click()  # the draft's title opens above the bar
    expect(page.get_by_label("Draft title")).to_be_in_viewport()
    assert_accessible(page)
    page.locator(".compose-save > summary").click()
    page.set_viewport_size({"width": 1440, "height": 900})

    page.locator(".compose-save > summary").click()
    page.get_by_label("Draft title").fill("M31 draft")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url("**/create?draft=*")
    assert Draft.objects.get().title == "M31 draft"
    assert page.locator(f"#f-{SECOND}-instrument_configs-0-exposure_time").input_value() == "20"

    page.get_by_role("button", name="Submit request group").click()
    page.wait_for_url("**/requestgroups/*/")  # the new group's page
    group = RequestGroup.objects.get()
    assert group.name == "M31 in two filters"
    assert group.requests.get().configurations.count() == 2
    assert page.url.endswith(f"/requestgroups/{group.pk}/")
    expect(page.get_by_text("was submitted")).to_be_visible()
    page.get_by_role("link", name="Copy into Compose").click()  # clone it
    expect(page.get_by_label("Name of this request group")).to_have_value(
        "M31 in two filters (copy)"
    )
    page.goto("/requestgroups/")  # and find it in the list
    expect(page.get_by_role("link", name="M31 in two filters")).to_be_visible()


def test_tom_toolkit_redirect_flow(page: Any, demo: Any, live_server: Any, settings: Any) -> None:
    settings.OCS_COMPOSE_REDIRECT_ORIGINS = [live_server.url]
    callback = f"{live_server.url}/accounts/login/?target_id=7&facility=LCO"
    login(page, "alice")
    query = {
        "target_name": "NGC 1300",
        "target_type": "SIDEREAL",
        "target_ra": "49.921",
        "target_dec": "-19.411",
        "redirect_uri": callback,
    }
    page.goto("/create?" + urlencode(query))
    assert page.locator(f"#f-{FIRST}-target-ra").input_value() == "49.921"
    assert page.get_by_text("you will be taken back to").is_visible()
    page.get_by_text("Dither: repeat the exposures at offsets").click()  # preview a pattern
    page.locator("#pat-requests0configurations0-pattern").select_option("spiral")
    page.locator("#pat-requests0configurations0-points").fill("7")
    page.locator("#pat-requests0configurations0-spacing").fill("15")
    page.get_by_role("button", name="Preview the dither").click()
    expect(page.locator("#pattern-requests0configurations0 .main-svg").first).to_be_visible()
    page.get_by_role("button", name="Apply the dither").click()  # the plot shows what was applied
    expect(page.get_by_text("The exposures now repeat at 7 dither positions")).to_be_visible()
    applied = page.locator("#dither-applied-requests0configurations0")
    expect(applied.locator(".main-svg").first).to_be_visible()
    expect(applied).to_contain_text("Applied dither: 7 positions")
    page.get_by_label("Name of this request group").fill("from my TOM")
    expect(page.locator("#compose-feedback")).to_contain_text("Ready to submit")
    page.get_by_role("button", name="Submit request group").click()
    page.wait_for_url("**observation_id=*")
    group = RequestGroup.objects.get()
    assert f"target_id=7&facility=LCO&observation_id={group.pk}" in page.url


def test_a_region_of_interest_and_every_panel_open(page: Any, demo: Any) -> None:
    """An ROI set on Sinistro reaches the JSON and passes validation; with every optional panel
    open (JSON, cadence, dither, mosaic, ROIs, orbital elements) axe finds nothing serious."""
    login(page, "alice")
    page.goto("/create")
    page.get_by_label("Name of this request group").fill("A corner of the chip")
    page.locator(f"#f-{FIRST}-instrument_type").select_option("1M0-SCICAM-SINISTRO")
    expect(page.get_by_text("Regions of interest (0 of at most 1)")).to_be_attached()  # redrawn
    target = night_sky_target()
    page.locator(f"#f-{FIRST}-target-name").fill("Night field")
    page.locator(f"#f-{FIRST}-target-ra").fill(f"{target['ra']:.4f}")
    page.locator(f"#f-{FIRST}-target-dec").fill("0")
    page.get_by_text("Regions of interest (0 of at most 1)").click()
    page.get_by_role("button", name="Add a region").click()
    roi = f"#f-{FIRST}-instrument_configs-0-rois-0"
    page.wait_for_selector(f"{roi}-x1")
    for key, value in {"x1": "100", "x2": "1123", "y1": "200", "y2": "1223"}.items():
        page.locator(f"{roi}-{key}").fill(value)
    expect(page.locator("#compose-feedback")).to_contain_text("Ready to submit")
    page.get_by_text("The JSON that will be sent").click()
    json_panel = page.locator("#compose-json")
    expect(json_panel).to_contain_text('"x2": 1123')
    expect(json_panel).to_contain_text('"y1": 200')
    page.locator(f"{roi}-x2").fill("9999")  # beyond the chip: the API says so beside it
    expect(page.locator("#compose-feedback")).to_contain_text("to fix")
    page.locator(f"{roi}-x2").fill("1123")
    expect(page.locator("#compose-feedback")).to_contain_text("Ready to submit")

    page.get_by_text("Mosaic: cover a larger field").click()
    page.locator("#pat-requests0-pattern").select_option("grid")
    page.locator("#pat-requests0-rows").fill("2")
    page.locator("#pat-requests0-columns").fill("2")
    page.locator("#pat-requests0-spacing").fill("600")
    page.locator("#pattern-requests0").evaluate("e => e.scrollIntoView()")
    page.get_by_role("button", name="Preview the mosaic").click()
    expect(page.locator("#pattern-requests0 .main-svg").first).to_be_visible()

    page.get_by_text("Completion, repeats and optimisation").click()
    page.get_by_role("button", name="Add a window").click()  # a redraw keeps open panels open
    expect(page.locator("#f-requests-0-windows-1-end")).to_be_attached()
    expect(page.get_by_label("Acceptable completion")).to_be_visible()
    page.get_by_role("button", name="Remove window 2 of request 1").click()
    expect(page.locator("#f-requests-0-windows-1-end")).not_to_be_attached()

    page.get_by_role("button", name="Add another request").click()  # the plot shows both
    expect(page.locator("#plot-request")).to_have_value("all", timeout=20_000)
    plot = page.locator("#compose-visibility-plot")
    expect(plot.locator(".main-svg").first).to_be_visible(timeout=20_000)
    expect(plot).to_contain_text("Request 2")
    screenshot(page, "compose-requests")
    page.locator("#plot-request").select_option("1")
    expect(plot).not_to_contain_text("Request 1", timeout=20_000)

    page.get_by_role("button", name="Add a configuration").first.click()
    page.locator(f"#f-{SECOND}-target-type").select_option("ORBITAL_ELEMENTS")
    page.wait_for_selector(f"#f-{SECOND}-target-scheme")
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    expect(page.get_by_label("One line of MPCORB.DAT or CometEls.txt")).to_be_visible()
    expect(page.get_by_label("Every", exact=True).first).to_be_visible()  # the cadence
    expect(page.locator(f"{roi}-x2")).to_be_visible()
    page.wait_for_selector("#compose-visibility .main-svg, #compose-visibility p", timeout=20_000)
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
