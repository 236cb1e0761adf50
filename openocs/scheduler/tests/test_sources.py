"""The HTTP data source's mappings (configdb → telescopes, feed → groups, placements → the
§3.1 observation JSON, schedule → current observations) and its outage behaviour, against
recorded-shape documents served by ``httpx.MockTransport`` (no database, no network)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from openocs.clients.configdb import ConfigDBClient, Network, Site
from openocs.clients.downtime import DowntimeClient
from openocs.clients.scheduling import PortalSchedulingClient, ScheduledObservation
from openocs.scheduler.errors import ChangeEventsUnsupported, DataSourceUnavailable
from openocs.scheduler.model import Assignment, GroupOperator, ObservationType
from openocs.scheduler.passes import ObservationState
from openocs.scheduler.sources import (
    HttpDataSource,
    TelescopeInfo,
    current_from_schedule,
    group_from_feed,
    model_telescope,
    observation_elements,
    request_from_feed,
    telescope_class,
    telescopes_from_network,
)

EPOCH = datetime(2030, 1, 2, 0, 0, tzinfo=UTC)
SITES = Path(__file__).parents[2] / "clients" / "tests" / "sites_example.json"
Handler = Callable[[httpx.Request], httpx.Response]


def _site_document(**telescope_changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SITES.read_text())
    site = document["results"][0]
    telescope = site["enclosure_set"][0]["telescope_set"][0]
    telescope.update(telescope_changes)
    result: dict[str, Any] = site
    return result


def _with_instruments(site: dict[str, Any], *states: str) -> dict[str, Any]:
    """The example telescope with one Sinistro per state: fa00 (states[0]), fa01, …"""
    telescope = site["enclosure_set"][0]["telescope_set"][0]
    template = telescope["instrument_set"][0]
    instruments = []
    for index, state in enumerate(states):
        instrument = copy.deepcopy(template)
        instrument["code"] = f"fa{index:02d}"
        instrument["state"] = state
        instrument["autoguider_camera"]["code"] = f"ef{index:02d}"
        instruments.append(instrument)
    telescope["instrument_set"] = instruments
    return site


def _info(site: dict[str, Any]) -> TelescopeInfo:
    network = Network([Site.model_validate(site)])
    [info] = telescopes_from_network(network.telescopes)
    return info


def _raw_request(**changes: Any) -> dict[str, Any]:
    configuration = {
        "id": 20150,
        "instrument_type": "1M0-SCICAM-SINISTRO",
        "guiding_config": {"mode": "ON", "optional": True},
        "extra_params": {},
        "target": {"type": "ICRS", "ra": 83.8, "dec": -5.4, "epoch": 2000},
        "constraints": {"max_airmass": 2.0, "min_lunar_distance": 30},
    }
    second = {**copy.deepcopy(configuration), "id": 20151}
    request: dict[str, Any] = {
        "id": 9913,
        "state": "PENDING",
        "duration": 278.4,
        "configuration_repeats": 1,
        "location": {"telescope_class": "1m0", "site": None, "enclosure": "", "telescope": None},
        "windows": [{"start": "2030-01-02T10:00:00.400000Z", "end": "2030-01-02T12:00:00.700000Z"}],
        "configurations": [configuration, second],
        "acceptability_threshold": 90,
    }
    request.update(changes)
    return request


# -- configdb ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aperture_m", "expected"), [(1.0, "1m0"), (0.4, "0m4"), (2.0, "2m0"), (0.35, "0m4")]
)
def test_telescope_class_is_derived_from_the_aperture(aperture_m: float, expected: str) -> None:
    assert telescope_class(aperture_m) == expected


def test_telescopes_are_keyed_telescope_enclosure_site_with_schedulable_and_staff_types() -> None:
    info = _info(_with_instruments(_site_document(), "MANUAL", "DISABLED"))
    telescope = model_telescope(info, ((0, 3600),))
    assert telescope.key == "1m0a.doma.coj"
    assert telescope.telescope_class == "1m0"
    assert telescope.instrument_types == frozenset()
    assert telescope.staff_instrument_types == {"1M0-SCICAM-SINISTRO"}
    assert telescope.online
    assert telescope.night == ((0, 3600),)


def test_a_telescope_is_offline_when_its_enclosure_is_inactive() -> None:
    site = _site_document()
    site["enclosure_set"][0]["active"] = False
    assert not model_telescope(_info(site), ()).online


def test_telescope_classes_filter_the_network() -> None:
    network = Network([Site.model_validate(_site_document())])
    assert telescopes_from_network(network.telescopes, telescope_classes=["2m0"]) == []
    assert len(telescopes_from_network(network.telescopes, telescope_classes=["1m0"])) == 1


def test_the_visibility_site_carries_the_telescope_limits() -> None:
    site = _info(_site_document(horizon=20.0, zenith_blind_spot=2.5)).site()
    assert (site.latitude_deg, site.longitude_deg) == (-31.272932, 149.070648)
    assert site.elevation_m == 1116
    assert (site.horizon_deg, site.zenith_blind_spot_deg) == (20.0, 2.5)
    assert (site.ha_limit_neg_hours, site.ha_limit_pos_hours) == (-4.6, 4.6)


# -- the request feed --------------------------------------------------------------------------


def test_feed_requests_keep_their_windows_rounded_inwards_and_their_location() -> None:
    request = request_from_feed(_raw_request(), epoch=EPOCH)
    assert request.windows == ((36001, 43200),)
    assert request.duration_s == 279
    assert request.location.telescope_class == "1m0"
    assert request.location.enclosure is None  # "" means "any"
    assert request.instrument_types == ("1M0-SCICAM-SINISTRO", "1M0-SCICAM-SINISTRO")


def test_windows_are_cut_at_the_semester_end() -> None:
    request = request_from_feed(_raw_request(), epoch=EPOCH, until=EPOCH + timedelta(hours=11))
    assert request.windows == ((36001, 39600),)
    gone = request_from_feed(_raw_request(), epoch=EPOCH, until=EPOCH + timedelta(hours=9))
    assert gone.windows == ()


def test_feed_groups_take_operator_type_ipp_and_tac_priority() -> None:
    raw = {
        "id": 7,
        "operator": "many",
        "observation_type": "TIME_CRITICAL",
        "proposal": "P1",
        "is_staff": True,
        "requests": [_raw_request()],
    }
    group = group_from_feed(raw, epoch=EPOCH, tac_priority=30.0)
    assert group is not None
    assert group.operator is GroupOperator.MANY
    assert group.observation_type is ObservationType.TIME_CRITICAL
    assert (group.ipp_value, group.tac_priority, group.is_staff) == (1.0, 30.0, True)


def test_a_group_of_an_unknown_observation_type_is_skipped() -> None:
    raw = {"id": 7, "operator": "SINGLE", "observation_type": "DIRECT", "requests": []}
    assert group_from_feed(raw, epoch=EPOCH, tac_priority=10.0) is None


# -- writing observations (§3.1) ---------------------------------------------------------------


def _assignment(start_s: int = 3600) -> Assignment:
    return Assignment(9913, "1m0a.doma.coj", start_s, start_s + 279, 42.4)


def test_observation_has_one_status_per_configuration_per_repeat_and_the_exact_duration() -> None:
    info = _info(_site_document())
    element = observation_elements(
        _assignment(),
        _raw_request(configuration_repeats=2),
        is_staff=False,
        info=info,
        epoch=EPOCH,
    )
    assert element is not None
    assert element["start"] == "2030-01-02T01:00:00Z"
    assert element["end"] == "2030-01-02T01:04:38.400000Z"  # start + duration, not rounded
    assert (element["site"], element["enclosure"], element["telescope"]) == (
        "coj",
        "doma",
        "1m0a",
    )
    assert element["priority"] == 42
    assert [s["configuration"] for s in element["configuration_statuses"]] == [
        20150,
        20151,
        20150,
        20151,
    ]
    assert element["configuration_statuses"][0] == {
        "configuration": 20150,
        "instrument_name": "fa12",
        "guide_camera_name": "ef09",
    }


def test_a_schedulable_instrument_is_preferred_to_a_manual_one() -> None:
    info = _info(_with_instruments(_site_document(), "MANUAL", "SCHEDULABLE"))
    element = observation_elements(
        _assignment(), _raw_request(), is_staff=True, info=info, epoch=EPOCH
    )
    assert element is not None
    assert {s["instrument_name"] for s in element["configuration_statuses"]} == {"fa01"}


def test_staff_with_a_full_location_may_use_a_non_disabled_instrument_others_may_not() -> None:
    info = _info(_with_instruments(_site_document(), "DISABLED", "MANUAL"))
    full = {"telescope_class": "1m0", "site": "coj", "enclosure": "doma", "telescope": "1m0a"}
    staff = observation_elements(
        _assignment(), _raw_request(location=full), is_staff=True, info=info, epoch=EPOCH
    )
    assert staff is not None
    assert staff["configuration_statuses"][0]["instrument_name"] == "fa01"
    for is_staff, location in ((False, full), (True, {"telescope_class": "1m0"})):
        refused = observation_elements(
            _assignment(),
            _raw_request(location=location),
            is_staff=is_staff,
            info=info,
            epoch=EPOCH,
        )
        assert refused is None


@pytest.mark.parametrize(
    ("guiding", "extra", "allow_self", "expected"),
    [
        ({"mode": "OFF"}, {}, True, None),
        ({}, {}, True, None),
        ({"mode": "ON"}, {}, True, "ef09"),
        ({"mode": "ON"}, {"self_guide": True}, True, "fa12"),
        ({"mode": "ON"}, {"self_guide": True}, False, "ef09"),
    ],
)
def test_the_guide_camera_follows_the_guiding_mode_and_self_guiding(
    guiding: dict[str, Any], extra: dict[str, Any], allow_self: bool, expected: str | None
) -> None:
    site = _site_document()
    instrument = site["enclosure_set"][0]["telescope_set"][0]["instrument_set"][0]
    instrument["instrument_type"]["allow_self_guiding"] = allow_self
    raw = _raw_request()
    for configuration in raw["configurations"]:
        configuration["guiding_config"] = guiding
        configuration["extra_params"] = extra
    element = observation_elements(
        _assignment(), raw, is_staff=False, info=_info(site), epoch=EPOCH
    )
    assert element is not None
    assert element["configuration_statuses"][0].get("guide_camera_name") == expected


# -- current observations ----------------------------------------------------------------------


def test_a_scheduled_observation_with_a_failed_configuration_cannot_complete() -> None:
    observation = ScheduledObservation.model_validate(
        {
            "id": 5,
            "request": {
                "id": 9913,
                "configurations": [{"state": "COMPLETED"}, {"state": "FAILED"}],
            },
            "site": "coj",
            "enclosure": "doma",
            "telescope": "1m0a",
            "start": "2030-01-01T23:59:59.500000Z",
            "end": "2030-01-02T00:10:00.200000Z",
            "state": "IN_PROGRESS",
            "observation_type": "RAPID_RESPONSE",
        }
    )
    current = current_from_schedule(observation, epoch=EPOCH)
    assert current is not None
    assert (current.start_s, current.end_s) == (-1, 601)  # rounded outwards
    assert current.telescope_key == "1m0a.doma.coj"
    assert current.state is ObservationState.IN_PROGRESS
    assert current.is_rapid_response
    assert not current.can_complete


# -- the source over (mock) HTTP ---------------------------------------------------------------


def _source(portal: Handler, *, downtime: Handler | None = None) -> HttpDataSource:
    def configdb(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 1, "next": None, "results": [_site_document()]})

    def no_downtime(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 0, "next": None, "results": []})

    return HttpDataSource(
        portal=PortalSchedulingClient(
            "http://portal.test/", token="k", transport=httpx.MockTransport(portal)
        ),
        configdb=ConfigDBClient("http://configdb.test/", transport=httpx.MockTransport(configdb)),
        downtime=DowntimeClient(
            "http://downtime.test/", transport=httpx.MockTransport(downtime or no_downtime)
        ),
        compute_visibility=False,
    )


def test_downtime_follows_every_page_and_an_empty_instrument_type_means_all() -> None:
    def downtime(request: httpx.Request) -> httpx.Response:
        record = {
            "id": 1,
            "site": "coj",
            "enclosure": "doma",
            "telescope": "1m0a",
            "start": "2030-01-02T01:00:00Z",
            "end": "2030-01-02T02:00:00Z",
            "instrument_type": "",
            "reason": "Maintenance",
        }
        if "page2" in str(request.url):
            second = {**record, "id": 2, "instrument_type": "1M0-SCICAM-SINISTRO"}
            return httpx.Response(200, json={"count": 2, "next": None, "results": [second]})
        assert request.url.params["ends_after"] == "2030-01-02T00:00:00Z"
        page2 = "http://downtime.test/api/?page2=1"
        return httpx.Response(200, json={"count": 2, "next": page2, "results": [record]})

    source = _source(lambda r: httpx.Response(404), downtime=downtime)
    downtimes = source.downtimes(epoch=EPOCH, end=EPOCH + timedelta(days=1))
    assert [(d.telescope_key, d.start_s, d.end_s, d.instrument_type) for d in downtimes] == [
        ("1m0a.doma.coj", 3600, 7200, "all"),
        ("1m0a.doma.coj", 3600, 7200, "1M0-SCICAM-SINISTRO"),
    ]


def test_the_feed_is_read_over_the_semester_with_proposal_priorities() -> None:
    seen: list[str] = []

    def portal(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        assert request.headers["Authorization"] == "Token k"
        if request.url.path == "/api/semesters/":
            semester = {"id": "2029B", "start": "2029-08-01T00:00:00Z", "end": "2030-02-01T00:00Z"}
            return httpx.Response(200, json={"count": 1, "results": [semester]})
        if request.url.path == "/api/requestgroups/schedulable_requests/":
            assert request.url.params["start"] == "2029-08-01T00:00:00Z"
            assert request.url.params["end"] == "2030-01-09T00:00:00Z"
            group = {
                "id": 3,
                "operator": "SINGLE",
                "observation_type": "NORMAL",
                "proposal": "P2",
                "ipp_value": 1.5,
                "requests": [_raw_request()],
            }
            return httpx.Response(200, json=[group])
        if request.url.path == "/api/proposals/":
            return httpx.Response(200, json={"count": 0, "next": None, "results": []})
        if request.url.path == "/api/proposals/P2/":
            return httpx.Response(200, json={"id": "P2", "tac_priority": 25})
        return httpx.Response(404, json={})

    [group] = _source(portal).schedulable_groups(epoch=EPOCH, end=EPOCH + timedelta(days=7))
    assert (group.id, group.tac_priority, group.ipp_value) == (3, 25.0, 1.5)
    assert group.requests[0].id == 9913
    assert seen.count("/api/proposals/P2/") == 1


@pytest.mark.parametrize("status", [502, 503])
def test_a_portal_outage_is_a_retryable_data_source_error(status: int) -> None:
    source = _source(lambda request: httpx.Response(status))
    with pytest.raises(DataSourceUnavailable) as caught:
        source.current_observations(epoch=EPOCH, end=EPOCH + timedelta(days=1))
    assert caught.value.source == "portal"
    assert caught.value.retryable


def test_observations_are_posted_per_telescope_and_per_item_errors_are_not_fatal() -> None:
    posted: list[Any] = []

    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/semesters/":
            semester = {"id": "2029B", "start": "2029-08-01T00:00:00Z", "end": "2030-02-01T00:00Z"}
            return httpx.Response(200, json={"results": [semester]})
        if request.url.path == "/api/requestgroups/schedulable_requests/":
            group = {"id": 3, "operator": "SINGLE", "observation_type": "NORMAL", "proposal": "P"}
            group["requests"] = [_raw_request()]
            return httpx.Response(200, json=[group])
        if request.url.path == "/api/proposals/":
            return httpx.Response(200, json={"results": [{"id": "P", "tac_priority": 10}]})
        if request.url.path == "/api/observations/" and request.method == "POST":
            posted.append(json.loads(request.content))
            return httpx.Response(201, json={"num_created": 0, "errors": {"0": {"x": ["bad"]}}})
        return httpx.Response(404, json={})

    source = _source(portal)
    source.telescopes(epoch=EPOCH, end=EPOCH + timedelta(hours=1))
    source.schedulable_groups(epoch=EPOCH, end=EPOCH + timedelta(days=7))
    created = source.create_observations([_assignment()], epoch=EPOCH)
    assert created == 0
    assert len(posted) == 1
    assert [item["request"] for item in posted[0]] == [9913]


def test_rapid_response_observations_are_posted_in_one_call() -> None:
    posted: list[Any] = []

    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/semesters/":
            semester = {"id": "2029B", "start": "2029-08-01T00:00:00Z", "end": "2030-02-01T00:00Z"}
            return httpx.Response(200, json={"results": [semester]})
        if request.url.path == "/api/requestgroups/schedulable_requests/":
            groups = [
                {
                    "id": group_id,
                    "operator": "SINGLE",
                    "observation_type": "RAPID_RESPONSE",
                    "proposal": "P",
                    "requests": [_raw_request(id=request_id)],
                }
                for group_id, request_id in ((1, 11), (2, 12))
            ]
            return httpx.Response(200, json=groups)
        if request.url.path == "/api/proposals/":
            return httpx.Response(200, json={"results": [{"id": "P", "tac_priority": 10}]})
        if request.url.path == "/api/observations/" and request.method == "POST":
            posted.append(json.loads(request.content))
            return httpx.Response(201, json={"num_created": len(posted[-1]), "errors": {}})
        return httpx.Response(404, json={})

    source = _source(portal)
    source.telescopes(epoch=EPOCH, end=EPOCH + timedelta(hours=1))
    source.schedulable_groups(epoch=EPOCH, end=EPOCH + timedelta(days=7))
    placements = [
        Assignment(12, "1m0a.doma.coj", 7200, 7479, 10.0),
        Assignment(11, "1m0a.doma.coj", 3600, 3879, 10.0),
    ]
    assert source.create_observations(placements, epoch=EPOCH) == 2
    assert [[item["request"] for item in call] for call in posted] == [[11, 12]]


# -- change events -----------------------------------------------------------------------------


def _event(seq: int, kind: str, observation_type: str, telescope_class: str = "1m0") -> Any:
    return {
        "seq": seq,
        "kind": kind,
        "created": "2030-01-02T00:00:00Z",
        "proposal": "P",
        "telescope_class": telescope_class,
        "replan": True,
        "data": {"request_group_id": seq, "observation_type": observation_type},
    }


def _events_source(answers: list[httpx.Response], seen: list[httpx.URL]) -> HttpDataSource:
    def portal(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/changes/"
        seen.append(request.url)
        return answers.pop(0)

    source = _source(portal)
    source.telescope_classes = ("1m0",)
    return source


def test_waiting_for_changes_takes_the_cursor_then_long_polls_replan_events() -> None:
    seen: list[httpx.URL] = []
    source = _events_source(
        [
            httpx.Response(200, json={"last_seq": 41, "events": []}),
            httpx.Response(
                200,
                json={
                    "last_seq": 44,
                    "events": [
                        _event(42, "requestgroup.submitted", "NORMAL"),
                        _event(44, "requestgroup.submitted", "RAPID_RESPONSE"),
                    ],
                },
            ),
            httpx.Response(200, json={"last_seq": 45, "events": []}),
        ],
        seen,
    )

    notice = source.wait_for_change(20.0)
    assert source.wait_for_change(0.0) is None

    assert notice is not None
    assert notice.rapid_response and notice.events == 2 and notice.last_seq == 44
    assert notice.kinds == ("requestgroup.submitted",)
    assert "after" not in seen[0].params
    assert seen[1].params["after"] == "41"
    assert 19.0 < float(seen[1].params["timeout"]) <= 20.0
    assert seen[1].params["replan"] == "true"
    assert (seen[2].params["after"], seen[2].params["timeout"]) == ("44", "0.0")


def test_events_of_other_telescope_classes_are_no_change_for_this_scheduler() -> None:
    seen: list[httpx.URL] = []
    source = _events_source(
        [
            httpx.Response(200, json={"last_seq": 1, "events": []}),
            httpx.Response(
                200, json={"last_seq": 2, "events": [_event(2, "x", "RAPID_RESPONSE", "2m0")]}
            ),
        ],
        seen,
    )
    assert source.wait_for_change(0.0) is None
    assert source._change_cursor == 2


def test_an_empty_answer_before_the_deadline_is_asked_again_but_not_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[httpx.URL] = []
    slept: list[float] = []
    monkeypatch.setattr("openocs.scheduler.sources.time.sleep", slept.append)
    source = _events_source(
        [
            httpx.Response(200, json={"last_seq": 1, "events": []}),
            httpx.Response(200, json={"last_seq": 1, "events": []}),  # a portal capping at 0 s
            httpx.Response(
                200, json={"last_seq": 2, "events": [_event(2, "request.state_changed", "NORMAL")]}
            ),
        ],
        seen,
    )

    notice = source.wait_for_change(30.0)

    assert notice is not None and notice.kinds == ("request.state_changed",)
    assert len(seen) == 3
    assert len(slept) == 1 and 0.4 < slept[0] <= 0.5


@pytest.mark.parametrize("status", [403, 404, 405])
def test_a_portal_without_change_events_says_so_and_is_never_asked_again(status: int) -> None:
    seen: list[httpx.URL] = []
    source = _events_source([httpx.Response(status, json={"detail": "Not found."})], seen)

    for _ in range(3):
        with pytest.raises(ChangeEventsUnsupported, match=f"HTTP {status}"):
            source.wait_for_change(5.0)

    assert len(seen) == 1


def test_a_change_feed_that_is_not_one_counts_as_absent() -> None:
    seen: list[httpx.URL] = []
    source = _events_source([httpx.Response(200, text="<html>portal</html>")], seen)
    with pytest.raises(ChangeEventsUnsupported):
        source.wait_for_change(5.0)


def test_an_outage_of_the_change_feed_is_a_retryable_data_source_error() -> None:
    seen: list[httpx.URL] = []
    source = _events_source([httpx.Response(503)], seen)
    with pytest.raises(DataSourceUnavailable) as caught:
        source.wait_for_change(5.0)
    assert caught.value.retryable


def test_change_events_can_be_switched_off() -> None:
    source = _source(lambda request: httpx.Response(500))
    off = HttpDataSource(
        portal=source.portal,
        configdb=source.configdb,
        downtime=source.downtime,
        change_events=False,
    )
    with pytest.raises(ChangeEventsUnsupported):
        off.wait_for_change(5.0)


# -- telescope availability (contract §2.4) ------------------------------------------------------


def _states_portal(answers: list[httpx.Response], seen: list[str]) -> Handler:
    def portal(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return answers.pop(0) if len(answers) > 1 else answers[0]

    return portal


def _state(key: str, event_type: str) -> list[dict[str, str]]:
    return [
        {
            "telescope": key,
            "event_type": event_type,
            "event_reason": "Weather: Wind",
            "start": "2030-01-02T00:00:00Z",
            "end": "2030-01-02T00:00:00Z",
        }
    ]


def test_a_telescope_whose_current_state_is_not_available_is_offline() -> None:
    seen: list[str] = []
    source = _source(_states_portal([httpx.Response(200, json={})], seen))
    (info,) = source._telescope_infos()
    site, enclosure, telescope = reversed(info.key.split("."))
    state_key = f"{site}.{enclosure}.{telescope}"
    answers = [
        httpx.Response(200, json={state_key: _state(state_key, "NOT_OK_TO_OPEN")}),
        httpx.Response(502, json="ConnectionError - Error retrieving telescope states"),
        httpx.Response(200, json={state_key: _state(state_key, "AVAILABLE")}),
    ]
    source = _source(_states_portal(answers, seen))
    (offline,) = source.telescopes(epoch=EPOCH, end=EPOCH + timedelta(days=1))
    assert not offline.online
    # the state source down: the last good set stays in use, the schedule is not stopped
    assert source.unavailable_telescopes() == {info.key}
    assert source.unavailable_telescopes() == frozenset()


@pytest.mark.parametrize("status", [403, 404, 405])
def test_a_portal_without_telescope_states_is_not_asked_again(status: int) -> None:
    seen: list[str] = []
    source = _source(_states_portal([httpx.Response(status, json={"detail": "Not found."})], seen))
    for _ in range(3):
        assert source.unavailable_telescopes() == frozenset()
    assert seen.count("/api/telescope_states/") == 1
    (telescope,) = source.telescopes(epoch=EPOCH, end=EPOCH + timedelta(days=1))
    assert telescope.online
