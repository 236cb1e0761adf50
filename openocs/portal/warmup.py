"""The portal's start-up warm-up (see :mod:`openocs.server.warmup`).

Reads the configdb document and builds the instrument digests that ``/api/instruments/``
serves, reads the current downtimes, loads the modules that validation and the scheduler feed
import on first use, and computes each distinct sky's Sun, Moon and night tables for the coming
week with one target, so that the first validation of a typical request finds them as every
later one does.

:func:`warm_connection` runs on every database connection a worker will serve from (each
connection of the pool): the queries of a token check, a request-group list page, a group and a
request's detail. A new PostgreSQL connection loads the catalog entries of each table and index
on its first query of them: its first list cost ≈ 20 ms more than the next (issue 17).
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from openocs.web.exceptions import ServiceUnavailable

# Imported by views on first use (kept out of the URL configuration's import for start-up time).
LAZY_MODULES = (
    "openocs.portal.requestgroups.validation",
    "openocs.portal.requestgroups.feed",
    "openocs.portal.requestgroups.expansion",
)

logger = logging.getLogger(__name__)


def warm_up(now: dt.datetime | None = None) -> None:
    from openocs.portal.requestgroups import visibility as portal_visibility
    from openocs.portal.requestgroups.configuration import load_portal_configuration

    try:
        configuration = load_portal_configuration()
    except ServiceUnavailable:
        logger.warning("configdb did not answer at start-up: its caches fill on first use")
        return
    configuration.digest(staff=False)
    configuration.digest(staff=True)
    for name in LAZY_MODULES:
        import_module(name)
    moment = now or dt.datetime.now(tz=dt.UTC)
    try:
        portal_visibility.current_downtimes(moment)
    except ServiceUnavailable:
        logger.warning("the downtime database did not answer at start-up")
    portal_visibility.warm_up(configuration.telescopes, moment)


def warm_connection() -> None:
    """The queries of an authenticated list page and of the details, on this thread's
    connection: a token lookup, a member's scope (a user who is no member: nothing is read), the
    count and the newest group's list and detail documents with its requests' children, and
    one request's detail. Reads only."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.authtoken.models import Token

    from openocs.portal.requestgroups import documents
    from openocs.portal.requestgroups.selectors import (
        requestgroups_visible_to,
        requestgroups_with_children,
        requests_visible_to,
    )

    Token.objects.select_related("user").filter(key="").first()
    nobody = get_user_model()(pk=0, username="")  # unsaved: its scope matches no proposal
    for user in (nobody, AnonymousUser()):
        groups = documents.group_rows(requestgroups_visible_to(user))
        groups.count()
        documents.requestgroup_documents(list(groups[:1]), list_shape=True)
        documents.request_documents(
            list(documents.request_rows(requests_visible_to(user))[:1]), list_shape=False
        )
    newest = documents.group_rows(requestgroups_with_children().order_by("-id"))[:1]
    for list_shape in (True, False):
        documents.requestgroup_documents(list(newest), list_shape=list_shape)
