"""Extensions: per-telescope overlap query, the iCalendar feed and the category list."""

from __future__ import annotations

import icalendar
import pytest

from openocs.downtime.models import DowntimeCategory
from openocs.downtime.tests.factories import make_downtime, utc

pytestmark = pytest.mark.django_db

OVERLAPS = "/downtime/api/overlaps/"
CALENDAR = "/downtime/api/calendar.ics"


def overlap_query(**changes: str) -> dict[str, str]:
    query = {
        "site": "coj",
        "enclosure": "doma",
        "telescope": "1m0a",
        "start": "2030-01-01T01:00:00Z",
        "end": "2030-01-01T03:00:00Z",
    }
    query.update(changes)
    return query


def test_overlap_query_lists_the_telescopes_overlapping_downtimes(anonymous, configdb):
    hit = make_downtime()  # 00:00-02:00
    make_downtime(start=utc(2030, 1, 1, 3), end=utc(2030, 1, 1, 4))  # touches the end only
    make_downtime(site="lsc")  # another telescope
    body = anonymous.get(OVERLAPS, overlap_query()).json()
    assert body["overlapping"] is True
    assert body["count"] == 1
    assert [r["id"] for r in body["results"]] == [hit.pk]
    assert (body["start"], body["end"]) == ("2030-01-01T01:00:00Z", "2030-01-01T03:00:00Z")


def test_overlap_query_with_instrument_type_keeps_only_applicable_downtimes(anonymous, configdb):
    whole = make_downtime()
    nres = make_downtime(instrument_type="1M0-NRES-SCICAM")
    make_downtime(instrument_type="1M0-SCICAM-SINISTRO")
    body = anonymous.get(OVERLAPS, overlap_query(instrument_type="1m0-nres-scicam")).json()
    assert [r["id"] for r in body["results"]] == [whole.pk, nres.pk]


def test_overlap_query_without_overlap(anonymous, configdb):
    make_downtime()
    body = anonymous.get(OVERLAPS, overlap_query(start="2030-01-02", end="2030-01-03")).json()
    assert (body["overlapping"], body["count"], body["results"]) == (False, 0, [])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"telescope": ""}, "telescope"),
        ({"start": "soon"}, "start"),
        ({"end": "2030-01-01T00:00:00Z"}, "__all__"),
    ],
)
def test_overlap_query_rejects_bad_parameters(anonymous, configdb, changes, field):
    response = anonymous.get(OVERLAPS, overlap_query(**changes))
    assert response.status_code == 400
    assert field in response.json()


def test_calendar_feed_has_one_event_per_downtime_and_honours_filters(anonymous, configdb):
    weather = DowntimeCategory.objects.get(code="weather")
    snowed = make_downtime(site="cpt", enclosure="domc", reason="Snow", category=weather)
    make_downtime(site="lsc")
    response = anonymous.get(CALENDAR, {"site": "cpt"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == f"downtime-{snowed.pk}@testserver"
    assert event.decoded("dtstart") == utc(2030, 1, 1)
    assert event.decoded("dtend") == utc(2030, 1, 1, 2)
    assert str(event["summary"]) == "Downtime cpt.domc.1m0a: Snow"
    assert str(event["location"]) == "cpt.domc.1m0a"


def test_calendar_feed_rejects_a_bad_filter(anonymous, configdb):
    response = anonymous.get(CALENDAR, {"site": "nop"})
    assert response.status_code == 400
    assert "site" in response.json()


def test_categories_are_seeded_as_data(anonymous, configdb):
    response = anonymous.get("/downtime/api/categories/")
    assert [c["code"] for c in response.json()] == [
        "education",
        "engineering",
        "maintenance",
        "weather",
    ]
