"""Start-up warm-up (issue 17): the first request after start finds the caches filled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openocs.clients.configdb import ConfigDBClient
from openocs.portal import warmup as portal_warmup
from openocs.portal.conftest import Persona
from openocs.portal.requestgroups import visibility as portal_visibility
from openocs.portal.requestgroups.configuration import load_portal_configuration
from openocs.portal.requestgroups.tests.conftest import submit_imaging_group
from openocs.server import warmup as server_warmup
from openocs.visibility import observability
from openocs.web.clients import install_client, reset_clients
from openocs.web.exceptions import ServiceUnavailable

pytestmark = pytest.mark.django_db


def test_portal_warm_up_fills_the_digests_and_one_week_of_each_sky(network: None) -> None:
    observability._cached_context.cache_clear()
    now = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
    portal_warmup.warm_up(now)
    configuration = load_portal_configuration()
    assert {(False, None), (True, None)} <= set(configuration._digests)
    skies = observability._cached_context.cache_info().currsize
    assert 0 < skies < len(configuration.telescopes)  # telescopes of a site share a sky
    # A request's usual week (starting later the same day) finds its sky computed.
    before = observability._cached_context.cache_info()
    again = portal_visibility.warm_up(configuration.telescopes, now + dt.timedelta(hours=3))
    after = observability._cached_context.cache_info()
    assert again == skies and after.misses == before.misses and after.hits > before.hits


def test_portal_warm_up_leaves_the_caches_empty_when_configdb_is_down(
    db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    reset_clients()
    install_client(
        "configdb",
        ConfigDBClient(
            "http://configdb.test/",
            transport=httpx.MockTransport(lambda request: httpx.Response(503)),
        ),
    )
    try:
        portal_warmup.warm_up()
    finally:
        reset_clients()
    assert "configdb did not answer" in caplog.text


def test_server_warm_up_runs_each_installed_components_hook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(portal_warmup, "warm_up", lambda: ran.append("portal"))
    assert "portal" in server_warmup.warm_up()  # components without a warm-up are skipped
    assert ran == ["portal"]


def test_portal_warm_up_reads_the_downtimes_and_goes_on_without_them(
    network: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    read: list[dt.datetime] = []
    monkeypatch.setattr(portal_visibility, "current_downtimes", read.append)
    now = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
    portal_warmup.warm_up(now)
    assert read == [now]

    def down(moment: dt.datetime) -> list[Any]:
        raise ServiceUnavailable("down")

    monkeypatch.setattr(portal_visibility, "current_downtimes", down)
    observability._cached_context.cache_clear()
    portal_warmup.warm_up(now)
    assert "downtime database did not answer" in caplog.text
    assert observability._cached_context.cache_info().currsize > 0  # the skies all the same


def test_start_up_objects_are_frozen_out_of_the_garbage_collectors_sight() -> None:
    import gc

    try:
        frozen = server_warmup.freeze_start_up_objects()
        assert frozen == gc.get_freeze_count() > 10_000  # the modules and settings at least
        assert gc.get_count()[2] == 0  # nothing old left for the next full collection
    finally:
        gc.unfreeze()


def test_the_connection_warm_up_reads_what_a_list_and_a_detail_read(
    submitter: Persona,
) -> None:
    submit_imaging_group(submitter)
    with CaptureQueriesContext(connection) as captured:
        portal_warmup.warm_connection()
    sql = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT")
    ]
    read = " ".join(sql)
    for table in (
        "authtoken_token",
        "accounts_profile",
        "proposals_membership",
        "requestgroups_requestgroup",
        "requestgroups_request",
        "requestgroups_location",
        "requestgroups_window",
        "requestgroups_configuration",
        "requestgroups_target",
        "requestgroups_instrumentconfig",
    ):
        assert f'"{table}"' in read, table
    assert any("COUNT(*)" in query for query in sql)  # the page's count


def test_the_server_warm_up_runs_each_components_connection_warm_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(portal_warmup, "warm_up", lambda: ran.append("portal"))
    monkeypatch.setattr(portal_warmup, "warm_connection", lambda: ran.append("connection"))
    server_warmup.warm_up()
    assert ran == ["portal", "connection"]  # once: the tests' database has no pool


def test_a_database_without_tables_leaves_the_connections_cold_and_the_worker_up(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.db import OperationalError

    def not_migrated() -> None:
        raise OperationalError("no such table: authtoken_token")

    monkeypatch.setattr(portal_warmup, "warm_up", lambda: None)
    monkeypatch.setattr(portal_warmup, "warm_connection", not_migrated)
    assert "portal" in server_warmup.warm_up()
    assert "connections were not warmed up: no such table" in caplog.text


def test_the_instruments_views_digest_is_the_one_the_warm_up_built(network: None) -> None:
    from openocs.portal.requestgroups.digest import LocationFilter

    portal_warmup.warm_up(dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC))
    configuration = load_portal_configuration()
    built = dict(configuration._digests)
    for staff in (False, True):  # the view passes a filter that filters nothing
        assert configuration.digest(staff=staff, location=LocationFilter()) is built[(staff, None)]
    assert configuration._digests == built  # nothing new computed
    only_lsc = configuration.digest(staff=True, location=LocationFilter(site="lsc"))
    assert only_lsc is not built[(True, None)]  # a real filter still has its own


def test_the_warm_up_has_cerberus_check_every_validation_schema(
    network: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cerberus.schema import DefinitionSchema

    from openocs.portal.requestgroups.schemas import OcsValidator

    configuration = load_portal_configuration()
    schemas = portal_warmup.validation_schemas(configuration)
    assert schemas  # the demo network's instrument types have schemas
    assert portal_warmup.compile_validation_schemas(configuration) == len(schemas)

    def refuse(self: object, schema: object) -> None:
        raise AssertionError(f"schema checked at request time: {schema!r}")

    monkeypatch.setattr(DefinitionSchema, "_validate", refuse)
    for schema in schemas:
        OcsValidator(dict(schema), allow_unknown=True)  # known: not checked again


def test_the_connection_warm_up_reads_what_a_validation_reads(submitter: Persona) -> None:
    with CaptureQueriesContext(connection) as captured:
        portal_warmup.warm_validation_reads()
    sql = [query["sql"] for query in captured.captured_queries]
    read = " ".join(sql)
    for table in (
        "proposals_proposal",
        "proposals_membership",
        "proposals_semester",
        "proposals_timeallocation",
    ):
        assert f'"{table}"' in read, table
    assert all(query.lstrip().upper().startswith("SELECT") for query in sql)


@pytest.mark.database  # also on PostgreSQL: its foreign keys are checked at each insert
def test_the_connection_warm_up_inserts_into_each_table_of_a_submission_and_keeps_no_row(
    submitter: Persona,
) -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from openocs.portal.proposals.models import Proposal
    from openocs.portal.requestgroups import models

    written: list[Any] = [
        get_user_model(),
        Proposal,
        models.RequestGroup,
        models.Request,
        models.Location,
        models.Window,
        models.Configuration,
        models.Target,
        models.Constraints,
        models.AcquisitionConfig,
        models.GuidingConfig,
        models.InstrumentConfig,
    ]
    every_model = apps.get_models()
    before = {model: model._default_manager.count() for model in every_model}
    with CaptureQueriesContext(connection) as captured:
        portal_warmup.warm_submission_writes()
    inserts = " ".join(q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"])
    for model in written:
        assert f'INSERT INTO "{model._meta.db_table}"' in inserts, model
    assert {model: model._default_manager.count() for model in every_model} == before
