"""Fixtures of the downtime tests.

The configdb document the downtime service validates against is the REAL configdb app's
``sites/`` output for the demo network: imported once per session with ``ocs configdb import``
inside a transaction that is rolled back, and fetched through the in-process transport. Tests
then serve that document to a ``ConfigDBClient`` (with an ETag), so each test does not pay for
the import; ``test_real_configdb.py`` also runs the whole path live.
"""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import openocs
from openocs.clients.configdb import ConfigDBClient
from openocs.clients.http import HttpClient
from openocs.server.cli import main
from openocs.web import clients

DEMO_NETWORK = Path(openocs.__file__).parent / "configdb" / "demo" / "lco-network.json"


def import_demo_network() -> None:
    """Load the demo network into the real configdb app (as an operator would)."""
    result = CliRunner().invoke(main, ["configdb", "import", str(DEMO_NETWORK)])
    assert result.exit_code == 0, result.output


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="session")
def demo_sites_document(django_db_setup: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock(), transaction.atomic():
        import_demo_network()
        base_url, transport = clients.component_endpoint("configdb")
        with HttpClient(base_url, transport=transport) as http:
            document: dict[str, Any] = http.get_json("sites/")
        transaction.set_rollback(True)
    cache.clear()
    clients.reset_clients()
    assert document["next"] is None
    return document


class CannedConfigDB:
    """Serves a recorded sites/ document with an ETag; counts requests."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = copy.deepcopy(document)
        self.etag = '"demo-1"'
        self.requests = 0
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.headers.get("If-None-Match") == self.etag:
            return httpx.Response(304, headers={"ETag": self.etag})
        return httpx.Response(200, json=self.document, headers={"ETag": self.etag})


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    clients.reset_clients()
    yield
    clients.reset_clients()


@pytest.fixture
def configdb(demo_sites_document: dict[str, Any]) -> CannedConfigDB:
    """configdb answering with the demo network; installed as this process's configdb client."""
    server = CannedConfigDB(demo_sites_document)
    clients.install_client(
        "configdb",
        ConfigDBClient("http://configdb.test/", transport=httpx.MockTransport(server)),
    )
    return server


@pytest.fixture
def configdb_down() -> ConfigDBClient:
    """configdb unreachable: the client points at a closed port on 127.0.0.1."""
    client = ConfigDBClient(closed_port_url(), timeout_s=2.0)
    clients.install_client("configdb", client)
    return client


def _client_for(username: str, *, is_staff: bool) -> APIClient:
    user = get_user_model().objects.create_user(username, is_staff=is_staff)
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    api.user = user  # type: ignore[attr-defined]
    return api


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def staff(db: Any) -> APIClient:
    return _client_for("operator", is_staff=True)


@pytest.fixture
def astronomer(db: Any) -> APIClient:
    return _client_for("astronomer", is_staff=False)
