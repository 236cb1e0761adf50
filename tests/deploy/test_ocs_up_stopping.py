"""``ocs up`` stops its processes promptly on SIGTERM, on Ctrl-C (SIGINT) and on SIGHUP: all of
them at once, killing one that does not stop in time, and at once on a second signal.

The supervisor runs in a process of its own (it installs signal handlers) with real child
processes, as ``ocs up`` runs gunicorn, the task worker, the scheduler and the simulated sites.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]

CHILD = """
import pathlib, signal, sys, time
if sys.argv[2] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
elif sys.argv[2] == "fails":
    sys.exit(3)
pathlib.Path(sys.argv[1]).write_text("ready")
time.sleep(120)
"""

SUPERVISOR = """
import subprocess, sys, time
from openocs.server.cli import _supervise
folder, stop_timeout_s, kinds = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
children = [
    subprocess.Popen([sys.executable, "-c", CHILD, f"{folder}/child-{n}", kind])
    for n, kind in enumerate(kinds)
]
print(" ".join(str(child.pid) for child in children), flush=True)
_supervise(children, stop_timeout_s=stop_timeout_s)
print("returned", flush=True)
"""


def _start(
    tmp_path: Path, stop_timeout_s: float, *kinds: str
) -> tuple[subprocess.Popen[str], list[int]]:
    script = f"CHILD = {CHILD!r}\n{SUPERVISOR}"
    supervisor = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path), str(stop_timeout_s), *kinds],
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert supervisor.stdout is not None
    pids = [int(pid) for pid in supervisor.stdout.readline().split()]
    deadline = time.monotonic() + 60
    expected = [tmp_path / f"child-{n}" for n, kind in enumerate(kinds) if kind != "fails"]
    while not all(path.exists() for path in expected):  # their signal handlers are in place
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.05)
    return supervisor, pids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


def _stopped_within(supervisor: subprocess.Popen[str], seconds: float) -> tuple[str, float]:
    began = time.monotonic()
    output, _ = supervisor.communicate(timeout=seconds + 30)
    return output, time.monotonic() - began


pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_every_process_at_once(tmp_path: Path, number: int) -> None:
    supervisor, pids = _start(tmp_path, 20.0, "sleeps", "sleeps", "sleeps")
    supervisor.send_signal(number)
    output, took_s = _stopped_within(supervisor, 20.0)
    assert supervisor.returncode == 0, output
    assert "returned" in output
    assert took_s < 10.0, f"stopping took {took_s:.1f} s"  # about 0.3 s; the machine is shared
    assert not any(_alive(pid) for pid in pids)


def test_a_process_that_ignores_sigterm_is_killed_after_the_timeout(tmp_path: Path) -> None:
    supervisor, pids = _start(tmp_path, 1.0, "sleeps", "stubborn")
    supervisor.send_signal(signal.SIGTERM)
    output, took_s = _stopped_within(supervisor, 20.0)
    assert supervisor.returncode == 0, output
    assert "did not stop in time" in output
    assert took_s >= 1.0
    assert not any(_alive(pid) for pid in pids)


def test_a_second_signal_kills_at_once(tmp_path: Path) -> None:
    supervisor, pids = _start(tmp_path, 300.0, "stubborn")
    supervisor.send_signal(signal.SIGINT)
    time.sleep(0.5)
    supervisor.send_signal(signal.SIGINT)
    output, took_s = _stopped_within(supervisor, 60.0)
    assert supervisor.returncode == 0, output
    assert took_s < 30.0  # not the 300 s timeout
    assert not any(_alive(pid) for pid in pids)


def test_a_process_that_exits_stops_the_others_and_sets_the_exit_code(tmp_path: Path) -> None:
    supervisor, pids = _start(tmp_path, 20.0, "sleeps", "fails")
    output, _took_s = _stopped_within(supervisor, 60.0)
    assert supervisor.returncode == 3, output
    assert "A process exited with code 3" in output
    assert not any(_alive(pid) for pid in pids)
