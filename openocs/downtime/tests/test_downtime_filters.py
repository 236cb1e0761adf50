"""List filters of ``api/`` (downtime-api.md §3), including the consumers' exact queries."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from openocs.downtime.models import Downtime, DowntimeCategory
from openocs.downtime.tests.factories import make_downtime, utc

pytestmark = pytest.mark.django_db

URL = "/downtime/api/"


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [record["id"] for record in response.json()["results"]]


@pytest.fixture
def week(configdb):
    """Downtimes around the scheduler's horizon 2030-01-01 00:06 .. 2030-01-08 00:06."""
    return {
        "before": make_downtime(start=utc(2029, 12, 30), end=utc(2030, 1, 1)),
        "touching_start": make_downtime(start=utc(2029, 12, 31), end=utc(2030, 1, 1, 0, 6)),
        "inside": make_downtime(start=utc(2030, 1, 3), end=utc(2030, 1, 4), site="lsc",
                                enclosure="domb", instrument_type="1M0-NRES-SCICAM",
                                reason="NRES service"),
        "spanning": make_downtime(start=utc(2029, 12, 1), end=utc(2030, 2, 1), reason="Recoat"),
        "after": make_downtime(start=utc(2030, 1, 8, 0, 7), end=utc(2030, 1, 9), site="ogg",
                               enclosure="clma", telescope="2m0a"),
    }  # fmt: skip


def test_scheduler_horizon_query_returns_exactly_the_overlapping_downtimes(anonymous, week):
    response = anonymous.get(
        URL + "?ends_after=2030-01-01 00:06:00&starts_before=2030-01-08 00:06:00"
    )
    assert set(ids(response)) == {
        week["touching_start"].pk,
        week["inside"].pk,
        week["spanning"].pk,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"starts_after": "2030-01-03T00:00:00Z"}, ["inside", "after"]),
        ({"starts_before": "2029-12-30"}, ["spanning", "before"]),
        ({"ends_before": "2030-01-01T00:06:00+00:00"}, ["before", "touching_start"]),
        ({"ends_after": "2030-01-09T02:00:00+02:00"}, ["spanning", "after"]),
        ({"overlaps": "2030-01-03T12:00:00Z,2030-01-05T00:00:00Z"}, ["spanning", "inside"]),
    ],
)
def test_time_filters(anonymous, week, params, expected):
    assert ids(anonymous.get(URL, params)) == [week[name].pk for name in expected]


def test_code_filters_are_repeatable_and_exact(anonymous, week):
    response = anonymous.get(URL, {"site": ["lsc", "ogg"]})
    assert ids(response) == [week["inside"].pk, week["after"].pk]
    assert ids(anonymous.get(URL, {"telescope": "2m0a"})) == [week["after"].pk]
    assert ids(anonymous.get(URL, {"instrument_type": "1M0-NRES-SCICAM"})) == [week["inside"].pk]
    assert len(ids(anonymous.get(URL, {"enclosure": "doma", "site": "coj"}))) == 3


@pytest.mark.parametrize("field", ["site", "enclosure", "telescope", "instrument_type"])
def test_unknown_code_in_a_filter_is_a_400_choice_error(anonymous, configdb, field):
    response = anonymous.get(URL, {field: "BOGUS"})
    assert response.status_code == 400
    assert response.json() == {
        field: ["Select a valid choice. BOGUS is not one of the available choices."]
    }


def test_a_stored_code_that_configdb_no_longer_knows_is_still_filterable(anonymous, configdb):
    renamed = make_downtime(site="old")
    assert ids(anonymous.get(URL, {"site": "old"})) == [renamed.pk]


def test_reason_is_case_insensitive_contains_and_reason_exact_is_exact(anonymous, week):
    assert ids(anonymous.get(URL, {"reason": "nres"})) == [week["inside"].pk]
    assert ids(anonymous.get(URL, {"reason_exact": "NRES service"})) == [week["inside"].pk]
    assert ids(anonymous.get(URL, {"reason_exact": "NRES"})) == []


def test_portal_real_time_lookup_finds_exactly_one(anonymous, configdb):
    make_downtime(reason="1234")
    target = make_downtime(reason="123")
    response = anonymous.get(
        URL, {"site": "coj", "enclosure": "doma", "telescope": "1m0a", "reason_exact": "123"}
    )
    assert ids(response) == [target.pk]


def test_created_and_modified_filters(anonymous, configdb):
    with time_machine.travel(utc(2029, 1, 1), tick=False):
        old = make_downtime()
    with time_machine.travel(utc(2029, 6, 1), tick=False):
        new = make_downtime()
    assert ids(anonymous.get(URL, {"created_after": "2029-03-01"})) == [new.pk]
    assert ids(anonymous.get(URL, {"created_before": "2029-03-01"})) == [old.pk]
    with time_machine.travel(utc(2029, 9, 1), tick=False):
        old.reason = "touched"
        old.save()
    assert ids(anonymous.get(URL, {"modified_after": "2029-08-01T00:00:00Z"})) == [old.pk]
    assert ids(anonymous.get(URL, {"modified_before": "2029-08-01T00:00:00Z"})) == [new.pk]


@pytest.mark.parametrize("name", ["order", "ordering"])
def test_order_and_ordering(anonymous, week, name):
    by_end_desc = ids(anonymous.get(URL, {name: "-end"}))
    ends = [Downtime.objects.get(pk=pk).end for pk in by_end_desc]
    assert ends == sorted(ends, reverse=True)
    assert anonymous.get(URL, {name: "reason"}).status_code == 400


def test_category_filter(anonymous, configdb):
    weather = DowntimeCategory.objects.get(code="weather")
    snowed = make_downtime(category=weather)
    make_downtime()
    assert ids(anonymous.get(URL, {"category": "weather"})) == [snowed.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"ends_after": "next tuesday"},
        {"starts_before": "2030-13-01"},
        {"overlaps": "2030-01-01"},
        {"overlaps": "2030-01-02,2030-01-01"},
    ],
)
def test_unparseable_filter_values_are_400_naming_the_parameter(anonymous, configdb, params):
    response = anonymous.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_unknown_parameters_are_ignored(anonymous, week):
    assert len(ids(anonymous.get(URL, {"frobnicate": "1"}))) == 5


def test_offset_paging_follows_next_through_every_row(anonymous, week):
    url = URL + "?limit=2&order=start"
    seen: list[int] = []
    while url:
        page = anonymous.get(url).json()
        seen.extend(record["id"] for record in page["results"])
        url = page["next"]
    assert sorted(seen) == sorted(d.pk for d in week.values())
    assert len(seen) == 5
