"""Webhook destinations: public addresses only, in every spelling, checked at creation and
connected to at delivery without a second DNS lookup (docs/security.md)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.test import override_settings

from openocs.portal.conftest import Persona
from openocs.portal.notifications.destinations import destination_resolve
from openocs.portal.notifications.models import Webhook, WebhookDelivery
from openocs.portal.notifications.tests.test_webhooks import Receiver
from openocs.portal.observations.tests.helpers import submit

_real_getaddrinfo = socket.getaddrinfo
PUBLIC = "93.184.215.14"


def _fake_dns(
    first: dict[str, list[str]], later: dict[str, list[str]] | None = None
) -> Callable[..., Any]:
    """getaddrinfo answering a name of ``first`` with all its addresses on the first lookup and
    with ``later``'s on any further one; numeric hosts are answered as the system does."""
    calls: dict[str, int] = {}

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in first:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        table = first if not calls.get(host) else (later or first)
        calls[host] = calls.get(host, 0) + 1
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, int(port or 0)),
            )
            for address in table[host]
        ]

    getaddrinfo.calls = calls  # type: ignore[attr-defined]
    return getaddrinfo


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    def install(first: dict[str, list[str]], later: dict[str, list[str]] | None = None) -> Any:
        fake = _fake_dns(first, later)
        monkeypatch.setattr(socket, "getaddrinfo", fake)
        return fake

    return install


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://2130706433/hook",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/hook",  # … in hexadecimal
        "http://0177.0.0.1/hook",  # … with an octal first part
        "http://127.1/hook",  # … shortened
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
        "http://[::ffff:a00:1]/hook",  # 10.0.0.1, mapped and in hexadecimal
        "http://[::10.0.0.1]/hook",  # IPv4-compatible IPv6
        "http://[2002:a00:1::1]/hook",  # 6to4 of 10.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 of 169.254.169.254
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/hook",  # shared address space (CGNAT)
        "http://[fe80::1]/hook",
        "http://[fc00::1]/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://240.0.0.1/hook",  # reserved
        "http://198.18.0.1/hook",  # benchmarking
    ],
)
def test_non_public_destinations_are_refused_in_every_spelling(url: str) -> None:
    destination = destination_resolve(url, allow_private=False)
    assert destination.refused
    assert destination.address == ""


def test_a_name_resolving_to_a_private_address_is_refused(dns: Any) -> None:
    dns({"hooks.example.org": [PUBLIC], "internal.example.org": [PUBLIC, "10.0.0.7"]})
    assert destination_resolve("https://hooks.example.org/x", allow_private=False).refused == ""
    refused = destination_resolve("https://internal.example.org/x", allow_private=False).refused
    assert refused == "internal.example.org resolves to the non-public address 10.0.0.7"


def test_an_unresolvable_or_malformed_destination_is_refused() -> None:
    assert (
        "cannot resolve"
        in destination_resolve("https://no-such-host.invalid/", allow_private=False).refused
    )
    assert destination_resolve("https://hooks.example.org:99999/", allow_private=False).refused
    assert destination_resolve("ftp://hooks.example.org/", allow_private=False).refused


def test_the_connection_names_the_checked_address_and_keeps_the_host(dns: Any) -> None:
    dns({"hooks.example.org": [PUBLIC], "v6.example.org": ["2606:2800:220:1::1"]})
    destination = destination_resolve("https://hooks.example.org:8443/a?b=1", allow_private=False)
    url, headers, extensions = destination.connection()
    assert url == f"https://{PUBLIC}:8443/a?b=1"
    assert headers == {"Host": "hooks.example.org:8443"}
    assert extensions == {"sni_hostname": "hooks.example.org"}
    url, headers, extensions = destination_resolve(
        "http://v6.example.org/", allow_private=False
    ).connection()
    assert (url, headers, extensions) == (
        "http://[2606:2800:220:1::1]/",
        {"Host": "v6.example.org"},
        {},
    )


