"""CPU time of what a scheduler deadline cannot cut, per stage, on the frozen instances.

    .venv/bin/python benchmarks/scheduler_irreducible.py --instances contended3k,contended10k

Reading the problem (``load_problem``), building the candidate intervals (``prepare``), the
trivial bound and the first greedy order (``best_greedy`` told to stop after it) happen before
any schedule exists, so a time limit shorter than them cannot hold. CPU seconds (the process's
user + system time), best of ``--repeat`` repetitions: on a loaded machine the best is the one
least disturbed by the other jobs.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from openocs.scheduler.bounds import trivial_bound
from openocs.scheduler.candidates import prepare
from openocs.scheduler.greedy import best_greedy
from openocs.scheduler.serialization import load_problem

INSTANCES = Path(__file__).parent / "instances"


def _path(name: str) -> Path:
    for suffix in (".json", ".json.gz"):
        path = INSTANCES / f"scheduler_{name}{suffix}"
        if path.exists():
            return path
    raise SystemExit(f"no frozen instance {name!r} in {INSTANCES}")


def measure(name: str, repeat: int) -> dict[str, float]:
    """Best CPU seconds of each stage over ``repeat`` repetitions."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        started = time.process_time()
        problem = load_problem(_path(name))
        read = time.process_time()
        prepared = prepare(problem)
        built = time.process_time()
        trivial_bound(prepared)
        best_greedy(prepared, repair_limit=500, should_stop=lambda: True)
        placed = time.process_time()
        stages = {
            "read": read - started,
            "candidates": built - read,
            "greedy": placed - built,
            "total": placed - started,
        }
        for stage, cpu_s in stages.items():
            best[stage] = min(best.get(stage, cpu_s), cpu_s)
        del problem, prepared  # the next repetition reads into an empty heap
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="contended3k,contended10k")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}, "
        f"CPU seconds, best of {args.repeat}"
    )
    print(f"{'instance':14} {'read':>7} {'cands':>7} {'greedy':>7} {'total':>7}")
    for name in args.instances.split(","):
        cpu = measure(name, args.repeat)
        print(
            f"{name:14} {cpu['read']:>7.3f} {cpu['candidates']:>7.3f} {cpu['greedy']:>7.3f} "
            f"{cpu['total']:>7.3f}"
        )


if __name__ == "__main__":
    main()
