"""Change events: published the moment something the scheduler or a user cares about happens.

Beyond the reference (spec portal §16, design §1 "Events"): besides moving the ``last_changed``
timestamps, every request submission, request or group state change and observation state
change writes a :class:`~openocs.portal.notifications.models.ChangeEvent` row in the same
transaction. Its ``id`` is a monotonically increasing sequence number that ``GET /api/changes/``
long-polls. After the transaction commits, the event is handed to the registered channels:
Redis pub/sub on :data:`REDIS_CHANNEL` when ``REDIS_URL`` is set, webhooks (a queued task) and
e-mails (queued through :mod:`openocs.portal.mail`). A rolled-back operation publishes nothing.

Every payload that concerns a request group carries its ``observation_type``, so the scheduler
can tell a RAPID_RESPONSE change (placed at once) from the others.

``replan`` marks the events that also move ``last_changed`` (the scheduler filters on it):
submissions, request state changes and observations becoming FAILED, ABORTED or NOT_ATTEMPTED
through a site report. Cancellations of observations (by the scheduler itself, or by staff) are
published with ``replan`` false, as they do not set ``last_changed`` either.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction

if TYPE_CHECKING:
    from openocs.portal.notifications.models import ChangeEvent

logger = logging.getLogger(__name__)

REDIS_CHANNEL = "openocs:changes"

Subscriber = Callable[["ChangeEvent"], None]
# Channels called inside the publishing transaction (they defer their own side effects with
# ``transaction.on_commit``); registered by the notifications app when it is ready.
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Register a channel (idempotent)."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def _stamp(value: Any) -> str | None:
    """A datetime as the event documents write it (ISO 8601, ``Z``), None kept."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def event_document(event: ChangeEvent) -> dict[str, Any]:
    """The JSON shape of an event (``/api/changes/``, Redis and webhook bodies)."""
    return {
        "seq": event.id,
        "kind": event.kind,
        "created": _stamp(event.created),
        "proposal": event.proposal_id,
        "telescope_class": event.telescope_class,
        "replan": event.replan,
        "data": event.payload,
    }


def publish(
    *,
    kind: str,
    payload: dict[str, Any],
    proposal_id: str = "",
    telescope_class: str = "",
    replan: bool = False,
) -> ChangeEvent | None:
    """Record one event and hand it to the channels; None when the notifications app is absent."""
    if not apps.is_installed("openocs.portal.notifications"):
        return None
    from openocs.portal.notifications.models import ChangeEvent

    event = ChangeEvent.objects.create(
        kind=kind,
        payload=payload,
        proposal_id=proposal_id or "",
        telescope_class=telescope_class or "",
        replan=replan,
    )
    for subscriber in list(_subscribers):
        subscriber(event)
    return event


def publish_to_redis(event: ChangeEvent) -> None:
    """Channel: after commit, publish the event document on Redis (when ``REDIS_URL`` is set).

    Redis being down never fails the operation: the event stays in the database and the
    ``/api/changes/`` long poll and ``last_changed`` still report it.
    """
    from openocs.portal.notifications import conf

    url = conf.redis_url()
    if not url:
        return
    message = json.dumps(event_document(event), sort_keys=True)

    def send() -> None:
        import redis

        try:
            client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
            try:
                client.publish(REDIS_CHANNEL, message)
            finally:
                client.close()
        except redis.RedisError as error:
            logger.warning("change event %s not published on Redis: %s", event.id, error)

    transaction.on_commit(send)


# --- the domain hooks called by the portal's services ------------------------------------------


def _telescope_class(request: Any) -> str:
    location = getattr(request, "location", None)
    return str(location.telescope_class) if location is not None else ""


