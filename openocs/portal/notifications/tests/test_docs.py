"""The Python examples of docs/portal-notifications.md run: the change follower against the
real ``/api/changes/`` endpoint (through WSGI), and the signed-webhook receiver."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from openocs.portal import events
from openocs.portal.conftest import Persona
from openocs.portal.notifications.webhooks import sign

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[4] / "docs" / "portal-notifications.md"


@pytest.fixture
def examples() -> dict[str, Any]:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


@pytest.fixture
def connections_kept() -> Iterator[None]:
    """Serve requests inside the test transaction, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class PublishingTransport(httpx.WSGITransport):
    """The portal through WSGI; a submission happens right after the follower's first call."""

    def __init__(self) -> None:
        super().__init__(app=get_wsgi_application())
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.calls += 1
        if self.calls == 1:
            events.publish(kind="test.cancelled", payload={"why": "not replan"})
            events.publish(kind="test.submitted", payload={"n": 1}, replan=True)
        return response


def test_the_follower_receives_replan_events(
    examples: dict[str, Any], staff_view_user: Persona, connections_kept: None
) -> None:
    batches: list[list[dict[str, Any]]] = []
    transport = PublishingTransport()
    with httpx.Client(
        transport=transport,
        base_url="http://testserver",
        headers={"Authorization": f"Token {staff_view_user.token}"},
    ) as client:

        def on_events(found: list[dict[str, Any]]) -> bool:
            batches.append(found)
            return False  # stop following after the first batch

        examples["follow_changes"](client, on_events, 1.0)
    assert [[e["kind"] for e in batch] for batch in batches] == [["test.submitted"]]
    assert transport.calls == 2


def _call(app: Any, body: bytes, signature: str) -> str:
    status: list[str] = []
    environ = {
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_OCS_SIGNATURE": signature,
    }
    app(environ, lambda code, headers: status.append(code))
    return status[0]


def test_the_receiver_accepts_only_signed_bodies(examples: dict[str, Any]) -> None:
    body = json.dumps({"seq": 1, "kind": "request.state_changed", "data": {}}).encode()
    app = examples["ocs_events_app"]
    secret = examples["SECRET"]
    assert _call(app, body, sign(body, secret)) == "204 No Content"
    assert _call(app, body, sign(body, "whsec_other")) == "401 Unauthorized"
    assert _call(app, body + b" ", sign(body, secret)) == "401 Unauthorized"
    assert examples["received"] == [json.loads(body)]
