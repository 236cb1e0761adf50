"""The scheduler daemon's Prometheus metrics: cycle duration, placed and left out, value, gap."""

from __future__ import annotations

import socket
import urllib.request

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from openocs.scheduler.daemon import CycleReport
from openocs.scheduler.metrics import SchedulerMetrics
from openocs.scheduler.model import Assignment, Schedule, SolveStatus
from openocs.scheduler.passes import CyclePlan, PassPlan


def _values(metrics: SchedulerMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    body = generate_latest(metrics.registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def _pass(name: str, placed: int, value: float, gap: float) -> PassPlan:
    assignments = tuple(Assignment(i, "ogg.clma.2m0a", 0, 60, 1.0) for i in range(placed))
    schedule = Schedule("cpsat", SolveStatus.OPTIMAL, assignments, value=value, gap=gap)
    return PassPlan(name=name, schedule=schedule)


def test_a_cycle_records_its_duration_placed_left_out_value_and_gap() -> None:
    metrics = SchedulerMetrics()
    plan = CyclePlan(_pass("rapid_response", 1, 5.0, 0.0), _pass("normal", 6, 42.5, 0.001))
    metrics.record(CycleReport(True, True, "first run", plan=plan, requests=10), 3.5)
    values = _values(metrics)
    assert values[("ocs_scheduler_cycles_total", (("outcome", "ok"),))] == 1
    assert values[("ocs_scheduler_cycle_duration_seconds_sum", ())] == 3.5
    assert values[("ocs_scheduler_requests_placed", (("pass", "normal"),))] == 6
    assert values[("ocs_scheduler_requests_placed", (("pass", "rapid_response"),))] == 1
    assert values[("ocs_scheduler_requests_left_out", ())] == 3
    assert values[("ocs_scheduler_schedule_value", (("pass", "normal"),))] == 42.5
    assert values[("ocs_scheduler_schedule_gap", (("pass", "normal"),))] == 0.001
    assert values[("ocs_scheduler_last_success_timestamp_seconds", ())] > 0


def test_a_failed_cycle_is_counted_and_keeps_the_last_plan() -> None:
    metrics = SchedulerMetrics()
    plan = CyclePlan(_pass("rapid_response", 0, 0.0, 0.0), _pass("normal", 2, 7.0, 0.0))
    metrics.record(CycleReport(True, True, "first run", plan=plan, requests=2), 1.0)
    metrics.record(CycleReport(True, False, "retry", error="portal down"), 0.2)
    metrics.record(CycleReport(True, True, "change", superseded=True), 0.5)
    values = _values(metrics)
    assert values[("ocs_scheduler_cycles_total", (("outcome", "failed"),))] == 1
    assert values[("ocs_scheduler_cycles_total", (("outcome", "superseded"),))] == 1
    assert values[("ocs_scheduler_requests_placed", (("pass", "normal"),))] == 2
    assert values[("ocs_scheduler_cycle_duration_seconds_count", ())] == 3


def test_serves_metrics_over_http() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    metrics = SchedulerMetrics()
    metrics.serve(port, host="127.0.0.1")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert b"ocs_scheduler_cycles_total" in response.read()
