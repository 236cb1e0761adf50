"""Leaving a long-running process promptly.

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

__all__ = ["skip_final_collection"]

_lock = threading.Lock()
_registered = False


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
