"""The daemon reports each run to a ``RunReporter`` source: counts, figures and why each request
was left out; a reporter that fails never stops the schedule from being written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from openocs.scheduler.model import ObservationType
from openocs.scheduler.runs import MAX_COMPETITORS, MAX_LEFT_OUT, LeftOut, RunRecord
from openocs.scheduler.tests.factories import group, request
from openocs.scheduler.tests.memory import NOW, MemorySource, daemon_for


@dataclass
class ReportingSource(MemorySource):
    """A ``MemorySource`` that is also a ``RunReporter`` (down with ``"runs"`` in ``down``)."""

    runs: list[RunRecord] = field(default_factory=list)

    def report_run(self, record: RunRecord) -> None:
        self._check("runs")
        self.runs.append(record)


def _by_request(record: RunRecord) -> dict[int, LeftOut]:
    return {item.request_id: item for item in record.left_out}


def test_each_cycle_reports_counts_figures_and_the_reason_each_request_was_left_out() -> None:
    winner = request(duration_h=8, windows=((0, 10),), request_id=101)
    loser = request(duration_h=8, windows=((0, 10),), request_id=102)
    elsewhere = request(duration_h=1, instrument_type="2M0-FLOYDS-SCICAM", request_id=103)
    source = ReportingSource(
        groups=[group(winner, tac_priority=20.0), group(loser), group(elsewhere)]
    )
    daemon, _ = daemon_for(source)
    report = daemon.run_cycle("first run")
    assert report.ok and report.created == 1

    (record,) = source.runs
    assert record.started == NOW and record.trigger == "first run" and record.ok
    assert record.kernel == "cpsat" and [p.name for p in record.passes] == [
        "rapid_response",
        "normal",
    ]
    assert (record.requests_considered, record.requests_placed) == (3, 1)
    reasons = _by_request(record)
    assert set(reasons) == {102, 103}
    assert reasons[102].reason == "LOST_TO_HIGHER_PRIORITY"
    assert reasons[102].competitors == (101,)  # what took its place
    assert reasons[103].reason == "NO_TELESCOPE"
    document = record.document(telescope_classes=["1m0"])
    assert document["requests_left_out"] == 2 and document["telescope_classes"] == ["1m0"]
    assert document["value"] is not None and document["gap"] is not None
    assert [item["request"] for item in document["left_out"]] == [102, 103]


def test_rapid_response_requests_are_explained_by_their_own_pass() -> None:
    rr = request(duration_h=1, instrument_type="2M0-FLOYDS-SCICAM", request_id=201)
    source = ReportingSource(groups=[group(rr, observation_type=ObservationType.RAPID_RESPONSE)])
    daemon, _ = daemon_for(source)
    daemon.run_cycle()
    assert _by_request(source.runs[0])[201].reason == "NO_TELESCOPE"


def test_a_cycle_that_could_not_read_its_inputs_is_reported_as_failed() -> None:
    source = ReportingSource(groups=[group(request())], down={"downtime"})
    daemon, _ = daemon_for(source)
    daemon.run_cycle()
    (record,) = source.runs
    assert not record.ok and "downtime" in record.error and record.passes == ()


def test_a_reporter_that_fails_never_stops_the_schedule() -> None:
    source = ReportingSource(groups=[group(request(duration_h=1))], down={"runs"})
    daemon, _ = daemon_for(source)
    report = daemon.run_cycle()
    assert report.ok and len(source.observations) == 1
    assert source.runs == []
    daemon.run(max_cycles=1)  # the loop goes on as usual
    assert not daemon.state.failed


def test_the_report_body_stays_within_the_portal_limits() -> None:
    many = tuple(
        LeftOut(i, "LOST_TO_HIGHER_PRIORITY", "WasNotScheduled", "x" * 1000, tuple(range(50)))
        for i in range(MAX_LEFT_OUT + 10, 0, -1)
    )
    record = RunRecord(NOW, NOW, "cpsat", "t" * 500, True, error="e" * 5000, left_out=many)
    document = record.document()
    assert document["requests_left_out"] == MAX_LEFT_OUT + 10
    items: Sequence[dict[str, object]] = document["left_out"]
    assert len(items) == MAX_LEFT_OUT and items[0]["request"] == 1  # the lowest ids
    assert all(len(str(i["message"])) <= 300 for i in items)
    assert all(len(i["competitors"]) <= MAX_COMPETITORS for i in items)  # type: ignore[arg-type]
    assert len(document["trigger"]) == 200 and len(document["error"]) == 2000
