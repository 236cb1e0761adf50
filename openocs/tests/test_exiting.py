"""``skip_final_collection``: a process that ends does not walk its heap first."""

import subprocess
import sys

SCRIPT = """
import atexit, gc, sys
from openocs.exiting import skip_final_collection

def report():  # registered first, so it runs after skip_final_collection's handler
    print(gc.isenabled(), gc.get_freeze_count() > 0, flush=True)

atexit.register(report)
if sys.argv[1] == "skip":
    skip_final_collection()
    skip_final_collection()  # idempotent
cycles = []
for _ in range(1000):
    node = {}
    node["self"] = node
    cycles.append(node)
"""


def _exit_report(mode: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_heap_is_frozen_and_the_collector_off_when_the_process_ends() -> None:
    assert _exit_report("skip") == "False True"


def test_without_it_the_interpreter_collects_as_usual() -> None:
    assert _exit_report("keep") == "True False"
