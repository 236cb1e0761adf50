"""End to end over HTTP: how soon a rapid-response request becomes a written observation.

    .venv/bin/python benchmarks/scheduler_rr_http.py [--runs 5] [--normal 100]
    .venv/bin/python benchmarks/scheduler_rr_http.py --during-normal-pass --normal 400 \\
        --window-days 1 --time-limit 60

Starts the real system, as ``ocs up`` does (gunicorn web workers, the task worker and ``ocs
scheduler run`` with its ``scheduler`` service account), on a temporary ``OCS_DATA_DIR`` (SQLite)
and a free port, with the demo observatory. Submits a batch of normal requests as the demo PI
``alice`` on ``DEMO-001`` (1-metre Sinistro, random targets; invisible ones are refused by the
portal and replaced) and waits until the scheduler has written them and is idle. Then, run after
run, it submits one RAPID_RESPONSE group through ``POST /api/requestgroups/`` (a target checked
first with ``validate/``, a window from now to now + 20 h) and polls
``GET /api/observations/?request_id=`` until a PENDING observation exists. It prints the seconds
from the submission to the written observation, where and when that observation starts, and
which PENDING observations it preempted (those of the same telescope overlapping it that are no
longer PENDING); then the median and the maximum.

``--during-normal-pass`` submits each rapid-response group while the daemon's normal pass is
solving: one more normal request wakes the daemon, and the RR follows ``--submit-after`` seconds
after the scheduler logs ``normal pass solving``. Make that pass long with a contended batch
(``--normal``, short ``--window-days``) and a high ``--time-limit``; the script prints how long
the normal passes took. ``--no-change-events`` runs the daemon on ``last_changed`` polling only
(the fallback for a portal without ``/api/changes/``), for comparison.

Figures only, no pass/fail; the scheduler's log is kept in the data directory with ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

PROPOSAL = "DEMO-001"
INSTRUMENT = "1M0-SCICAM-SINISTRO"
SOLVING = "normal pass solving"
CYCLE = re.compile(r"^cycle \(")
DROPPED = "dropped unwritten"
RR_WRITTEN = re.compile(r"rapid-response pass written ([0-9.]+) s after the cycle started: (.*)$")
SOLVED = re.compile(r"normal pass solved in ([0-9.]+) s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class LogTail:
    """The lines appended to the system's log since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.lines: list[str] = []

    def refresh(self) -> list[str]:
        if not self.path.exists():
            return []
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            chunk = handle.read()
        complete = chunk.rfind(b"\n") + 1
        self.offset += complete
        new = chunk[:complete].decode("utf-8", "replace").splitlines()
        self.lines.extend(new)
        return new

    def scheduler_lines(self, since: int = 0) -> list[tuple[int, str]]:
        """(index, line) of the scheduler's cycle and normal-pass lines from ``since`` on."""
        return [
            (index, line)
            for index, line in enumerate(self.lines[since:], start=since)
            if CYCLE.match(line) or SOLVING in line or DROPPED in line
        ]


class System:
    """``ocs up`` on a temporary data directory, its output in ``ocs-up.log`` there."""

    def __init__(self, data_dir: Path, port: int, environment: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}/"
        self.environment = environment
        self.log = LogTail(data_dir / "ocs-up.log")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            sys.executable, "-m", "openocs.server.cli", "up",
            "--port", str(self.port), "--workers", "2",
        ]  # fmt: skip
        with self.log.path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.environment,
                start_new_session=True,
            )

    def wait_ready(self, timeout_s: float = 300.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"ocs up exited; see {self.log.path}")
            try:
                if httpx.get(self.base_url + "api/", timeout=2.0).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the system did not answer within {timeout_s:.0f} s")

    def token(self, username: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "openocs.server.cli", "createtoken", username],
            env=self.environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # ocs up stops its web, worker and scheduler
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session started above, by its id
            process.wait()


@dataclass(frozen=True)
class Observation:
    id: int
    request_id: int
    telescope: str
    start: datetime
    end: datetime

    def overlaps(self, other: Observation) -> bool:
        return (
            self.telescope == other.telescope and self.start < other.end and other.start < self.end
        )


