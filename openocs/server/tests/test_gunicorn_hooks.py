"""The web server's worker hook: a stop signal sets ``openocs.exiting.stopping``; SIGTERM still
reaches gunicorn's own handler, SIGINT and SIGQUIT end the worker without it."""

import signal
from types import FrameType, SimpleNamespace

import pytest

from openocs.exiting import stopping
from openocs.server import gunicorn_hooks


@pytest.fixture
def handlers():
    saved = {number: signal.getsignal(number) for number in gunicorn_hooks.STOP_SIGNALS}
    yield
    stopping.clear()
    for number, previous in saved.items():
        signal.signal(number, previous)


def test_sigterm_sets_stopping_then_runs_gunicorns_handler(handlers: None) -> None:
    handled: list[int] = []

    def gunicorns(signum: int, _frame: FrameType | None) -> None:
        handled.append(signum)

    signal.signal(signal.SIGTERM, gunicorns)
    gunicorn_hooks.post_worker_init(SimpleNamespace(alive=True))
    handler = signal.getsignal(signal.SIGTERM)
    assert callable(handler)
    handler(signal.SIGTERM, None)  # as the interpreter calls it on the signal
    assert stopping.is_set()
    assert handled == [signal.SIGTERM]


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGQUIT])
def test_a_quick_stop_ends_the_worker_without_gunicorns_handler(
    handlers: None, number: int
) -> None:
    worker = SimpleNamespace(alive=True)
    gunicorn_hooks.post_worker_init(worker)
    handler = signal.getsignal(number)
    assert callable(handler)
    with pytest.raises(SystemExit) as exited:
        handler(number, None)
    assert exited.value.code == 0
    assert stopping.is_set()
    assert worker.alive is False


def test_ocs_up_loads_the_hooks_into_gunicorn(tmp_path: object) -> None:
    from pathlib import Path

    from openocs.server.cli import web_server_command

    assert isinstance(tmp_path, Path)
    command = web_server_command(
        python="python", host="127.0.0.1", port=8000, workers=1, data_dir=tmp_path
    )
    assert command[command.index("--config") + 1] == "python:openocs.server.gunicorn_hooks"
    assert command[command.index("--graceful-timeout") + 1] == "5"
