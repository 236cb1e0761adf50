"""Both scheduling kernels side by side on the frozen instances.

    .venv/bin/python benchmarks/scheduler_bench.py
    .venv/bin/python benchmarks/scheduler_bench.py --instances medium --kernels cpsat,timesliced \\
        --time-limit 5 --timesliced-time-limit 300
    .venv/bin/python benchmarks/scheduler_bench.py --instances xlarge --time-limit 400
    .venv/bin/python benchmarks/scheduler_bench.py --instances contended1k,contended3k \
        --kernels cpsat --time-limit 60 --stress 2      # with two busy loops beside it

Every (instance, kernel) run happens in a fresh subprocess so that its peak memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is its own. Wall time covers reading the
instance, building candidates and the model, and solving (not importing the solver library):
the kernel's deadline starts before the instance is read, so ``wall/limit`` is how well the
time limit holds. CPU time is the child's user + system time over the same span; ``load`` the
1-minute load average when the run started. ``--stress N`` runs N busy loops beside every run
(a loaded machine). ``xlarge`` (10,000 requests) is generated from its seed when it has no
frozen file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

INSTANCES = Path(__file__).parent / "instances"


def _instance_path(name: str) -> Path | None:
    for suffix in (".json", ".json.gz"):
        path = INSTANCES / f"scheduler_{name}{suffix}"
        if path.exists():
            return path
    return None


def run_one(name: str, kernel: str, time_limit_s: float, seed: int) -> dict[str, object]:
    """Child side: load, solve, measure."""
    import resource

    from openocs.scheduler.deadline import Deadline
    from openocs.scheduler.kernels import get_kernel, solve
    from openocs.scheduler.validation import schedule_violations

    get_kernel(kernel)  # import the solver library before the clock starts
    load = os.getloadavg()[0]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_started = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    deadline = Deadline(time_limit_s, started=started)
    path = _instance_path(name)
    if path is not None:
        from openocs.scheduler.serialization import load_problem

        problem = load_problem(path)
    else:
        from openocs.scheduler.generator import generate_preset

        problem = generate_preset(name)
    loaded = time.perf_counter()
    schedule = solve(
        problem, kernel=kernel, time_limit_s=time_limit_s, seed=seed, deadline=deadline
    )
    finished = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    requests = sum(len(g.requests) for g in problem.groups)
    return {
        "instance": name,
        "kernel": kernel,
        "requests": requests,
        "telescopes": len(problem.telescopes),
        "days": (problem.end_s - problem.start_s) / 86400,
        "status": schedule.status.value,
        "placed": len(schedule.assignments),
        "value": schedule.value,
        "objective": schedule.objective,
        "bound": schedule.bound,
        "gap": schedule.gap,
        "load_s": loaded - started,
        "build_s": schedule.build_time_s,
        "solve_s": schedule.solve_time_s,
        "wall_s": finished - started,
        "cpu_s": usage.ru_utime + usage.ru_stime - cpu_started,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "variables": schedule.num_candidates,
        "valid": not schedule_violations(problem, schedule),
        "message": schedule.message,
        "time_limit_s": time_limit_s,
        "load": load,
        "stats": dict(schedule.stats),
    }


def _busy_loop() -> None:  # pragma: no cover - a stress process
    deadline = time.monotonic() + 3600  # never outlives an hour, even if orphaned
    while time.monotonic() < deadline:
        sum(range(10_000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="small,medium,large")
    parser.add_argument("--kernels", default="cpsat,timesliced")
    parser.add_argument(
        "--time-limit", default="40", help="limit(s) of the other kernels, seconds (e.g. 10,60)"
    )
    parser.add_argument("--timesliced-time-limit", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", nargs=2, metavar=("INSTANCE", "KERNEL"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print one JSON line per run")
    parser.add_argument("--stress", type=int, default=0, help="busy loops beside every run")
    parser.add_argument("--busy", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.busy:
        _busy_loop()
        return
    if args.child:
        name, kernel = args.child
        limit = args.timesliced_time_limit if kernel == "timesliced" else float(args.time_limit)
        print(json.dumps(run_one(name, kernel, limit, args.seed)))
        return

    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    header = (
        f"{'instance':12} {'kernel':10} {'req':>5} {'tel':>3} {'status':8} {'placed':>6} "
        f"{'value':>12} {'bound':>12} {'gap':>7} {'limit':>5} {'wall s':>7} {'wall/lim':>8} "
        f"{'cpu s':>7} {'load':>5} {'peak MB':>7} {'vars':>8} valid"
    )
    if not args.json:
        print(header)
    runs = [
        (name, kernel, limit)
        for name in args.instances.split(",")
        for kernel in args.kernels.split(",")
        for limit in (["ref"] if kernel == "timesliced" else args.time_limit.split(","))
    ]
    for name, kernel, limit in runs:
        command = [
            sys.executable,
            __file__,
            "--child",
            name,
            kernel,
            "--time-limit",
            limit if limit != "ref" else "1",
            "--timesliced-time-limit",
            str(args.timesliced_time_limit),
            "--seed",
            str(args.seed),
        ]
        stress = [
            subprocess.Popen([sys.executable, __file__, "--busy"]) for _ in range(args.stress)
        ]
        try:
            output = subprocess.run(command, capture_output=True, text=True, check=False)
        finally:
            for process in stress:
                process.kill()
                process.wait()
        lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
        if output.returncode != 0 or not lines:
            print(f"{name:12} {kernel:10} FAILED: {output.stderr.strip()[-300:]}")
            continue
        row = json.loads(lines[-1])
        if args.json:
            print(json.dumps(row))
            continue
        print(
            f"{name:12} {kernel:10} {row['requests']:>5} {row['telescopes']:>3} "
            f"{row['status']:8} {row['placed']:>6} {row['value']:>12.1f} "
            f"{row['bound']:>12.1f} {row['gap']:>7.2%} {row['time_limit_s']:>5.0f} "
            f"{row['wall_s']:>7.2f} {row['wall_s'] / row['time_limit_s']:>8.3f} "
            f"{row['cpu_s']:>7.1f} {row['load']:>5.1f} {row['peak_rss_mb']:>7.0f} "
            f"{row['variables']:>8} {row['valid']}"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
