"""Prometheus metrics of the scheduler daemon (``ocs scheduler run --metrics-port``).

The daemon is its own process, so it serves its own ``/metrics`` (on
``OCS_SCHEDULER_METRICS_PORT``, off by default):

- ``ocs_scheduler_cycles_total{outcome}``: cycles by outcome (``ok``, ``failed``, ``superseded``);
- ``ocs_scheduler_cycle_duration_seconds``: wall time of a cycle (read, solve, write);
- ``ocs_scheduler_requests_placed{pass}``, ``ocs_scheduler_requests_left_out``: the latest plan;
- ``ocs_scheduler_schedule_value{pass}``, ``ocs_scheduler_schedule_gap{pass}``: the latest
  schedule's value (sum of effective priorities) and its proven relative optimality gap;
- ``ocs_scheduler_last_success_timestamp_seconds``: when a cycle last succeeded (alert on age).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

if TYPE_CHECKING:
    from openocs.scheduler.daemon import CycleReport


class SchedulerMetrics:
    """The daemon's metrics, in a registry of their own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.cycles = Counter(
            "ocs_scheduler_cycles", "Scheduling cycles by outcome", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.duration = Histogram(
            "ocs_scheduler_cycle_duration_seconds",
            "Wall time of one scheduling cycle (read, solve, write)",
            buckets=(1, 2, 5, 10, 30, 60, 120, 300, 600, 1200),
            registry=self.registry,
        )
        self.placed = Gauge(
            "ocs_scheduler_requests_placed", "Requests placed by the latest plan", ["pass"],
            registry=self.registry,
        )  # fmt: skip
        self.left_out = Gauge(
            "ocs_scheduler_requests_left_out",
            "Schedulable requests the latest plan did not place",
            registry=self.registry,
        )
        self.value = Gauge(
            "ocs_scheduler_schedule_value", "Value of the latest schedule", ["pass"],
            registry=self.registry,
        )  # fmt: skip
        self.gap = Gauge(
            "ocs_scheduler_schedule_gap", "Proven relative optimality gap of the latest schedule",
            ["pass"], registry=self.registry,
        )  # fmt: skip
        self.last_success = Gauge(
            "ocs_scheduler_last_success_timestamp_seconds",
            "Unix time of the latest successful cycle",
            registry=self.registry,
        )

    def record(self, report: CycleReport, duration_s: float) -> None:
        """Record one cycle's report."""
        outcome = "failed" if not report.ok else "superseded" if report.superseded else "ok"
        self.cycles.labels(outcome).inc()
        self.duration.observe(duration_s)
        if not report.ok:
            return
        self.last_success.set_to_current_time()
        if report.plan is None:
            return
        placed = 0
        for pass_plan in (report.plan.rapid_response, report.plan.normal):
            count = len(pass_plan.schedule.assignments)
            placed += count
            self.placed.labels(pass_plan.name).set(count)
            self.value.labels(pass_plan.name).set(pass_plan.schedule.value)
            self.gap.labels(pass_plan.name).set(pass_plan.schedule.gap)
        self.left_out.set(max(report.requests - placed, 0))

    def serve(self, port: int, host: str = "0.0.0.0") -> None:  # noqa: S104 - a scrape target
        """Serve ``/metrics`` on ``host:port`` from a background thread."""
        start_http_server(port, addr=host, registry=self.registry)
