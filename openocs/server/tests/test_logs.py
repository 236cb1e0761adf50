"""Structured logs: JSON lines in production, one line per task-queue event, quiet idle polls."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from openocs.logformat import JsonFormatter, default_log_format, is_idle_poll
from openocs.server.accesslog import GunicornLogger


def test_json_formatter_writes_one_object_per_line_with_extras_and_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("openocs.test").makeRecord(
            "openocs.test", logging.ERROR, __file__, 1, "failed %s", ("twice",), exc_info=None
        )
        import sys

        record.exc_info = sys.exc_info()
    record.request_id = 42
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "openocs.test"
    assert entry["message"] == "failed twice"
    assert entry["request_id"] == 42
    assert "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_default_format_is_json_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCS_ENV", "production")
    assert default_log_format() == "json"
    monkeypatch.setenv("OCS_ENV", "development")
    assert default_log_format() == "plain"


@pytest.mark.parametrize(
    ("method", "path", "status", "idle"),
    [
        ("GET", "/api/last_changed/", 200, True),
        ("GET", "/api/changes", 200, True),
        ("GET", "/api/changes/", 503, False),  # failures stay in the log
        ("POST", "/api/changes/", 200, False),
        ("GET", "/api/requestgroups/", 200, False),
        ("GET", "/api/last_scheduled/", 200, True),  # a site's poll
        ("GET", "/health/", 200, True),  # probes and ``ocs up`` waiting for the server
        ("GET", "/health/", 503, False),
    ],
)
def test_idle_polls_are_the_schedulers_successful_reads(
    method: str, path: str, status: int, idle: bool
) -> None:
    assert is_idle_poll(method, path, status) is idle


def test_task_queue_lines_are_printed_once() -> None:
    stream = io.StringIO()
    config = {**settings.LOGGING}
    config["handlers"] = {"console": {"class": "logging.StreamHandler", "stream": stream}}
    logging.config.dictConfig(config)
    try:
        huey = logging.getLogger("huey")
        assert huey.handlers  # run_huey then adds no handler of its own
        huey.info("Executing task")
        assert stream.getvalue().count("Executing task") == 1
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _access(logger: GunicornLogger, path: str, status: str) -> None:
    request = SimpleNamespace(
        method="GET", path=path, query="", version=(1, 1), uri=path, headers=[]
    )
    response = SimpleNamespace(status=status, sent=10, headers=[], response_length=10)
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "test", "REQUEST_METHOD": "GET"}
    environ.update(RAW_URI=path, SERVER_PROTOCOL="HTTP/1.1", QUERY_STRING="")
    logger.access(response, request, environ, timedelta(milliseconds=12))


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_access_log_leaves_out_idle_polls(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], log_format: str
) -> None:
    monkeypatch.setenv("OCS_LOG_FORMAT", log_format)
    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    _access(logger, "/api/last_changed/", "200 OK")
    _access(logger, "/api/requestgroups/", "200 OK")
    monkeypatch.setenv("OCS_ACCESS_LOG_POLLS", "true")
    _access(logger, "/api/changes/", "200 OK")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert "/api/requestgroups/" in lines[0]
    assert "/api/changes/" in lines[1]
    if log_format == "json":
        entry = json.loads(lines[0])
        assert entry["status"] == 200
        assert entry["duration_ms"] == 12.0
