"""Staff see the network's configuration at a glance and open an object in the admin."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import assert_accessible, login, screenshot
from tests.browser.test_network_schedule import make_staff


def test_staff_see_the_network_and_edit_a_telescope_in_the_admin(
    page: Any, demo: dict[str, str]
) -> None:
    from django.contrib.auth import get_user_model

    password = make_staff("opal")
    get_user_model().objects.filter(username="opal").update(is_superuser=True)
    login(page, "opal", password)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Config", exact=True
    ).click()
    assert page.get_by_role("heading", name="Network configuration", level=1).is_visible()
    assert page.get_by_role("heading", name="Instrument types").is_visible()
    assert page.locator('.badge[data-state="SCHEDULABLE"]').count() > 0
    screenshot(page, "config-overview")
    assert_accessible(page)

    page.get_by_role("link", name="Edit telescope coj.doma.1m0a", exact=True).click()
    page.wait_for_url("**/admin/configdb/telescope/*/change/")
    assert page.get_by_role("heading", name="Change telescope").is_visible()


def test_people_who_are_not_staff_do_not_find_it(page: Any, demo: dict[str, str]) -> None:
    login(page, "alice")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Config", exact=True).count() == 0
    assert page.goto("/configdb/network/").status == 404
