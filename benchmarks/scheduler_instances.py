"""Regenerate the frozen scheduling instances in benchmarks/instances/ (seeded, reproducible).

    .venv/bin/python benchmarks/scheduler_instances.py            # small, medium, large
    .venv/bin/python benchmarks/scheduler_instances.py xlarge     # also the 10,000-request one
    .venv/bin/python benchmarks/scheduler_instances.py contended200 contended1k contended3k \
        contended10k andoneof400                                  # the contended ones

Files over ~2 MB are written gzip-compressed (``.json.gz``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openocs.scheduler.generator import demand_ratio, generate_preset
from openocs.scheduler.serialization import dump_problem, problem_to_dict

HERE = Path(__file__).parent / "instances"
GZIP_ABOVE_BYTES = 2_000_000


def main(names: list[str]) -> None:
    HERE.mkdir(exist_ok=True)
    for name in names:
        problem = generate_preset(name)
        size = len(json.dumps(problem_to_dict(problem), separators=(",", ":")))
        path = HERE / (f"scheduler_{name}.json" + (".gz" if size > GZIP_ABOVE_BYTES else ""))
        dump_problem(problem, path)
        requests = sum(len(g.requests) for g in problem.groups)
        print(
            f"{path.name}: {requests} requests, {len(problem.telescopes)} telescopes, "
            f"demand {demand_ratio(problem):.2f}× the dark time, {path.stat().st_size / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["small", "medium", "large"])
