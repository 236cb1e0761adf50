"""Staff see the network schedule: observations by state, a downtime block, now; a click on an
observation opens its request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.browser.conftest import assert_accessible, login, make_user, screenshot, submit_group


def make_staff(username: str) -> str:
    from django.contrib.auth import get_user_model

    from openocs.portal.accounts.models import Profile

    password = make_user(username)
    get_user_model().objects.filter(username=username).update(is_staff=True)
    Profile.objects.filter(user__username=username).update(staff_view=True)
    return password


def fill_the_network(now: datetime) -> Any:
    """Observations in every state on the demo telescopes, an RR and a TC, and one downtime;
    returns the pending observation to click."""
    from openocs.downtime.models import Downtime
    from openocs.portal.observations.models import Observation
    from openocs.portal.requestgroups.configuration import load_portal_configuration
    from openocs.portal.requestgroups.models import RequestGroup

    telescopes = load_portal_configuration().telescopes
    hour = now.replace(minute=0, second=0, microsecond=0)
    plan = [  # (telescope index, hours from now, length in hours, state, group type)
        (0, -20, 3, "COMPLETED", "NORMAL"),
        (0, -14, 2, "FAILED", "NORMAL"),
        (0, 6, 4, "PENDING", "NORMAL"),
        (1, -1, 3, "IN_PROGRESS", "NORMAL"),
        (1, 10, 2, "PENDING", "TIME_CRITICAL"),
        (2, -8, 2, "ABORTED", "NORMAL"),
        (2, 20, 3, "PENDING", "RAPID_RESPONSE"),
        (3, -18, 4, "COMPLETED", "NORMAL"),
    ]
    observations = []
    for index, (row, offset, length, state, kind) in enumerate(plan):
        group = submit_group("alice", f"Field {index + 1}")
        RequestGroup.objects.filter(pk=group.pk).update(observation_type=kind)
        telescope = telescopes[row % len(telescopes)]
        start = hour + timedelta(hours=offset)
        observations.append(
            Observation.objects.create(
                request=group.requests.get(),
                site=telescope.site,
                enclosure=telescope.enclosure,
                telescope=telescope.code,
                start=start,
                end=start + timedelta(hours=length),
                state=state,
            )
        )
    down = telescopes[3 % len(telescopes)]
    Downtime.objects.create(
        start=hour + timedelta(hours=12),
        end=hour + timedelta(hours=30),
        site=down.site,
        enclosure=down.enclosure,
        telescope=down.code,
        reason="Mirror recoating",
    )
    return observations[2]


# where the plot draws a block: its hover point (the block's centre) in the page's pixels
BLOCK_CENTRE = """(url) => {
  const plot = document.getElementById("network-schedule");
  const blocks = plot.data.find((trace) => trace.name === "blocks");
  const index = blocks.customdata.indexOf(url);
  const xaxis = plot._fullLayout.xaxis, yaxis = plot._fullLayout.yaxis;
  const area = plot.querySelector(".nsewdrag").getBoundingClientRect();
  return {x: area.left + xaxis.l2p(xaxis.d2l(blocks.x[index])),
          y: area.top + yaxis.l2p(yaxis.d2l(blocks.y[index]))};
}"""


def plotted_blocks(page: Any) -> list[str]:
    """The hover texts of the blocks the plot holds (downtimes first)."""
    texts: list[str] = page.evaluate(
        """() => document.getElementById("network-schedule").data
          .find((trace) => trace.name === "blocks").hovertext"""
    )
    return texts


def drawn_paths(page: Any) -> int:
    """How many filled paths the plot draws (one per kind of block and shading)."""
    count: int = page.evaluate(
        """() => [...document.querySelectorAll("#network-schedule .js-fill")]
          .filter((path) => (path.getAttribute("d") || "").length > 10).length"""
    )
    return count


def test_staff_see_the_schedule_and_open_an_observation(page: Any, demo: dict[str, str]) -> None:
    pending = fill_the_network(datetime.now(UTC))
    password = make_staff("opal")
    login(page, "opal", password)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Schedule", exact=True
    ).click()
    assert page.get_by_role("heading", name="Network schedule", level=1).is_visible()
    page.wait_for_selector("#network-schedule[data-drawn]")
    legend = page.locator("#network-schedule .legendtext")
    assert "downtime" in legend.all_text_contents()
    assert "rapid response / time critical" in legend.all_text_contents()
    # twilight, night, downtime, the urgent band and 5 states: one path each, however many blocks
    assert drawn_paths(page) == 9
    assert len(plotted_blocks(page)) == 9
    screenshot(page, "network-schedule")
    assert_accessible(page)

    page.get_by_text("8 observations and 1 downtime as a list").click()
    assert page.get_by_role("cell", name="Mirror recoating", exact=False).is_visible()

    # hover the pending observation's block like a person would: its label shows; a click opens
    page.evaluate("() => document.getElementById('network-schedule').scrollIntoView()")
    centre = page.evaluate(BLOCK_CENTRE, f"/requests/{pending.request_id}/")
    page.mouse.move(centre["x"] - 5, centre["y"] + 2)
    page.mouse.move(centre["x"], centre["y"])
    label = page.locator("#network-schedule .hoverlayer .hovertext")
    label.wait_for()
    assert f"Observation {pending.id} · pending" in label.text_content()
    page.mouse.click(centre["x"], centre["y"])
    page.wait_for_url(f"**/requests/{pending.request_id}/")
    assert page.get_by_role("heading", name=f"Request {pending.request_id}").is_visible()


def test_people_who_are_not_staff_do_not_find_it(page: Any, demo: dict[str, str]) -> None:
    login(page, "alice")
    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Schedule", exact=True)
        .count()
        == 0
    )
    response = page.goto("/network/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
