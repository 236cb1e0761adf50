"""Progress on a terminal only (``openocs.progress``)."""

from __future__ import annotations

import io
import time

import pytest

from openocs.progress import elapsed


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_a_bar_against_the_limit_then_a_clean_line() -> None:
    terminal = _Terminal()
    with elapsed("solving (cpsat)", 30.0, stream=terminal, interval_s=0.01):
        time.sleep(0.1)
    shown = terminal.getvalue()
    assert "\rsolving (cpsat) [" in shown
    assert "/30 s" in shown
    assert shown.endswith("\r\x1b[K")


def test_without_a_limit_a_running_clock() -> None:
    terminal = _Terminal()
    with elapsed("exporting", stream=terminal, interval_s=0.01):
        time.sleep(0.05)
    assert "\rexporting 0 s" in terminal.getvalue()


def test_a_pipe_gets_nothing_even_when_the_block_fails() -> None:
    pipe = io.StringIO()
    with pytest.raises(RuntimeError), elapsed("solving", 10.0, stream=pipe):
        raise RuntimeError("boom")
    assert pipe.getvalue() == ""
