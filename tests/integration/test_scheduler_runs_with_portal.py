"""The scheduler's explanations reach the portal (issues 15 and 12): after one daemon cycle
against the real portal (in-process transport, as in ``test_scheduler_with_portal``), the run is
recorded with each left-out request and its reason, staff see it, and the request's owner sees
the explanation on the request's page."""

# ruff: noqa: F811  (pytest fixtures imported from the portal test suites)

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from openocs.portal.conftest import Persona, PersonaFactory, make_persona  # noqa: F401
from openocs.portal.requestgroups.tests.conftest import (  # noqa: F401  (fixtures)
    allocation,
    demo_sites_document,
    frozen_now,
    imaging_group,
    live_network,
    network,
    proposal,
    semester,
    submitter,
)
from openocs.scheduler.daemon import DaemonConfig, SchedulerDaemon
from openocs.scheduler.sources import HttpDataSource
from tests.integration.scheduling import in_process_source, scheduler_account  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(live_network: None, scheduler_account: Persona) -> Iterator[HttpDataSource]:
    with in_process_source(scheduler_account.token, HttpDataSource) as found:
        yield found


def _daemon(source: HttpDataSource, now: datetime) -> SchedulerDaemon:
    config = DaemonConfig(time_limit_s=10.0, rapid_response_time_limit_s=5.0, loop_sleep_s=0.0)
    return SchedulerDaemon(source, config=config, clock=lambda: now, sleep=lambda _s: None)


def _block_every_1m0(source: HttpDataSource, now: datetime) -> None:
    """Downtime on every 1-metre telescope over the whole planning horizon."""
    from openocs.downtime.models import Downtime

    for location in source.configdb.network().telescopes:
        if abs(location.telescope.aperture - 1.0) < 0.05:
            Downtime.objects.create(
                start=now - timedelta(days=1),
                end=now + timedelta(days=30),
                site=location.site.code,
                enclosure=location.enclosure.code,
                telescope=location.telescope.code,
                reason="mirror recoating",
            )


def test_a_cycle_reports_its_run_and_why_a_request_was_left_out(
    submitter: Persona,
    scheduler_account: Persona,
    source: HttpDataSource,
    frozen_now: datetime,
) -> None:
    submitted = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert submitted.status_code == 201, submitted.json()
    request_id = submitted.json()["requests"][0]["id"]
    _block_every_1m0(source, frozen_now)

    report = _daemon(source, frozen_now).run_cycle("first run")
    assert report.ok, report.error

    runs = scheduler_account.client.get("/api/scheduler/runs/").json()
    assert runs["count"] == 1
    run: dict[str, Any] = runs["results"][0]
    assert run["kernel"] == "cpsat" and run["trigger"] == "first run"
    assert run["telescope_classes"] == ["1m0"]
    assert (run["requests_considered"], run["requests_placed"], run["requests_left_out"]) == (
        1,
        0,
        1,
    )
    detail = scheduler_account.client.get(f"/api/scheduler/runs/{run['id']}/").json()
    (item,) = detail["left_out"]
    assert item["request"] == request_id
    assert item["reason"] == "BLOCKED_BY_DOWNTIME"
    assert item["reference_reason"] == "RequestIsNotVisible"

    browser = Client()  # the owner reads the explanation on the request's page
    browser.force_login(submitter.user)
    page = browser.get(f"/requests/{request_id}/").content.decode()
    assert "blocked by telescope downtime" in page