@pytest.mark.django_db
@override_settings(OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/", "http://2130706433/", "http://[::ffff:10.0.0.1]/"]
)
def test_creating_a_webhook_to_a_private_address_is_refused(submitter: Persona, url: str) -> None:
    response = submitter.client.post("/api/webhooks/", {"url": url}, format="json")
    assert response.status_code == 400
    assert response.json()["url"]  # "not allowed: …", or not even a valid URL
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_changing_a_webhook_to_a_private_address_is_refused(submitter: Persona, dns: Any) -> None:
    dns({"hooks.example.org": [PUBLIC]})
    with override_settings(OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=False):
        created = submitter.client.post(
            "/api/webhooks/", {"url": "https://hooks.example.org/"}, format="json"
        )
        assert created.status_code == 201, created.json()
        changed = submitter.client.patch(
            f"/api/webhooks/{created.json()['id']}/", {"url": "http://10.0.0.1/"}, format="json"
        )
    assert changed.status_code == 400
    assert "url" in changed.json()
    assert Webhook.objects.get().url == "https://hooks.example.org/"


@pytest.mark.django_db
@override_settings(OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
def test_a_failed_lookup_at_delivery_is_retried_not_refused(
    submitter: Persona, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    created = submitter.client.post(
        "/api/webhooks/", {"url": "https://no-such-host.invalid/hook"}, format="json"
    )
    assert created.status_code == 201, created.json()
    with django_capture_on_commit_callbacks(execute=True):
        submit(submitter)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.error.startswith("cannot resolve no-such-host.invalid")
    assert delivery.next_attempt_at is not None


@pytest.mark.django_db
@override_settings(OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
def test_delivery_connects_to_the_address_it_checked_without_resolving_again(
    submitter: Persona, dns: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        dns({"receiver.test": ["127.0.0.1"]})
        created = submitter.client.post(
            "/api/webhooks/", {"url": f"http://receiver.test:{port}/hook"}, format="json"
        )
        assert created.status_code == 201, created.json()
        receiver.secret = created.json()["secret"]
        # At delivery the name resolves once to the receiver; a second lookup (a rebinding
        # attacker's answer) would send the request to a black-hole address instead.
        fake = dns({"receiver.test": ["127.0.0.1"]}, later={"receiver.test": ["192.0.2.1"]})
        with django_capture_on_commit_callbacks(execute=True):
            submit(submitter)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.success, delivery.error
    assert fake.calls == {"receiver.test": 1}
    assert len(receiver.received) == 1
    assert receiver.received[0]["valid"]
    assert receiver.received[0]["host"] == f"receiver.test:{port}"


@pytest.mark.django_db
def test_a_rebinding_name_cannot_redirect_the_delivery(
    submitter: Persona,
    dns: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Public when checked, loopback when looked up again: the request still goes to the
    public address it checked, named by its host for ``Host`` and TLS."""
    seen: list[httpx.Request] = []
    real_client = httpx.Client

    def client(*args: Any, **kwargs: Any) -> httpx.Client:
        if "transport" in kwargs:  # the services' own in-process clients
            return real_client(*args, **kwargs)

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(204)

        return real_client(*args, transport=httpx.MockTransport(handler), **kwargs)

    monkeypatch.setattr(httpx, "Client", client)
    with override_settings(OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=False):
        dns({"hooks.example.org": [PUBLIC]})
        created = submitter.client.post(
            "/api/webhooks/", {"url": "https://hooks.example.org/ocs"}, format="json"
        )
        assert created.status_code == 201, created.json()
        fake = dns({"hooks.example.org": [PUBLIC]}, later={"hooks.example.org": ["127.0.0.1"]})
        with django_capture_on_commit_callbacks(execute=True):
            submit(submitter)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.success, delivery.error
    (request,) = seen
    assert str(request.url) == f"https://{PUBLIC}/ocs"
    assert request.headers["Host"] == "hooks.example.org"
    assert request.extensions["sni_hostname"] == "hooks.example.org"
    assert fake.calls == {"hooks.example.org": 1}
