"""The daemon woken by change events: a notice plans at once, a source without events is polled,
an outage while waiting backs off, and a rapid-response change during the normal pass is written
first while the stale normal pass is dropped unwritten (in-memory source, a gated kernel)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise

import pytest

from openocs.scheduler.daemon import ChangeNotice
from openocs.scheduler.errors import ChangeEventsUnsupported, DataSourceUnavailable
from openocs.scheduler.model import ObservationType
from openocs.scheduler.tests.factories import HOUR, group, request
from openocs.scheduler.tests.gate import GateKernel, gate_kernel
from openocs.scheduler.tests.memory import NOW, NotifyingSource, daemon_for

SUBMITTED = ChangeNotice(last_seq=7, kinds=("requestgroup.submitted",))
RR_SUBMITTED = ChangeNotice(last_seq=8, kinds=("requestgroup.submitted",), rapid_response=True)


@pytest.fixture
def gate() -> Iterator[GateKernel]:
    with gate_kernel() as kernel:
        yield kernel


def test_a_change_event_wakes_the_daemon_and_it_plans_without_sleeping() -> None:
    source = NotifyingSource(groups=[group(request(duration_h=1))])
    late = group(request(duration_h=1))

    def on_wait(timeout_s: float) -> ChangeNotice | None:
        if timeout_s == daemon.config.loop_sleep_s and late not in source.groups:
            source.groups.append(late)  # submitted while the daemon waits between checks
            return SUBMITTED
        return None

    source.on_wait = on_wait
    daemon, slept = daemon_for(source, loop_sleep_s=60.0)

    daemon.run(max_cycles=2)

    assert [report.reason for report in daemon.state.history] == [
        "first run",
        "change event (requestgroup.submitted)",
    ]
    assert slept == []  # woken by the event, never a blind sleep
    assert len(source.observations) == 2
    assert source.waits[0] == 0.0  # the cursor is moved before the first read


def test_a_source_without_change_events_is_polled_through_last_changed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="openocs.scheduler.daemon")
    source = NotifyingSource(groups=[group(request(duration_h=1))])

    def unsupported(timeout_s: float) -> ChangeNotice | None:
        raise ChangeEventsUnsupported("portal", "HTTP 404")

    source.on_wait = unsupported
    daemon, slept = daemon_for(source, loop_sleep_s=10.0)

    daemon.run(max_cycles=3)

    assert len(source.waits) == 1  # asked once (at the first cycle), then polled
    assert not daemon.uses_change_events
    assert caplog.text.count("no change events (portal: HTTP 404)") == 1
    assert slept == [10.0, 10.0, 10.0]
    assert len(daemon.state.history) == 1
    source.groups.append(group(request(duration_h=1)))
    source.changed = NOW + timedelta(minutes=5)
    daemon.run(max_cycles=1)
    assert daemon.state.history[-1].reason == "last_changed moved"
    assert len(source.observations) == 2


def test_an_outage_of_the_change_feed_backs_off_and_writes_nothing() -> None:
    source = NotifyingSource(groups=[group(request(duration_h=1))])
    daemon, slept = daemon_for(source)
    daemon.run(max_cycles=1)
    writes = (source.create_calls, list(source.cancel_calls))
    source.down.add("changes")

    daemon.run(max_cycles=3)

    assert slept == [5.0, 10.0, 20.0]
    assert (source.create_calls, source.cancel_calls) == writes
    assert len(daemon.state.history) == 1  # nothing changed: no cycle either
    source.down.clear()
    daemon.run(max_cycles=1)
    assert daemon.state.backoff_s == 0.0


def test_a_portal_outage_while_waiting_backs_off_and_retries_without_writing() -> None:
    source = NotifyingSource(groups=[group(request(duration_h=1))])
    daemon, slept = daemon_for(source)
    daemon.run(max_cycles=1)
    writes = (source.create_calls, list(source.cancel_calls))
    source.down.add("portal")

    daemon.run(max_cycles=3)

    assert slept == [5.0, 10.0, 20.0]
    assert (source.create_calls, source.cancel_calls) == writes
    assert [r.ok for r in daemon.state.history] == [True, False, False, False]
    source.down.clear()
    daemon.run(max_cycles=1)
    assert daemon.state.history[-1].ok


def test_a_rapid_response_change_during_the_normal_pass_is_written_and_the_stale_pass_dropped(
    gate: GateKernel,
) -> None:
    normal = request(duration_h=2, windows=((0, 10),))
    source = NotifyingSource(groups=[group(normal)])
    urgent = request(duration_h=1, windows=((0, 3),))
    rapid = group(urgent, observation_type=ObservationType.RAPID_RESPONSE, tac_priority=50.0)

    def on_wait(timeout_s: float) -> ChangeNotice | None:
        if gate.waiting.is_set() and rapid not in source.groups:
            source.groups.append(rapid)  # submitted while the normal pass solves
            return RR_SUBMITTED
        return None

    source.on_wait = on_wait
    gate.close()
    daemon, _ = daemon_for(source, kernel="gate")

    daemon.run(max_cycles=2)

    first, second = daemon.state.history
    assert first.ok and first.superseded and first.created == 0  # nothing of the stale pass
    assert gate.stopped_passes == 1
    assert second.reason == "rapid-response change event (requestgroup.submitted)"
    assert second.ok and not second.superseded
    by_request = {o.request_id: o for o in source.observations.values()}
    assert set(by_request) == {normal.id, urgent.id}
    rr, placed = by_request[urgent.id], by_request[normal.id]
    assert rr.observation_type is ObservationType.RAPID_RESPONSE
    assert (rr.start_s, rr.end_s) == (0, HOUR)
    assert placed.end_s <= rr.start_s or placed.start_s >= rr.end_s
    # the rapid-response observation was written before any normal one
    assert [a.request_id for a in source.created] == [urgent.id, normal.id]


def test_a_rapid_response_change_does_not_wait_for_a_stopped_pass_that_is_still_ending(
    gate: GateKernel,
) -> None:
    normal = request(duration_h=2, windows=((0, 10),))
    source = NotifyingSource(groups=[group(normal)])
    urgent = [request(duration_h=1, windows=((0, 5),)) for _ in range(2)]
    rapid = [group(r, observation_type=ObservationType.RAPID_RESPONSE) for r in urgent]

    def on_wait(timeout_s: float) -> ChangeNotice | None:
        if not gate.waiting.is_set() or timeout_s == 0.0:
            return None
        for candidate in rapid:
            if candidate not in source.groups:
                source.groups.append(candidate)
                return RR_SUBMITTED
        gate.open()  # the stopped pass ends at last
        return None

    source.on_wait = on_wait
    gate.stubborn = True
    gate.close()
    daemon, _ = daemon_for(source, kernel="gate")

    daemon.run(max_cycles=3)

    assert [r.superseded for r in daemon.state.history] == [True, True, False]
    assert gate.stopped_passes == 1  # one stale solve; the second cycle never started one
    created = [a.request_id for a in source.created]
    assert created[:2] == [urgent[0].id, urgent[1].id]  # cycles 2 and 3, no normal pass between
    assert created[-1] == normal.id and normal.id not in created[:-1]
    assert sorted(o.request_id for o in source.observations.values()) == sorted(
        [normal.id, urgent[0].id, urgent[1].id]
    )
    spans = sorted((o.start_s, o.end_s) for o in source.observations.values())
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_a_normal_change_during_the_normal_pass_lets_it_finish_and_plans_again(
    gate: GateKernel,
) -> None:
    source = NotifyingSource(groups=[group(request(duration_h=1))])
    late = group(request(duration_h=1))

    def on_wait(timeout_s: float) -> ChangeNotice | None:
        if gate.waiting.is_set() and late not in source.groups:
            source.groups.append(late)
            gate.open()  # the solve finishes
            return SUBMITTED
        return None

    source.on_wait = on_wait
    gate.close()
    daemon, _ = daemon_for(source, kernel="gate")

    daemon.run(max_cycles=2)

    first, second = daemon.state.history
    assert first.ok and not first.superseded and first.created == 1
    assert second.reason == "change event (requestgroup.submitted)"
    assert gate.stopped_passes == 0
    assert len(source.observations) == 2


def test_stopping_the_daemon_stops_and_joins_the_normal_pass(gate: GateKernel) -> None:
    source = NotifyingSource(groups=[group(request(duration_h=1))])

    def interrupt(timeout_s: float) -> ChangeNotice | None:
        if gate.waiting.is_set():
            raise KeyboardInterrupt
        return None

    source.on_wait = interrupt
    gate.close()
    daemon, _ = daemon_for(source, kernel="gate")

    with pytest.raises(KeyboardInterrupt):
        daemon.run()

    assert gate.stopped_passes == 1  # stopped, and joined before run() returned
    assert source.create_calls == 0
    assert not [t for t in threading.enumerate() if t.name == "scheduler-normal-pass"]


def test_a_cycle_run_once_does_not_listen_for_changes_while_it_solves(gate: GateKernel) -> None:
    source = NotifyingSource(groups=[group(request(duration_h=1))])

    def no_long_poll(timeout_s: float) -> ChangeNotice | None:
        assert timeout_s == 0.0, "only the cursor is moved, before reading"
        return RR_SUBMITTED

    source.on_wait = no_long_poll
    gate.close()
    threading.Timer(0.05, gate.open).start()
    daemon, _ = daemon_for(source, kernel="gate", solve_poll_s=0.01)

    report = daemon.run_cycle("--once", interruptible=False)

    assert report.ok and report.created == 1 and not report.superseded
    assert gate.stopped_passes == 0


def test_a_source_outage_while_the_normal_pass_solves_does_not_drop_it(gate: GateKernel) -> None:
    source = NotifyingSource(groups=[group(request(duration_h=1))])

    def flaky(timeout_s: float) -> ChangeNotice | None:
        if gate.waiting.is_set():
            gate.open()
            raise DataSourceUnavailable("portal", "connection reset")
        return None

    source.on_wait = flaky
    gate.close()
    daemon, _ = daemon_for(source, kernel="gate", solve_poll_s=0.01)

    report = daemon.run_cycle("first run")

    assert report.ok and report.created == 1
