"""Progress shown on a terminal only: long CLI work tells it is alive; pipes and logs stay clean.

:func:`elapsed` draws, on standard error, a bar of the time spent against a limit (a solver's
time limit) or a running clock, until its block ends. Nothing is written when the stream is not
a terminal, so ``--json`` output, redirected output and CI logs are unchanged.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_WIDTH = 30


def _render(label: str, spent_s: float, limit_s: float | None) -> str:
    if limit_s:
        done = min(spent_s / limit_s, 1.0)
        filled = round(done * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        return f"\r{label} [{bar}] {spent_s:.0f}/{limit_s:.0f} s"
    return f"\r{label} {spent_s:.0f} s"


@contextmanager
def elapsed(
    label: str,
    limit_s: float | None = None,
    *,
    stream: TextIO | None = None,
    interval_s: float = 0.25,
) -> Iterator[None]:
    """Show ``label`` with the time spent (against ``limit_s`` if given) while the block runs."""
    output = stream if stream is not None else sys.stderr
    if not output.isatty():
        yield
        return
    started = time.monotonic()
    finished = threading.Event()

    def draw() -> None:
        while not finished.wait(interval_s):
            output.write(_render(label, time.monotonic() - started, limit_s))
            output.flush()

    painter = threading.Thread(target=draw, name="progress", daemon=True)
    painter.start()
    try:
        yield
    finally:
        finished.set()
        painter.join()
        output.write("\r\x1b[K")  # clear the line for what comes next
        output.flush()
