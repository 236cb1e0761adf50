"""The load client of ``benchmarks/portal_load.py`` (issue 17): it shares two cores with the
server, so it reads bodies as bytes over keep-alive connections (or leaves the work to wrk),
names itself, counts its own CPU, and refuses a run with failed answers."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "portal_load.py"
BODY = b'{"count": 1, "results": [' + b"0," * 50_000 + b"0]}"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("portal_load", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["portal_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


portal_load = _script()


class _Server(ThreadingHTTPServer):
    status = 200
    seen: list[tuple[str, str | None]]
    connections: set[int]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn answers
    server: _Server

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        self.server.connections.add(self.client_address[1])
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.seen = []
    httpd.connections = set()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_the_python_client_reuses_one_connection_per_client_and_stops_at_its_cap(
    server: _Server,
) -> None:
    port = server.server_address[1]
    result = portal_load.load_python("127.0.0.1", port, "abc", "/api/x/?limit=100", 2, 30.0, 40)
    assert result.client == "python http.client"
    assert result.requests == 40 == len(server.seen)
    assert set(server.seen) == {("/api/x/?limit=100", "Token abc")}
    assert len(server.connections) == 2  # keep-alive: one connection per client thread
    assert result.client_cpu_s >= 0 and result.median_ms > 0
    assert "40 requests in" in result.text(2) and "(python http.client)" in result.text(2)


def test_the_python_client_refuses_a_run_with_failed_answers(server: _Server) -> None:
    server.status = 500
    with pytest.raises(SystemExit, match="-> 500"):
        portal_load.load_python("127.0.0.1", server.server_address[1], "t", "/x", 2, 30.0, 40)


WRK_REPORT = """Running 20s test @ http://127.0.0.1:8731/api/requestgroups/?limit=100
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    80.12ms   10.01ms 150.00ms   70.00%
    Req/Sec    50.00      5.00    60.00     70.00%
  Latency Distribution
     50%   78.50ms
     75%   85.00ms
     90%   95.00ms
     99%  120.00ms
  1003 requests in 20.02s, 340.00MB read
Requests/sec:     50.10
Transfer/sec:     17.00MB
"""


def test_wrk_reports_give_requests_wall_time_and_median() -> None:
    assert portal_load.parse_wrk(WRK_REPORT) == (1003, pytest.approx(20.02), 78.5)
    micro = WRK_REPORT.replace("78.50ms", "950.00us").replace("20.02s", "1.50m")
    assert portal_load.parse_wrk(micro) == (1003, pytest.approx(90.0), pytest.approx(0.95))


@pytest.mark.parametrize(
    "problem", ["  Non-2xx or 3xx responses: 12\n", "  Socket errors: connect 0, read 3\n"]
)
def test_a_wrk_run_with_failed_answers_is_refused(problem: str) -> None:
    with pytest.raises(SystemExit, match="wrk: "):
        portal_load.parse_wrk(WRK_REPORT + problem)


def test_auto_takes_wrk_when_installed_and_the_python_client_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    assert portal_load.load_client("auto") == "/usr/bin/wrk"
    assert portal_load.load_client("python") is None
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert portal_load.load_client("auto") is None
    with pytest.raises(SystemExit, match="apt-get install -y wrk"):
        portal_load.load_client("wrk")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_runs_against_a_server_and_counts_its_cpu(server: _Server) -> None:
    wrk = shutil.which("wrk")
    assert wrk is not None
    result = portal_load.load_wrk(wrk, "127.0.0.1", server.server_address[1], "k", "/y", 2, 1.0)
    assert result.client == "wrk"
    # wrk counts the answers it read; a request still in flight on each of its 2 connections
    # when its time is up reaches the server uncounted
    assert 0 < result.requests <= len(server.seen) <= result.requests + 2
    assert set(server.seen) == {("/y", "Token k")}