class Portal:
    """The calls of the demo PI."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Token {token}"}, timeout=60.0
        )

    def valid(self, group: dict[str, Any]) -> bool:
        answer = self.http.post("api/requestgroups/validate/", json=group)
        return answer.status_code == 200 and not answer.json().get("errors")

    def submit(self, group: dict[str, Any]) -> dict[str, Any] | None:
        answer = self.http.post("api/requestgroups/", json=group)
        if answer.status_code == 201:
            body: dict[str, Any] = answer.json()
            return body
        if answer.status_code == 400:
            return None  # typically: the target is never visible in the window
        raise RuntimeError(f"submission refused with HTTP {answer.status_code}: {answer.text}")

    def observations(self, **query: Any) -> list[Observation]:
        rows: list[Any] = []
        params = {"state": "PENDING", "limit": 1000, "offset": 0, **query}
        while True:
            page = self.http.get("api/observations/", params=params).json()
            rows.extend(page["results"])
            if not page.get("next"):
                break
            params["offset"] = len(rows)
        return [
            Observation(
                row["id"],
                row["request"]["id"],
                f"{row['site']}.{row['enclosure']}.{row['telescope']}",
                parse_time(row["start"]),
                parse_time(row["end"]),
            )
            for row in rows
        ]


def imaging_group(
    rng: random.Random,
    *,
    name: str,
    rapid_response: bool,
    window_days: float,
    exposure_s: float,
    exposures: int,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    if rapid_response:  # §7.2: starts now, ends within 24 h + the duration
        window = {"start": (now - timedelta(minutes=1)), "end": now + timedelta(hours=20)}
    else:
        window = {"start": now, "end": now + timedelta(days=window_days)}
    return {
        "name": name,
        "proposal": PROPOSAL,
        "ipp_value": 1.0,
        "operator": "SINGLE",
        "observation_type": "RAPID_RESPONSE" if rapid_response else "NORMAL",
        "requests": [
            {
                "configurations": [
                    {
                        "type": "EXPOSE",
                        "instrument_type": INSTRUMENT,
                        "target": {
                            "name": name,
                            "type": "ICRS",
                            "ra": round(rng.uniform(0.0, 360.0), 4),
                            "dec": round(rng.uniform(-70.0, 50.0), 4),
                            "epoch": 2000,
                        },
                        "constraints": {"max_airmass": 2.0, "min_lunar_distance": 30},
                        "instrument_configs": [
                            {
                                "exposure_time": exposure_s,
                                "exposure_count": exposures,
                                "optical_elements": {"filter": "v"},
                            }
                        ],
                        "acquisition_config": {},
                        "guiding_config": {},
                    }
                ],
                "windows": [{k: v.isoformat() for k, v in window.items()}],
                "location": {"telescope_class": "1m0"},
            }
        ],
    }


def submit_normal(portal: Portal, rng: random.Random, args: argparse.Namespace, name: str) -> int:
    for _ in range(100):
        group = imaging_group(
            rng,
            name=name,
            rapid_response=False,
            window_days=args.window_days,
            exposure_s=args.normal_exposure_s,
            exposures=args.normal_exposures,
        )
        created = portal.submit(group)
        if created is not None:
            return int(created["requests"][0]["id"])
    raise RuntimeError("no visible target found in 100 tries")


def wait_idle(system: System, *, quiet_s: float, timeout_s: float) -> None:
    """Until the scheduler has finished a cycle and logged nothing for ``quiet_s``."""
    deadline = time.monotonic() + timeout_s
    last_count, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        system.log.refresh()
        lines = system.log.scheduler_lines()
        if len(lines) != last_count:
            last_count, last_change = len(lines), time.monotonic()
        finished = bool(lines) and bool(CYCLE.match(lines[-1][1]))
        if finished and time.monotonic() - last_change >= quiet_s:
            return
        time.sleep(0.2)
    raise TimeoutError(f"the scheduler did not settle within {timeout_s:.0f} s")


def wait_for_solving(system: System, since: int, timeout_s: float) -> int:
    """The log index of the first ``normal pass solving`` line at or after ``since``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        system.log.refresh()
        for index, line in system.log.scheduler_lines(since):
            if SOLVING in line:
                return index
        time.sleep(0.05)
    raise TimeoutError("no normal pass started")


def normal_pass_durations(system: System, since: int) -> list[float]:
    """The solve times the scheduler logged for its normal passes (``normal pass solved in``)
    from log line ``since`` on (dropped passes log none)."""
    return [
        float(match.group(1)) for line in system.log.lines[since:] if (match := SOLVED.search(line))
    ]


@dataclass(frozen=True)
class RunResult:
    latency_s: float
    post_s: float
    observation: Observation
    preempted: list[Observation]
    dropped_normal_pass: bool
    rapid_response_pass: str


