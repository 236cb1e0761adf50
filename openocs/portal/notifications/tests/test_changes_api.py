"""Change events (beyond the reference): the sequence written on submission, request state
changes and observation failures, the ``GET /api/changes/`` long poll, and Redis pub/sub."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from openocs.portal import events
from openocs.portal.conftest import Persona
from openocs.portal.notifications import selectors
from openocs.portal.notifications.models import ChangeEvent
from openocs.portal.observations.tests.helpers import report, schedule, status_ids, submit

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def _changes(staff: Persona, query: str) -> dict[str, Any]:
    response = staff.client.get(f"/api/changes/?{query}")
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def test_without_a_cursor_the_answer_is_the_current_sequence(
    submitter: Persona, staff_view_user: Persona
) -> None:
    assert _changes(staff_view_user, "") == {"last_seq": 0, "events": []}
    submit(submitter)
    top = ChangeEvent.objects.order_by("-id").first()
    assert top is not None
    assert _changes(staff_view_user, "") == {"last_seq": top.id, "events": []}


def test_submission_cancellation_and_failure_publish_events_in_order(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    cursor = _changes(staff_view_user, "")["last_seq"]
    group = submit(submitter)
    request = group["requests"][0]
    start = frozen_now + timedelta(hours=2)
    observation = schedule(staff_view_user, request, start)
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        report(
            staff_view_user,
            status_ids(observation)[0],
            state="FAILED",
            start=start,
            seconds=60,
            time_completed=0,
            reason="dome closed",
        )
    submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    answer = _changes(staff_view_user, f"after={cursor}")
    found = [
        (e["kind"], e["data"].get("old_state"), e["data"].get("new_state"), e["replan"])
        for e in answer["events"]
    ]
    assert found == [
        ("requestgroup.submitted", None, None, True),
        ("observation.state_changed", "PENDING", "FAILED", True),
        ("request.state_changed", "PENDING", "CANCELED", True),
        ("requestgroup.state_changed", "PENDING", "CANCELED", True),
    ]
    seqs = [e["seq"] for e in answer["events"]]
    assert seqs == sorted(seqs)
    assert answer["last_seq"] == seqs[-1]
    failed = answer["events"][1]
    assert failed["telescope_class"] == "1m0"
    assert failed["data"]["observation_id"] == observation["id"]
    assert failed["proposal"] == "LCO2026B-001"
    assert _changes(staff_view_user, f"after={seqs[-1]}") == {"last_seq": seqs[-1], "events": []}


def test_cancelled_observations_are_published_without_replan(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = submit(submitter)["requests"][0]
    observation = schedule(staff_view_user, request, frozen_now + timedelta(hours=3))
    cursor = _changes(staff_view_user, "")["last_seq"]
    staff_view_user.client.post(
        "/api/observations/cancel/", {"ids": [observation["id"]]}, format="json"
    )
    everything = _changes(staff_view_user, f"after={cursor}")
    assert [(e["kind"], e["data"]["new_state"], e["replan"]) for e in everything["events"]] == [
        ("observation.state_changed", "CANCELED", False)
    ]
    replan_only = _changes(staff_view_user, f"after={cursor}&replan=true")
    assert replan_only == {"last_seq": everything["last_seq"], "events": []}


def test_changes_are_for_staff_and_check_their_parameters(
    submitter: Persona, staff_view_user: Persona, anonymous_client: Any
) -> None:
    assert anonymous_client.get("/api/changes/").status_code == 401
    assert submitter.client.get("/api/changes/").status_code == 403
    bad = staff_view_user.client.get("/api/changes/?after=-1&timeout=soon")
    assert bad.status_code == 400
    assert set(bad.json()) == {"after", "timeout"}


def test_the_long_poll_returns_as_soon_as_an_event_arrives(db: Any) -> None:
    clock = [0.0]
    naps: list[float] = []

    def sleep(seconds: float) -> None:  # the "wait": another worker publishes meanwhile
        naps.append(seconds)
        clock[0] += seconds
        if len(naps) == 3:
            events.publish(kind="test.arrived", payload={"n": 1})

    found, cursor = selectors.events_wait(
        after=0, timeout_s=30.0, limit=10, sleep=sleep, clock=lambda: clock[0]
    )
    assert [e.kind for e in found] == ["test.arrived"]
    assert cursor == found[0].id
    assert naps == [0.5, 0.5, 0.5]  # polled every half second, returned at once


def test_the_long_poll_gives_up_at_its_timeout(db: Any) -> None:
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    found, cursor = selectors.events_wait(
        after=0, timeout_s=1.2, limit=10, sleep=sleep, clock=lambda: clock[0]
    )
    assert (found, cursor) == ([], 0)
    assert clock[0] == pytest.approx(1.2)


def test_the_wait_is_capped_by_the_setting(
    staff_view_user: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float] = []

    def fake_wait(**kwargs: Any) -> tuple[list[ChangeEvent], int]:
        seen.append(kwargs["timeout_s"])
        return [], kwargs["after"]

    monkeypatch.setattr(selectors, "events_wait", fake_wait)
    with override_settings(OCS_CHANGES_MAX_WAIT_S=30.0):
        _changes(staff_view_user, "after=0&timeout=600")
        _changes(staff_view_user, "after=0&timeout=2.5")
    assert seen == [30.0, 2.5]


def test_a_young_gap_in_the_sequence_holds_the_cursor_until_it_settles(
    frozen_now: datetime, db: Any
) -> None:
    first = events.publish(kind="test.a", payload={})
    hole = events.publish(kind="test.uncommitted", payload={})
    last = events.publish(kind="test.c", payload={})
    assert first and hole and last
    ChangeEvent.objects.filter(pk=hole.pk).delete()  # as if still in flight in another worker
    assert [e.id for e in selectors.events_after(after=0, limit=10)] == [first.id]
    assert selectors.events_after(after=first.id, limit=10) == []
    with time_machine.travel(frozen_now + timedelta(seconds=3), tick=False):
        assert [e.id for e in selectors.events_after(after=0, limit=10)] == [first.id, last.id]
        assert [e.id for e in selectors.events_after(after=first.id, limit=10)] == [last.id]


def _redis() -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1.0)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


def test_events_are_published_on_redis_after_the_commit(
    submitter: Persona, django_capture_on_commit_callbacks: Capture
) -> None:
    client = _redis()
    subscription = client.pubsub()
    subscription.subscribe(events.REDIS_CHANNEL)
    assert subscription.get_message(timeout=2.0)["type"] == "subscribe"
    try:
        with override_settings(REDIS_URL="redis://127.0.0.1:6379/0"):
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                group = submit(submitter)
            assert subscription.get_message(timeout=0.2) is None  # nothing before the commit
            for callback in callbacks:
                callback()
        message = subscription.get_message(timeout=5.0)
        assert message is not None
        document = json.loads(message["data"])
        assert document["kind"] == "requestgroup.submitted"
        assert document["data"]["request_group_id"] == group["id"]
        assert document["seq"] == ChangeEvent.objects.get(kind="requestgroup.submitted").id
    finally:
        subscription.close()
        client.close()


def test_redis_being_down_does_not_fail_the_operation(
    submitter: Persona,
    django_capture_on_commit_callbacks: Capture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        override_settings(REDIS_URL="redis://127.0.0.1:1/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(submitter)
    assert ChangeEvent.objects.filter(kind="requestgroup.submitted").exists()
    assert "not published on Redis" in caplog.text


def test_moving_an_observation_end_publishes_a_replan_event(
    submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = submit(submitter)["requests"][0]
    observation = schedule(staff_view_user, request, frozen_now + timedelta(hours=3))
    cursor = _changes(staff_view_user, "")["last_seq"]
    new_end = frozen_now + timedelta(hours=3, minutes=30)
    response = staff_view_user.client.patch(
        f"/api/observations/{observation['id']}/", {"end": new_end.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.json()
    (event,) = _changes(staff_view_user, f"after={cursor}&replan=true")["events"]
    assert event["kind"] == "observation.end_changed"
    assert event["data"]["observation_type"] == "NORMAL"
    assert event["data"]["old_end"] == observation["end"]
    assert event["data"]["new_end"] == "2026-12-01T15:30:00Z"


def test_cancelling_a_many_group_with_a_completed_child_publishes_the_group_change(
    submitter: Persona, frozen_now: datetime
) -> None:
    from openocs.portal.requestgroups.models import Request
    from openocs.portal.requestgroups.services import request_set_state
    from openocs.portal.requestgroups.tests.conftest import imaging_group

    body = imaging_group(operator="MANY")
    body["requests"] = [body["requests"][0], dict(body["requests"][0])]
    group = submitter.client.post("/api/requestgroups/", body, format="json").json()
    request_set_state(
        request=Request.objects.get(pk=group["requests"][0]["id"]), new_state="COMPLETED"
    )
    cursor = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    kinds = [
        (e.kind, e.payload.get("new_state"))
        for e in ChangeEvent.objects.filter(id__gt=cursor).order_by("id")
    ]
    assert kinds == [  # the group passes through COMPLETED (§8.1 MANY) and ends CANCELED
        ("request.state_changed", "CANCELED"),
        ("requestgroup.state_changed", "COMPLETED"),
        ("requestgroup.state_changed", "CANCELED"),
    ]


def test_a_stopping_web_worker_ends_the_long_poll_at_once(db: Any) -> None:
    from openocs.exiting import stopping

    began = time.monotonic()
    stopping.set()
    try:
        found, cursor = selectors.events_wait(after=0, timeout_s=30.0, limit=10)
    finally:
        stopping.clear()
    assert (found, cursor) == ([], 0)
    assert time.monotonic() - began < 5.0  # not the 30 s wait
