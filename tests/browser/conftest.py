"""Browser tests: real Chromium (Debian's ``/usr/bin/chromium``) driven by Playwright for Python.

- ``browser``: one headless Chromium per test session. Playwright's own browser download is never
  used: the executable is ``OCS_CHROMIUM`` (default ``/usr/bin/chromium``).
- ``page``: a fresh browser context (1440×900) on pytest-django's ``live_server``, which fails the
  test if the page asked anything of a host other than the live server (no CDN, no internet).
- ``demo``: the demo network, users (alice, bob) and proposal, loaded for the test.
- ``login(page, username)``, ``screenshot(page, name)``, ``assert_accessible(page)``.

Without a Chromium the tests are skipped with a plain reason, unless ``OCS_REQUIRE_BROWSER`` is
set (CI sets it): then a missing Chromium fails them. ``OCS_SCREENSHOTS=1`` writes the
screenshots of ``screenshot()`` to ``docs/images/web/<name>-<width>.png`` (the docs use them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

# Playwright's synchronous API runs an event loop in this thread; Django's ORM, used by the
# fixtures in the same thread, would refuse to run next to it without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("OCS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "images" / "web"
DEMO_PASSWORDS = {"alice": "alice-demo-password", "bob": "bob-demo-password"}
WIDE, NARROW = 1440, 375


def _require_browser() -> bool:
    return os.environ.get("OCS_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set OCS_CHROMIUM)"
        if _require_browser():
            pytest.fail(f"Browser tests must run here (OCS_REQUIRE_BROWSER): {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db: Any) -> dict[str, str]:
    """The demo network (configdb), users and proposal; the configdb client starts afresh."""
    from openocs.configdb.demo import load_demo as load_configdb_demo
    from openocs.portal.demo import load_demo as load_portal_demo
    from openocs.web.clients import reset_clients

    reset_clients()
    load_configdb_demo()
    load_portal_demo()
    return dict(DEMO_PASSWORDS)


def _is_local(url: str, live_url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.netloc == urlsplit(live_url).netloc


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page in a new browser context; fails the test on any request to another host (one that
    the page's Content-Security-Policy blocked does not count) and on any JavaScript error."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDE, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(30_000)  # generous: CI and shared machines are busy
    context.set_default_navigation_timeout(60_000)
    foreign: list[str] = []
    errors: list[str] = []
    browser_page = context.new_page()
    browser_page.on(
        "request",
        lambda request: (
            None if _is_local(request.url, live_server.url) else foreign.append(request.url)
        ),
    )
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    # a request the page's Content-Security-Policy stopped never left the browser
    browser_page.on(
        "requestfailed",
        lambda request: (
            foreign.remove(request.url)
            if request.failure == "csp" and request.url in foreign
            else None
        ),
    )
    yield browser_page
    context.close()
    assert not foreign, f"the page fetched from other hosts: {foreign}"
    assert not errors, f"JavaScript errors on the page: {errors}"


def login(page: Any, username: str, password: str | None = None) -> None:
    """Sign in through the login form as a person would; lands on the dashboard."""
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password or DEMO_PASSWORDS.get(username, ""))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def screenshot(page: Any, name: str) -> None:
    """With ``OCS_SCREENSHOTS=1``: full-page PNGs at 1440 and 375 px for the docs."""
    if os.environ.get("OCS_SCREENSHOTS", "") not in {"1", "true", "yes"}:
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)  # let responsive plots redraw
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def assert_accessible(
    page: Any, *, impacts: frozenset[str] = frozenset({"serious", "critical"})
) -> None:
    """axe-core (shipped in axe-playwright-python) finds no violation of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in impacts]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node.get("target") else "?" for node in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"accessibility violations on {page.url}:\n{report}"


def night_sky_target() -> dict[str, Any]:
    """An ICRS target high in tonight's sky from every site: opposite the Sun, on the equator
    (the Sun's mean longitude is good to a few degrees, which is plenty here)."""
    from datetime import UTC, datetime

    days = (datetime.now(UTC) - datetime(2000, 1, 1, 12, tzinfo=UTC)).total_seconds() / 86400
    sun_ra_deg = (280.46 + 0.9856474 * days) % 360
    return {"name": "Night field", "type": "ICRS", "ra": (sun_ra_deg + 180) % 360, "dec": 0.0}


def submit_group(username: str, name: str, *, requests: int = 1) -> Any:
    """Submit a request group of ``requests`` imaging requests on DEMO-001 through the same
    validation and service as ``POST /api/requestgroups/``; returns the group."""
    from datetime import UTC, datetime, timedelta

    from django.contrib.auth import get_user_model

    from openocs.portal.requestgroups import services
    from openocs.portal.requestgroups.validation import requestgroup_validate

    user = get_user_model().objects.get(username=username)
    start = datetime.now(UTC)
    request = {
        "configurations": [
            {
                "type": "EXPOSE",
                "instrument_type": "1M0-SCICAM-SINISTRO",
                "target": night_sky_target(),
                "constraints": {"max_airmass": 2.0, "min_lunar_distance": 10},
                "instrument_configs": [
                    {"exposure_time": 60, "exposure_count": 2, "optical_elements": {"filter": "v"}}
                ],
                "acquisition_config": {},
                "guiding_config": {},
            }
        ],
        "windows": [{"start": start.isoformat(), "end": (start + timedelta(days=5)).isoformat()}],
        "location": {"telescope_class": "1m0"},
    }
    data = {
        "name": name,
        "proposal": "DEMO-001",
        "ipp_value": 1.0,
        "operator": "MANY" if requests > 1 else "SINGLE",
        "observation_type": "NORMAL",
        "requests": [request] * requests,
    }
    validation = requestgroup_validate(data=data, user=user)
    assert validation.validated_data is not None, validation.errors
    return services.requestgroup_submit(data=validation.validated_data, user=user)


def make_user(username: str, password: str = "another-long-password-1") -> str:  # noqa: S107
    """A signed-up user who belongs to no proposal; returns the password."""
    from openocs.portal.accounts import services

    services.user_create(
        username=username,
        email=f"{username}@example.org",
        password=password,
        first_name=username.capitalize(),
        last_name="Outsider",
        terms_accepted=None,
    )
    return password
