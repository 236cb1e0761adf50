"""The network schedule page (staff): its span, its data, its figure and who may see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openocs.clients.downtime import DowntimeClient
from openocs.portal.observations.network_schedule import (
    STATE_COLOURS,
    URGENT_LEGEND,
    SpanError,
    network_schedule,
    rectangles_as_one_polygon,
    schedule_figure,
    schedule_span,
)
from openocs.portal.observations.tests.helpers import make_observation
from openocs.portal.requestgroups.tests.conftest import NOW
from openocs.web.clients import install_client

pytestmark = pytest.mark.django_db

DOWNTIME = {
    "id": 7,
    "start": "2026-09-01T01:00:00Z",
    "end": "2026-09-01T05:00:00Z",
    "site": "lsc",
    "enclosure": "doma",
    "telescope": "1m0a",
    "instrument_type": "",
    "reason": "Mirror recoating",
}


@pytest.fixture
def downtimes(network: None) -> dict[str, Any]:
    """The downtime service answers with ``state["rows"]``, or 503 when ``state["down"]``."""
    state: dict[str, Any] = {"rows": [DOWNTIME], "down": False, "queries": []}

    def handler(request: httpx.Request) -> httpx.Response:
        state["queries"].append(dict(request.url.params))
        if state["down"]:
            return httpx.Response(503, json={"detail": "down"})
        return httpx.Response(200, json={"count": 1, "next": None, "results": state["rows"]})

    install_client(
        "downtime", DowntimeClient("http://downtime.test/", transport=httpx.MockTransport(handler))
    )
    return state


@pytest.fixture
def staff(make_persona: Any) -> Any:
    persona = make_persona("sasha", is_staff=True, staff_view=True)
    persona.user = type(persona.user).objects.get(pk=persona.user.pk)  # profile read afresh
    return persona


# --- the span ---------------------------------------------------------------------------------


def test_span_defaults_to_the_last_day_and_the_next_two():
    assert schedule_span({}, now=NOW) == (NOW - timedelta(hours=24), NOW + timedelta(hours=48))


def test_span_reads_iso_times_as_utc():
    start, end = schedule_span({"start": "2026-09-01T00:00", "end": "2026-09-02T12:00Z"}, now=NOW)
    assert start == datetime(2026, 9, 1, tzinfo=UTC)
    assert end == datetime(2026, 9, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"start": "yesterday"}, "start", "not a date"),
        ({"start": "2026-09-02T00:00", "end": "2026-09-01T00:00"}, "end", "after start"),
        ({"start": "2026-09-01T00:00", "end": "2026-10-01T00:00"}, "end", "at most 14 days"),
    ],
)
def test_span_errors_name_the_field(params, field, words):
    with pytest.raises(SpanError) as caught:
        schedule_span(params, now=NOW)
    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}:")
    assert words in caught.value.message


# --- the data ---------------------------------------------------------------------------------


def span() -> tuple[datetime, datetime]:
    return datetime(2026, 8, 31, 12, tzinfo=UTC), datetime(2026, 9, 2, tzinfo=UTC)


def test_schedule_has_every_telescope_its_observations_downtime_and_nights(
    staff, proposal, downtimes, frozen_now
):
    inside = datetime(2026, 9, 1, 2, tzinfo=UTC)
    shown = make_observation(proposal, staff.user, "Shown", start=inside)
    urgent = make_observation(
        proposal, staff.user, "Urgent", start=inside, observation_type="RAPID_RESPONSE"
    )
    make_observation(proposal, staff.user, "Too late", start=datetime(2026, 9, 3, tzinfo=UTC))
    make_observation(proposal, staff.user, "Replaced", start=inside, state="CANCELED")
    start, end = span()
    schedule = network_schedule(user=staff.user, start=start, end=end, now=frozen_now)

    assert "lsc.doma.1m0a" in schedule.telescopes
    assert len(schedule.telescopes) > 1
    assert {b.url for b in schedule.observations} == {
        f"/requests/{shown.request_id}/",
        f"/requests/{urgent.request_id}/",
    }
    assert [b.mark for b in schedule.observations if b.url.endswith(f"/{urgent.request_id}/")] == [
        "RR"
    ]
    (downtime,) = schedule.downtimes
    assert downtime.telescope == "lsc.doma.1m0a"
    assert "Mirror recoating" in downtime.label
    assert downtimes["queries"][0]["ends_after"] == "2026-08-31T12:00:00Z"
    assert schedule.nights["lsc"], "Chile has a night in 36 hours"
    for begin, finish in schedule.nights["lsc"]:
        assert any(b <= begin and finish <= f for b, f in schedule.twilights["lsc"])


def test_observations_take_one_query_whatever_their_number(staff, proposal, downtimes):
    start, end = span()
    make_observation(proposal, staff.user, "one", start=datetime(2026, 9, 1, 2, tzinfo=UTC))
    network_schedule(user=staff.user, start=start, end=end, now=NOW, shade_nights=False)  # warm
    with CaptureQueriesContext(connection) as one:
        network_schedule(user=staff.user, start=start, end=end, now=NOW, shade_nights=False)
    for index in range(5):
        make_observation(
            proposal, staff.user, f"more {index}", start=datetime(2026, 9, 1, 3, tzinfo=UTC)
        )
    with CaptureQueriesContext(connection) as six:
        schedule = network_schedule(
            user=staff.user, start=start, end=end, now=NOW, shade_nights=False
        )
    assert len(schedule.observations) == 6
    assert len(six) == len(one) == 1


def test_downtime_outage_keeps_the_observations(staff, proposal, downtimes):
    downtimes["down"] = True
    make_observation(proposal, staff.user, "one", start=datetime(2026, 9, 1, 2, tzinfo=UTC))
    start, end = span()
    schedule = network_schedule(user=staff.user, start=start, end=end, now=NOW)
    assert schedule.downtimes == []
    assert "downtime database does not answer" in schedule.downtime_error
    assert len(schedule.observations) == 1


def test_a_telescope_gone_from_the_network_keeps_its_row(staff, proposal, downtimes):
    make_observation(
        proposal,
        staff.user,
        "old",
        start=datetime(2026, 9, 1, 2, tzinfo=UTC),
        telescope=("xyz", "domz", "0m4z"),
    )
    start, end = span()
    schedule = network_schedule(user=staff.user, start=start, end=end, now=NOW, shade_nights=False)
    assert schedule.telescopes[-1] == "xyz.domz.0m4z"


# --- the figure -------------------------------------------------------------------------------


def test_figure_colours_states_marks_urgent_links_blocks_and_draws_now(staff, proposal, downtimes):
    inside = datetime(2026, 9, 1, 2, tzinfo=UTC)
    done = make_observation(proposal, staff.user, "done", start=inside, state="COMPLETED")
    failed = make_observation(
        proposal, staff.user, "tc", start=inside, state="FAILED", observation_type="TIME_CRITICAL"
    )
    start, end = span()
    schedule = network_schedule(user=staff.user, start=start, end=end, now=NOW)
    figure = schedule_figure(schedule)
    drawn = {t["name"]: t for t in figure["data"] if t["type"] == "scatter"}
    legend = [t["name"] for t in figure["data"] if t.get("showlegend", True)]
    assert legend == ["downtime", URGENT_LEGEND, "completed", "failed"]
    # every kind of block is one filled path, drawn under its legend entry's group
    assert list(drawn) == [
        "twilight",
        "night",
        "downtime",
        "urgent",
        "completed",
        "failed",
        "blocks",
        "now",
    ]
    for name in ("downtime", "urgent", "completed", "failed"):
        assert drawn[name]["fill"] == "toself" and drawn[name]["mode"] == "none"
        assert None not in drawn[name]["x"], "a gap would cost an SVG element per block"
    assert drawn["failed"]["fillcolor"] == STATE_COLOURS["FAILED"]
    row = schedule.telescopes.index("lsc.doma.1m0a")
    failed_block = next(b for b in schedule.observations if b.kind == "FAILED")
    assert polygon_area(drawn["failed"]) == pytest.approx(
        area_ms(failed_block.start, failed_block.end) * 0.6
    )
    # only the time-critical block sits on the black band
    assert polygon_area(drawn["urgent"]) == pytest.approx(
        area_ms(failed_block.start, failed_block.end) * 0.78
    )
    assert set(drawn["downtime"]["y"]) == {row - 0.45, row + 0.45}
    # hover and click: one point per block, its label, its colour and the page to open
    blocks = drawn["blocks"]
    assert blocks["mode"] == "none"
    assert blocks["customdata"] == [
        "",
        f"/requests/{done.request_id}/",
        f"/requests/{failed.request_id}/",
    ]
    assert "Mirror recoating" in blocks["hovertext"][0]
    assert "time critical" in blocks["hovertext"][2]
    assert blocks["hoverlabel"]["bgcolor"][2] == STATE_COLOURS["FAILED"]
    assert blocks["y"] == [row, row, row]
    assert drawn["now"]["x"] == [int(NOW.timestamp() * 1000)] * 2
    assert "shapes" not in figure["layout"], "layout shapes are redrawn on every zoom step"
    assert figure["layout"]["yaxis"]["ticktext"] == schedule.telescopes
    assert figure["config"]["scrollZoom"] is True


def area_ms(begin: datetime, finish: datetime) -> float:
    return (finish - begin).total_seconds() * 1000


def polygon_area(trace: dict[str, Any]) -> float:
    """The shoelace formula: the area the polygon encloses (its bridges enclose none)."""
    points: list[tuple[float, float]] = list(zip(trace["x"], trace["y"], strict=True))
    return abs(
        sum(
            x0 * y1 - x1 * y0
            for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
        )
        / 2
    )


def test_rectangles_make_one_polygon_whose_bridges_enclose_nothing():
    hour = timedelta(hours=1)
    t0 = datetime(2026, 9, 1, tzinfo=UTC)
    rectangles = [(t0, t0 + hour, 0.7, 1.3), (t0 + 3 * hour, t0 + 5 * hour, 2.7, 3.3)]
    xs, ys = rectangles_as_one_polygon(rectangles)
    assert len(xs) == len(ys) == 11  # five corners each, one step back over the bridge
    trace = {"x": xs, "y": ys}
    assert polygon_area(trace) == pytest.approx(area_ms(t0, t0 + hour) * 0.6 * 3)
    assert (xs[0], ys[0]) == (xs[-1], ys[-1]), "the walk ends where it began"
    assert rectangles_as_one_polygon([]) == ([], [])


# --- the page ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client, network):
    response = client.get("/network/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_other_users_get_not_found(client, make_persona, network):
    client.force_login(make_persona("dora").user)
    response = client.get("/network/")
    assert response.status_code == 404


def test_staff_see_the_schedule_and_its_navigation_entry(client, staff, proposal, downtimes):
    client.force_login(staff.user)
    page = client.get("/network/").content.decode()
    assert "<h1>Network schedule</h1>" in page
    assert 'id="network-schedule" class="plot" role="group"' in page  # it holds the mode bar
    assert 'href="/network/"' in page
    assert "staff view is off" not in page


def test_staff_without_staff_view_are_told_they_see_their_proposals_only(
    client, make_persona, downtimes
):
    client.force_login(make_persona("stan", is_staff=True).user)
    assert "staff view is off" in client.get("/network/").content.decode()


def test_a_bad_span_is_a_400_naming_the_field(client, staff, downtimes):
    client.force_login(staff.user)
    response = client.get("/network/", {"start": "soon"})
    assert response.status_code == 400
    assert "start: not a date and time" in response.content.decode()


def test_the_navigation_hides_the_schedule_from_others(client, make_persona, network):
    client.force_login(make_persona("dora").user)
    assert 'href="/network/"' not in client.get("/telescopes/").content.decode()
