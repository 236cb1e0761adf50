"""CPU time of what a scheduler deadline cannot cut, per stage, on the frozen instances.

    .venv/bin/python benchmarks/scheduler_irreducible.py --instances contended3k,contended10k

Reading the problem (``load_problem``) happens before any schedule exists, so a time limit
shorter than it cannot hold. ``setup`` is what the first pass (``greedy.first_greedy``) costs
before it builds its first group (the priorities, their order) plus what follows a cut (the
incomplete ``Prepared``, the trivial bound); the deadline cuts the rest of the first pass,
whose whole cost (building every candidate and placing them once) is printed as ``pass``.
CPU seconds (the process's user + system time), best of ``--repeat`` repetitions: on a loaded
machine the best is the one least disturbed by the other jobs.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from openocs.scheduler.bounds import trivial_bound
from openocs.scheduler.greedy import first_greedy
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
        cut = first_greedy(problem, should_stop=lambda: True)
        trivial_bound(cut.prepared)
        set_up = time.process_time()
        del cut
        resumed = time.process_time()
        whole = first_greedy(problem)
        trivial_bound(whole.prepared)
        placed = time.process_time()
        stages = {
            "read": read - started,
            "setup": set_up - read,
            "total": set_up - started,
            "pass": placed - resumed,
        }
        for stage, cpu_s in stages.items():
            best[stage] = min(best.get(stage, cpu_s), cpu_s)
        del problem, whole  # the next repetition reads into an empty heap
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
    print(f"{'instance':14} {'read':>7} {'setup':>7} {'total':>7}   {'pass (cut)':>10}")
    for name in args.instances.split(","):
        cpu = measure(name, args.repeat)
        print(
            f"{name:14} {cpu['read']:>7.3f} {cpu['setup']:>7.3f} {cpu['total']:>7.3f}   "
            f"{cpu['pass']:>10.3f}"
        )


if __name__ == "__main__":
    main()
