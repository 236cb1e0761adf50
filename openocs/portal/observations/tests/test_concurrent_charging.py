"""Concurrent summary PATCHes from several telescopes never lose or double-count time
(issue 6 "done means"): threads with their own PostgreSQL connections report at once, and the
allocation's ``std_time_used`` must equal both the expected total and the ledger's sum."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona
from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.observations.tests.helpers import iso, submit
from openocs.portal.proposals import accounting
from openocs.portal.proposals.models import AllocationLedgerEntry, TimeAllocation
from openocs.portal.requestgroups.models import Request

pytestmark = [pytest.mark.postgres]

TELESCOPES = 6
STATUSES_PER_TELESCOPE = 5


@pytest.fixture
def postgres_only(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks across connections)")


def _schedule_everywhere(request: Request, start: datetime) -> list[list[int]]:
    """One observation per pseudo-telescope, each with several statuses (as a site sees it)."""
    configuration = request.configurations.get()
    per_telescope = []
    for index in range(TELESCOPES):
        observation = Observation.objects.create(
            request=request,
            site="lsc",
            enclosure="doma",
            telescope=f"1m0{chr(ord('a') + index)}",
            start=start,
            end=start + timedelta(hours=1),
        )
        statuses = ConfigurationStatus.objects.bulk_create(
            [
                ConfigurationStatus(
                    observation=observation, configuration=configuration, instrument_name="fa01"
                )
                for _ in range(STATUSES_PER_TELESCOPE)
            ]
        )
        per_telescope.append([s.pk for s in statuses])
    return per_telescope


def test_concurrent_summaries_never_lose_or_double_count_time(
    postgres_only: None, submitter: Persona, staff_view_user: Persona, frozen_now: datetime
) -> None:
    request = Request.objects.get(pk=submit(submitter)["requests"][0]["id"])
    # Observations that have started: a configuration is never COMPLETED before its start.
    start = frozen_now - timedelta(hours=1)
    per_telescope = _schedule_everywhere(request, start)
    barrier = threading.Barrier(TELESCOPES)
    failures: list[str] = []
    expected_s = 0.0
    plan: list[list[tuple[int, float, float]]] = []
    for telescope, ids in enumerate(per_telescope):
        reports = []
        for index, status_id in enumerate(ids):
            first_s = 60.0 + telescope * 7 + index  # a first summary…
            final_s = 30.0 + telescope * 11 + index * 3  # …then a corrected one
            reports.append((status_id, first_s, final_s))
            expected_s += final_s
        plan.append(reports)

    def site(reports: list[tuple[int, float, float]]) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {staff_view_user.token}")
        try:
            barrier.wait(timeout=30)
            for status_id, first_s, final_s in reports:
                for state, seconds in (
                    ("ATTEMPTED", None),
                    ("COMPLETED", first_s),
                    (None, final_s),
                ):
                    body: dict[str, Any] = {}
                    if state:
                        body["state"] = state
                    if seconds is not None:
                        body["summary"] = {
                            "start": iso(start),
                            "end": iso(start + timedelta(seconds=seconds)),
                            "state": "COMPLETED",
                            "time_completed": 1.0,
                        }
                    response = client.patch(
                        f"/api/configurationstatus/{status_id}/", body, format="json"
                    )
                    if response.status_code != 200:
                        failures.append(f"{status_id}: {response.status_code} {response.content!r}")
        except Exception as error:
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=site, args=(reports,)) for reports in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    allocation = TimeAllocation.objects.get()
    charged_h = sum(ConfigurationStatus.objects.values_list("time_charged", flat=True))
    entries = AllocationLedgerEntry.objects.filter(
        allocation=allocation, kind="std", source_type="configurationstatus"
    )
    ledger_h = sum(
        e.amount_hours if e.operation == AllocationLedgerEntry.DEBIT else -e.amount_hours
        for e in entries
    )
    assert charged_h * 3600 == pytest.approx(expected_s, abs=1e-6)
    assert allocation.std_time_used * 3600 == pytest.approx(expected_s, abs=1e-6)
    assert accounting.allocation_recompute(allocation)["std_time_used"] == pytest.approx(
        allocation.std_time_used, abs=1e-9
    )
    assert accounting.ledger_verify() == []
    assert ledger_h * 3600 == pytest.approx(expected_s, abs=1e-6)
    assert Request.objects.get(pk=request.pk).state == "COMPLETED"