def one_run(
    system: System,
    portal: Portal,
    rng: random.Random,
    args: argparse.Namespace,
    index: int,
) -> RunResult:
    wait_idle(system, quiet_s=2.0, timeout_s=args.settle_timeout)
    mark = len(system.log.lines)
    if args.during_normal_pass:
        submit_normal(portal, rng, args, f"wake-{index}")
        solving_at = wait_for_solving(system, mark, timeout_s=60.0)
        time.sleep(args.submit_after)
        system.log.refresh()
        if any(CYCLE.match(line) for _, line in system.log.scheduler_lines(solving_at)):
            print(f"  run {index}: the normal pass ended within {args.submit_after} s")
    group = imaging_group(
        rng, name=f"rr-{index}", rapid_response=True, window_days=1, exposure_s=60, exposures=1
    )
    while not portal.valid(group):
        group = imaging_group(
            rng, name=f"rr-{index}", rapid_response=True, window_days=1, exposure_s=60, exposures=1
        )
    before = portal.observations()
    submitted = time.perf_counter()
    created = portal.submit(group)
    posted = time.perf_counter()
    if created is None:
        raise RuntimeError("the validated rapid-response group was refused")
    request_id = int(created["requests"][0]["id"])
    deadline = submitted + args.run_timeout
    while True:
        found = portal.observations(request_id=request_id)
        if found:
            written = time.perf_counter()
            break
        if time.perf_counter() > deadline:
            raise TimeoutError(f"request {request_id} not scheduled in {args.run_timeout:.0f} s")
        time.sleep(0.05)
    after = {o.id for o in portal.observations()}
    observation = found[0]
    preempted = [o for o in before if o.overlaps(observation) and o.id not in after]
    system.log.refresh()
    dropped = any(DROPPED in line for _, line in system.log.scheduler_lines(mark))
    passes = [m for line in system.log.lines[mark:] if (m := RR_WRITTEN.search(line))]
    rapid_response_pass = (
        f"{passes[-1].group(2)} ({passes[-1].group(1)} s into its cycle)" if passes else "?"
    )
    return RunResult(
        written - submitted,
        posted - submitted,
        observation,
        preempted,
        dropped,
        rapid_response_pass,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--normal", type=int, default=100, help="normal requests first")
    parser.add_argument("--window-days", type=float, default=7.0, help="their window")
    parser.add_argument("--normal-exposure-s", type=float, default=300.0)
    parser.add_argument("--normal-exposures", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=300.0, help="normal-pass limit, s")
    parser.add_argument("--poll", type=float, default=10.0, help="ocs scheduler run --poll")
    parser.add_argument("--during-normal-pass", action="store_true")
    parser.add_argument("--submit-after", type=float, default=2.0)
    parser.add_argument("--no-change-events", action="store_true")
    parser.add_argument("--settle-timeout", type=float, default=900.0)
    parser.add_argument("--run-timeout", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="ocs-rr-http-"))
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "OCS_SCHEDULER_TOKEN")
    }
    environment.update(
        OCS_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        OCS_SCHEDULER_TIME_LIMIT=str(args.time_limit),
        OCS_SCHEDULER_POLL=str(args.poll),
        OCS_SCHEDULER_CHANGE_EVENTS="false" if args.no_change_events else "true",
    )
    system = System(data_dir, free_port(), environment)
    rng = random.Random(args.seed)
    try:
        print(f"starting ocs up on {system.base_url} (data in {data_dir})")
        started = time.perf_counter()
        system.start()
        system.wait_ready()
        portal = Portal(system.base_url, system.token("alice"))
        print(f"  ready in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        for number in range(args.normal):
            submit_normal(portal, rng, args, f"normal-{number}")
        print(f"  {args.normal} normal requests submitted in {time.perf_counter() - started:.0f} s")
        wait_idle(system, quiet_s=5.0, timeout_s=args.settle_timeout)
        print(f"  scheduled: {len(portal.observations())} PENDING observations")

        mode = "while a normal pass solves" if args.during_normal_pass else "scheduler idle"
        events = "last_changed polling" if args.no_change_events else "change events"
        print(f"\nrapid-response runs ({mode}; {events}; normal time limit {args.time_limit} s)")
        results: list[RunResult] = []
        system.log.refresh()
        runs_start = len(system.log.lines)
        for index in range(1, args.runs + 1):
            result = one_run(system, portal, rng, args, index)
            results.append(result)
            observation = result.observation
            lead_min = (observation.start - datetime.now(UTC)).total_seconds() / 60
            print(
                f"  run {index}: written {result.latency_s:5.2f} s after submission "
                f"(POST {result.post_s * 1000:.0f} ms); on {observation.telescope} starting in "
                f"{lead_min:.0f} min; displaced {len(result.preempted)} PENDING"
                + ("; a normal pass dropped" if result.dropped_normal_pass else "")
                + f"\n         RR pass: {result.rapid_response_pass}"
            )
        latencies = [r.latency_s for r in results]
        print(
            f"\nsubmission → written: median {statistics.median(latencies):.2f} s, "
            f"max {max(latencies):.2f} s, min {min(latencies):.2f} s over {len(latencies)} runs"
        )
        system.log.refresh()
        durations = normal_pass_durations(system, runs_start)
        if durations:
            print(
                f"normal passes solved during the runs: {len(durations)}, median "
                f"{statistics.median(durations):.1f} s, max {max(durations):.1f} s"
            )
    finally:
        system.stop()
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
