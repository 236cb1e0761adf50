"""Leaving a long-running process promptly.

Two helpers: :data:`stopping`, which waits that are part of a request (a long poll) watch so a
stopping web worker does not wait them out, and :func:`skip_final_collection`.

When a Python process ends, the interpreter runs full garbage collections over everything still
alive before it exits. For a process that has loaded Django, astropy and the demo data (a few
hundred thousand objects) that walk took 3–6 s of wall time on a loaded machine — longer than
the actual shutdown — so ``ocs up`` and its task worker lingered after Ctrl-C or SIGTERM.

:func:`skip_final_collection` registers an exit handler that disables the collector and freezes
the heap (``gc.freeze``), so those final collections find nothing to walk. Everything else about
a normal exit stays: ``finally`` blocks and other exit handlers run, files are flushed and
closed, objects are still freed by reference counting. Only objects kept alive solely by
reference cycles are not finalised — harmless for a process that is ending, and the reason to
call this only from a command's long-running entry point, never from a library import.
"""

from __future__ import annotations

import atexit
import gc
import threading

__all__ = ["pause", "skip_final_collection", "stopping"]

_lock = threading.Lock()
_registered = False

stopping = threading.Event()
"""Set once this process has been told to stop (a gunicorn worker's SIGTERM, SIGINT or SIGQUIT,
:mod:`openocs.server.gunicorn_hooks`): code that waits on purpose — a long poll — returns early
instead of holding the shutdown for up to its whole wait."""


def pause(seconds: float) -> None:
    """Sleep ``seconds``, or less if the process is told to stop meanwhile."""
    stopping.wait(max(seconds, 0.0))


def _freeze_heap() -> None:
    gc.disable()
    gc.freeze()


def skip_final_collection() -> None:
    """Make this process skip the interpreter's final garbage collections at exit (idempotent).

    Register it early: exit handlers run last-registered first, so this one runs after the
    handlers registered later (which may still allocate with the collector on).
    """
    global _registered
    with _lock:
        if not _registered:
            atexit.register(_freeze_heap)
            _registered = True