def requestgroup_submitted(*, group: Any) -> None:
    """A request group (with its requests) was created."""
    requests = list(group.requests.all())
    classes = sorted({_telescope_class(r) for r in requests} - {""})
    publish(
        kind="requestgroup.submitted",
        proposal_id=group.proposal_id,
        telescope_class=classes[0] if len(classes) == 1 else "",
        replan=True,
        payload={
            "request_group_id": group.pk,
            "name": group.name,
            "observation_type": group.observation_type,
            "operator": group.operator,
            "submitter": group.submitter.username,
            "request_ids": [r.pk for r in requests],
            "telescope_classes": classes,
        },
    )


def request_state_changed(
    *, request: Any, old_state: str, new_state: str, group_old_state: str
) -> None:
    """A request moved through the state machine; its group may have moved too."""
    group = request.request_group
    telescope_class = _telescope_class(request)
    common = {
        "request_group_id": group.pk,
        "name": group.name,
        "observation_type": group.observation_type,
        "submitter": group.submitter.username,
    }
    publish(
        kind="request.state_changed",
        proposal_id=group.proposal_id,
        telescope_class=telescope_class,
        replan=True,
        payload={
            **common,
            "request_id": request.pk,
            "old_state": old_state,
            "new_state": new_state,
        },
    )
    if group.state != group_old_state:
        publish(
            kind="requestgroup.state_changed",
            proposal_id=group.proposal_id,
            telescope_class=telescope_class,
            replan=True,
            payload={**common, "old_state": group_old_state, "new_state": group.state},
        )


REPLAN_OBSERVATION_STATES = frozenset({"FAILED", "ABORTED", "NOT_ATTEMPTED"})


def observation_state_changed(
    *, observation: Any, old_state: str, new_state: str, replan: bool | None = None
) -> None:
    """An observation changed state (site report, cancellation, BAD_DATA)."""
    request = observation.request
    group = request.request_group
    publish(
        kind="observation.state_changed",
        proposal_id=group.proposal_id,
        telescope_class=_telescope_class(request),
        replan=new_state in REPLAN_OBSERVATION_STATES if replan is None else replan,
        payload={
            "observation_id": observation.pk,
            "request_id": request.pk,
            "request_group_id": group.pk,
            "observation_type": group.observation_type,
            "site": observation.site,
            "enclosure": observation.enclosure,
            "telescope": observation.telescope,
            "start": _stamp(observation.start),
            "end": _stamp(observation.end),
            "old_state": old_state,
            "new_state": new_state,
        },
    )


def observation_end_changed(*, observation: Any, old_end: Any) -> None:
    """A site or staff moved an observation's end (it moves ``last_changed`` too)."""
    request = observation.request
    group = request.request_group
    publish(
        kind="observation.end_changed",
        proposal_id=group.proposal_id,
        telescope_class=_telescope_class(request),
        replan=True,
        payload={
            "observation_id": observation.pk,
            "request_id": request.pk,
            "request_group_id": group.pk,
            "observation_type": group.observation_type,
            "site": observation.site,
            "enclosure": observation.enclosure,
            "telescope": observation.telescope,
            "old_end": _stamp(old_end),
            "new_end": _stamp(observation.end),
        },
    )


def requestgroup_state_forced(*, group: Any, old_state: str) -> None:
    """A group's state was set directly (a cancelled MANY group with a completed child)."""
    publish(
        kind="requestgroup.state_changed",
        proposal_id=group.proposal_id,
        replan=True,
        payload={
            "request_group_id": group.pk,
            "name": group.name,
            "observation_type": group.observation_type,
            "submitter": group.submitter.username,
            "old_state": old_state,
            "new_state": group.state,
        },
    )


def request_suspended(*, request: Any, old: Any, user: Any) -> None:
    """Staff suspended (or resumed) the scheduling of a PENDING request (§11.2)."""
    group = request.request_group
    publish(
        kind="request.suspended",
        proposal_id=group.proposal_id,
        telescope_class=_telescope_class(request),
        replan=True,
        payload={
            "request_id": request.pk,
            "request_group_id": group.pk,
            "observation_type": group.observation_type,
            "old_suspend_until": _stamp(old),
            "suspend_until": _stamp(request.suspend_until),
            "by": getattr(user, "username", ""),
        },
    )
