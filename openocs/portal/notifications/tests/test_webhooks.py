"""Webhooks: owner-scoped CRUD with a secret shown once, signed deliveries to a real HTTP
receiver started here, retries with exponential backoff, and the delivery log."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from openocs.portal.conftest import Persona, PersonaFactory
from openocs.portal.notifications.models import Webhook, WebhookDelivery
from openocs.portal.observations.tests.helpers import submit
from openocs.portal.proposals.models import Membership, Proposal

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]
DOCS = Path(__file__).resolve().parents[4] / "docs" / "portal-notifications.md"


def _documented_verifier() -> Callable[[bytes, str, str], bool]:
    """The signature check printed in docs/portal-notifications.md, executed here."""
    text = DOCS.read_text()
    match = re.search(r"<!-- example: verify-signature -->\s*```python\n(.*?)```", text, re.S)
    assert match, "the verification example is missing from the docs"
    namespace: dict[str, Any] = {}
    exec(match.group(1), namespace)  # noqa: S102 - our own documentation example
    verifier: Callable[[bytes, str, str], bool] = namespace["verify_signature"]
    return verifier


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers with the queued status codes (then 204)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[int] = []
        self.secret = ""
        verify = _documented_verifier()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            headers_seen: ClassVar[list[Any]] = []

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "body": json.loads(body),
                        "valid": verify(
                            body, self.headers.get("X-OCS-Signature", ""), receiver.secret
                        ),
                        "timestamp": self.headers.get("X-OCS-Timestamp"),
                        "event": self.headers.get("X-OCS-Event"),
                        "delivery": self.headers.get("X-OCS-Delivery"),
                        "host": self.headers.get("Host"),
                    }
                )
                code = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def _register(persona: Persona, url: str, **fields: Any) -> dict[str, Any]:
    response = persona.client.post("/api/webhooks/", {"url": url, **fields}, format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def test_secret_is_shown_once_and_webhooks_are_owner_scoped(
    submitter: Persona, outsider: Persona
) -> None:
    created = _register(submitter, "https://hooks.example.org/ocs", description="my TOM")
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) > 30
    listed = submitter.client.get("/api/webhooks/").json()["results"]
    assert [h["id"] for h in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in submitter.client.get(f"/api/webhooks/{created['id']}/").json()
    assert outsider.client.get(f"/api/webhooks/{created['id']}/").status_code == 404
    assert outsider.client.get("/api/webhooks/").json()["results"] == []
    assert outsider.client.delete(f"/api/webhooks/{created['id']}/").status_code == 404
    paused = submitter.client.patch(
        f"/api/webhooks/{created['id']}/", {"active": False}, format="json"
    )
    assert paused.json()["active"] is False
    assert submitter.client.delete(f"/api/webhooks/{created['id']}").status_code == 204
    assert not Webhook.objects.exists()


def test_registration_rejects_bad_urls_kinds_and_foreign_proposals(
    submitter: Persona, outsider: Persona, proposal: Proposal
) -> None:
    bad_scheme = submitter.client.post("/api/webhooks/", {"url": "ftp://x.org/"}, format="json")
    assert bad_scheme.status_code == 400
    assert "url" in bad_scheme.json()
    bad_kind = submitter.client.post(
        "/api/webhooks/",
        {"url": "https://x.org/", "event_kinds": ["request.exploded"]},
        format="json",
    )
    assert bad_kind.status_code == 400
    assert "event_kinds" in bad_kind.json()
    foreign = outsider.client.post(
        "/api/webhooks/", {"url": "https://x.org/", "proposal": proposal.pk}, format="json"
    )
    assert foreign.json() == {"proposal": [f"You are not a member of proposal {proposal.pk}"]}
    anonymous = submitter.client.__class__().get("/api/webhooks/")
    assert anonymous.status_code == 401


def test_events_of_the_owners_proposals_arrive_signed(
    submitter: Persona,
    make_persona: PersonaFactory,
    receiver: Receiver,
    frozen_now: datetime,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    created = _register(submitter, receiver.url)
    receiver.secret = created["secret"]
    stranger = make_persona("stan")  # no membership: must hear nothing
    _register(stranger, receiver.url.replace("/hook", "/stranger"))
    with django_capture_on_commit_callbacks(execute=True):
        group = submit(submitter)
    assert len(receiver.received) == 1
    delivered = receiver.received[0]
    assert delivered["valid"] is True
    assert delivered["event"] == "requestgroup.submitted"
    assert delivered["body"]["kind"] == "requestgroup.submitted"
    assert delivered["body"]["data"]["request_group_id"] == group["id"]
    assert delivered["body"]["proposal"] == "LCO2026B-001"
    assert delivered["timestamp"] == str(int(frozen_now.timestamp()))
    with django_capture_on_commit_callbacks(execute=True):
        submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    kinds = [r["body"]["kind"] for r in receiver.received]
    assert kinds == [
        "requestgroup.submitted",
        "request.state_changed",
        "requestgroup.state_changed",
    ]
    assert receiver.received[1]["body"]["data"]["new_state"] == "CANCELED"
    assert all(r["valid"] for r in receiver.received)
    log = submitter.client.get(f"/api/webhooks/{created['id']}/deliveries/").json()["results"]
    assert [(d["event_kind"], d["attempt"], d["status_code"], d["success"]) for d in log] == [
        ("requestgroup.state_changed", 1, 204, True),
        ("request.state_changed", 1, 204, True),
        ("requestgroup.submitted", 1, 204, True),
    ]


def test_a_wrong_secret_does_not_verify(
    submitter: Persona, receiver: Receiver, django_capture_on_commit_callbacks: Capture
) -> None:
    _register(submitter, receiver.url)
    receiver.secret = "whsec_not-the-right-one"
    with django_capture_on_commit_callbacks(execute=True):
        submit(submitter)
    assert [r["valid"] for r in receiver.received] == [False]


def test_kind_and_proposal_filters_select_events(
    submitter: Persona,
    proposal: Proposal,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    created = _register(
        submitter, receiver.url, event_kinds=["request.state_changed"], proposal=proposal.pk
    )
    receiver.secret = created["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        group = submit(submitter)
        submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    assert [r["body"]["kind"] for r in receiver.received] == ["request.state_changed"]


@override_settings(OCS_WEBHOOK_RETRY_BASE_S=30.0, OCS_WEBHOOK_MAX_ATTEMPTS=4)
def test_a_failing_receiver_is_retried_with_exponential_backoff(
    submitter: Persona,
    receiver: Receiver,
    frozen_now: datetime,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    created = _register(submitter, receiver.url)
    receiver.secret = created["secret"]
    receiver.answers = [500, 500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        submit(submitter)
    delays = []
    for _ in range(2):
        (task,) = HUEY.scheduled()
        delays.append((task.eta - frozen_now.replace(tzinfo=None)).total_seconds())
        HUEY.storage.flush_schedule()
        HUEY.execute(task, timestamp=task.eta)
    assert delays == [30.0, 60.0]  # base × 2^(n−1)
    assert HUEY.scheduled() == []  # the third attempt succeeded
    assert [r["valid"] for r in receiver.received] == [True, True, True]
    assert len({r["delivery"] for r in receiver.received}) == 1  # one delivery id for retries
    rows = list(WebhookDelivery.objects.order_by("id"))
    assert [(d.attempt, d.status_code, d.success) for d in rows] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert rows[0].next_attempt_at == frozen_now + timedelta(seconds=30)
    assert rows[0].error.startswith("HTTP 500")


@override_settings(OCS_WEBHOOK_RETRY_BASE_S=1.0, OCS_WEBHOOK_MAX_ATTEMPTS=2)
def test_delivery_gives_up_after_the_last_attempt_and_records_connection_errors(
    submitter: Persona, frozen_now: datetime, django_capture_on_commit_callbacks: Capture
) -> None:
    with Receiver() as closed:
        url = closed.url  # the port is free again once this server is closed
    _register(submitter, url)
    with django_capture_on_commit_callbacks(execute=True):
        submit(submitter)
    (task,) = HUEY.scheduled()
    HUEY.storage.flush_schedule()
    HUEY.execute(task, timestamp=task.eta)
    assert HUEY.scheduled() == []
    rows = list(WebhookDelivery.objects.order_by("id"))
    assert [(d.attempt, d.status_code, d.success) for d in rows] == [
        (1, None, False),
        (2, None, False),
    ]
    assert rows[0].error.startswith("ConnectError")
    assert rows[1].next_attempt_at is None


def test_members_who_leave_stop_receiving(
    submitter: Persona,
    receiver: Receiver,
    proposal: Proposal,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _register(submitter, receiver.url)
    group = submit(submitter)
    Membership.objects.filter(user=submitter.user).delete()
    with django_capture_on_commit_callbacks(execute=True):
        from openocs.portal.requestgroups.models import RequestGroup
        from openocs.portal.requestgroups.services import requestgroup_cancel

        requestgroup_cancel(group=RequestGroup.objects.get(pk=group["id"]), user=submitter.user)
    assert receiver.received == []


@override_settings(OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
def test_private_addresses_are_refused_when_not_allowed(
    submitter: Persona, receiver: Receiver, django_capture_on_commit_callbacks: Capture
) -> None:
    # Registered while private networks were allowed (or its name resolved elsewhere then).
    with override_settings(OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=True):
        _register(submitter, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submit(submitter)
    assert receiver.received == []
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.error == "Refused: 127.0.0.1 resolves to the non-public address 127.0.0.1"
    assert (delivery.success, delivery.status_code, delivery.next_attempt_at) == (False, None, None)
    assert HUEY.scheduled() == []  # a refusal is permanent: no retry
