"""The webhook channel: signed JSON events of the owner's proposals, delivered by the task queue.

Body: the event document of :func:`openocs.portal.events.event_document` as compact JSON.
Headers: ``X-OCS-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>``,
``X-OCS-Timestamp`` (Unix seconds of the attempt), ``X-OCS-Event`` (the kind) and
``X-OCS-Delivery`` (``<event seq>.<webhook id>``, the same for every retry of one delivery).
A 2xx answer is a success; anything else (or no answer within ``OCS_WEBHOOK_TIMEOUT_S``) is
retried up to ``OCS_WEBHOOK_MAX_ATTEMPTS`` times, attempt n + 1 waiting
``OCS_WEBHOOK_RETRY_BASE_S × 2^(n−1)`` seconds. Every attempt is a :class:`WebhookDelivery` row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from datetime import timedelta
from typing import Any

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openocs.portal.events import event_document
from openocs.portal.notifications import conf
from openocs.portal.notifications.destinations import destination_resolve
from openocs.portal.notifications.models import ChangeEvent, Webhook, WebhookDelivery

SIGNATURE_HEADER = "X-OCS-Signature"
TIMESTAMP_HEADER = "X-OCS-Timestamp"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(body: bytes, secret: str) -> str:
    """``sha256=<hex>``: the value of the signature header for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_is_valid(body: bytes, secret: str, header: str) -> bool:
    """What a receiver checks (constant-time comparison)."""
    return hmac.compare_digest(sign(body, secret), header)


@transaction.atomic
def webhook_create(
    *,
    owner: Any,
    url: str,
    description: str = "",
    proposal: Any = None,
    event_kinds: list[str] | None = None,
) -> Webhook:
    return Webhook.objects.create(
        owner=owner,
        url=url,
        secret=new_secret(),
        description=description,
        proposal=proposal,
        event_kinds=list(event_kinds or []),
    )


def webhooks_for(event: ChangeEvent) -> list[Webhook]:
    """Active webhooks whose owner belongs to the event's proposal (and whose filters match)."""
    if not event.proposal_id:
        return []
    hooks = (
        Webhook.objects.filter(
            active=True, owner__is_active=True, owner__membership__proposal_id=event.proposal_id
        )
        .filter(Q(proposal__isnull=True) | Q(proposal_id=event.proposal_id))
        .distinct()
        .order_by("id")
    )
    return [h for h in hooks if not h.event_kinds or event.kind in h.event_kinds]


def on_event(event: ChangeEvent) -> None:
    """Channel: after the commit, queue one delivery per matching webhook (nothing is queued
    when nobody on the proposal has an active webhook, e.g. during big range cancels)."""
    if not event.proposal_id:
        return
    if not Webhook.objects.filter(
        active=True, owner__membership__proposal_id=event.proposal_id
    ).exists():
        return
    event_id = event.pk

    def enqueue() -> None:
        from openocs.portal.notifications.tasks import webhooks_dispatch_task

        webhooks_dispatch_task(event_id=event_id)

    transaction.on_commit(enqueue)


def dispatch(*, event_id: int) -> int:
    """Queue the first attempt of every matching webhook; returns how many."""
    from openocs.portal.notifications.tasks import webhook_attempt_task

    event = ChangeEvent.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    hooks = webhooks_for(event)
    for hook in hooks:
        webhook_attempt_task(webhook_id=hook.pk, event_id=event.pk, attempt=1)
    return len(hooks)


def retry_delay_s(attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): base × 2^(attempt−1)."""
    return float(conf.webhook_retry_base_s() * 2 ** (attempt - 1))


def refused_destination(url: str) -> str:
    """Why ``url`` may not be called (empty when it may): unless
    ``OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS``, every address the host resolves to must be public
    (:mod:`~openocs.portal.notifications.destinations`)."""
    return destination_resolve(url, allow_private=conf.webhook_allow_private_networks()).refused


def deliver(*, webhook_id: int, event_id: int, attempt: int) -> WebhookDelivery | None:
    """One attempt; records it, and schedules the next one (with backoff) after a failure."""
    from openocs.portal.notifications.tasks import webhook_attempt_task

    hook = Webhook.objects.filter(pk=webhook_id, active=True).first()
    event = ChangeEvent.objects.filter(pk=event_id).first()
    if hook is None or event is None:
        return None
    body = json.dumps(event_document(event), separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "OpenOCS-Webhooks/1",
        SIGNATURE_HEADER: sign(body, hook.secret),
        TIMESTAMP_HEADER: str(int(timezone.now().timestamp())),
        "X-OCS-Event": event.kind,
        "X-OCS-Delivery": f"{event.pk}.{hook.pk}",
    }
    status_code: int | None = None
    started = time.perf_counter()
    # Resolved once: the connection goes to the address that was checked (no second lookup).
    destination = destination_resolve(hook.url, allow_private=conf.webhook_allow_private_networks())
    if destination.refused and not destination.unresolved:  # permanent: logged, never retried
        return WebhookDelivery.objects.create(
            webhook=hook,
            event=event,
            event_kind=event.kind,
            attempt=attempt,
            error=f"Refused: {destination.refused}"[:500],
        )
    error = destination.refused[:500]  # a failed lookup is retried like a failed connection
    if not error:
        pinned_url, host_header, extensions = destination.connection()
        try:
            with httpx.Client(timeout=conf.webhook_timeout_s(), follow_redirects=False) as client:
                response = client.post(
                    pinned_url,
                    content=body,
                    headers={**headers, **host_header},
                    extensions=extensions,
                )
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}: {response.text[:200]}"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"[:500]
    duration_ms = (time.perf_counter() - started) * 1000.0
    success = not error
    retry = not success and attempt < conf.webhook_max_attempts()
    delay_s = retry_delay_s(attempt) if retry else 0.0
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        event=event,
        event_kind=event.kind,
        attempt=attempt,
        status_code=status_code,
        success=success,
        error=error,
        duration_ms=duration_ms,
        next_attempt_at=timezone.now() + timedelta(seconds=delay_s) if retry else None,
    )
    if retry:
        webhook_attempt_task.schedule(
            kwargs={"webhook_id": hook.pk, "event_id": event.pk, "attempt": attempt + 1},
            delay=delay_s,
        )
    return delivery
