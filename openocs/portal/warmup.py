"""The portal's start-up warm-up (see :mod:`openocs.server.warmup`).

Reads the configdb document and builds the instrument digests that ``/api/instruments/``
serves, has Cerberus check every validation schema of the document (it checks a schema on its
first use), reads the current downtimes, loads the modules that validation and the scheduler feed
import on first use, and computes each distinct sky's Sun, Moon and night tables for the coming
week with one target, so that the first validation of a typical request finds them as every
later one does.

:func:`warm_connection` runs on every database connection a worker will serve from (each connection
of the pool): the queries of a token check, a request-group list page, a group and a request's
detail, the reads of a submission's validation, and its inserts (rolled back). A new PostgreSQL
connection loads the catalog entries of each table and index on its first query of them: its first
list cost ≈ 20 ms more than the next (issue 17).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

from openocs.web.exceptions import ServiceUnavailable

if TYPE_CHECKING:
    from openocs.portal.requestgroups.configuration import PortalConfiguration

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
    compiled = compile_validation_schemas(configuration)
    logger.info("checked %d validation schemas", compiled)
    for name in LAZY_MODULES:
        import_module(name)
    moment = now or dt.datetime.now(tz=dt.UTC)
    try:
        portal_visibility.current_downtimes(moment)
    except ServiceUnavailable:
        logger.warning("the downtime database did not answer at start-up")
    portal_visibility.warm_up(configuration.telescopes, moment)


def validation_schemas(configuration: PortalConfiguration) -> list[Mapping[str, Any]]:
    """Every Cerberus schema of the configuration that validation applies: each instrument
    type's, each of its configuration types' and each of its modes' (the staff digest: every
    type a submission may name)."""
    found: list[Mapping[str, Any]] = []
    for entry in configuration.digest(staff=True).values():
        found.append(entry.get("validation_schema") or {})
        for properties in entry.get("configuration_types", {}).values():
            found.append(properties.get("validation_schema") or {})
        for group in entry.get("modes", {}).values():
            for mode in group.get("modes") or []:
                found.append(mode.get("validation_schema") or {})
    return [schema for schema in found if schema]


def compile_validation_schemas(configuration: PortalConfiguration) -> int:
    """Have Cerberus check every validation schema now (it checks each one the first time it
    is used: ≈ 5–10 ms of a worker's first validation); return how many there are."""
    from openocs.portal.requestgroups.schemas import compile_schema

    schemas = validation_schemas(configuration)
    for schema in schemas:
        compile_schema(schema)
    return len(schemas)


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
    warm_validation_reads()
    warm_submission_writes()


def warm_validation_reads() -> None:
    """The reads of a submission's validation that no list or detail makes: its proposal, the
    caller's membership, the semesters and the proposal's time allocations (a connection's
    first validation spent ≈ 7 ms more in them than its second). Keys that match no row."""
    from openocs.portal.proposals.models import Membership, Proposal, Semester, TimeAllocation

    Proposal.objects.filter(pk="").first()
    Membership.objects.filter(proposal_id="", user_id=0).first()
    list(Semester.objects.order_by("start"))  # a handful of rows, as validation reads them
    list(TimeAllocation.objects.filter(proposal_id="", semester_id=""))


def warm_submission_writes() -> None:
    """The inserts of a submission, once per table, in a transaction that is rolled back: no
    row stays (the tables' id sequences advance by one each).

    A connection's first insert into a table opens the table's indexes and prepares the
    foreign-key checks of its constraints, which a read does not: a worker's first submission
    took ≈ 20–30 % longer than its next (issue 17). Only models are written, not the
    submission service: it would announce the group (events, the scheduler's change marks)."""
    import uuid

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from openocs.portal.proposals.models import Proposal
    from openocs.portal.requestgroups import models

    name = f"ocs-warm-up-{uuid.uuid4().hex[:12]}"
    now = timezone.now()
    with transaction.atomic():
        user = get_user_model().objects.create(username=name, is_active=False)
        proposal = Proposal.objects.create(id=name[:50], active=False)
        group = models.RequestGroup.objects.create(
            submitter=user,
            proposal=proposal,
            name=name,
            observation_type="NORMAL",
            operator="SINGLE",
            ipp_value=1.0,
        )
        request = models.Request.objects.create(request_group=group, extra_params={}, duration=1)
        models.Location.objects.create(request=request, telescope_class="1m0")
        models.Window.objects.bulk_create([models.Window(request=request, start=now, end=now)])
        configuration = models.Configuration.objects.create(
            request=request, instrument_type="WARM-UP", type="EXPOSE", extra_params={}
        )
        models.Target.objects.create(configuration=configuration, name=name, type="ICRS")
        models.Constraints.objects.create(configuration=configuration)
        models.AcquisitionConfig.objects.create(configuration=configuration, extra_params={})
        models.GuidingConfig.objects.create(
            configuration=configuration, optical_elements={}, extra_params={}
        )
        models.InstrumentConfig.objects.bulk_create(
            [
                models.InstrumentConfig(
                    configuration=configuration,
                    optical_elements={},
                    exposure_time=1.0,
                    exposure_count=1,
                    extra_params={},
                    rois=[],
                )
            ]
        )
        transaction.set_rollback(True)
