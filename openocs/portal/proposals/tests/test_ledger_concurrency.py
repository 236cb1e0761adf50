"""Concurrent debits on PostgreSQL never lose an update (row lock in ``allocation_debit``)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from openocs.portal.proposals import accounting

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
DEBITS_PER_THREAD = 10


def test_concurrent_debits_all_count(proposal, semester):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks); SQLite serialises writers anyway")
    allocation = accounting.allocation_create(
        proposal=proposal, semester=semester, instrument_types=["X"], std_allocation=100
    )
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            for _ in range(DEBITS_PER_THREAD):
                accounting.allocation_debit(
                    allocation=allocation.pk, kind="std", hours=0.25, reason="race"
                )
        except BaseException as error:  # reported below, never hidden
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    allocation.refresh_from_db()
    assert allocation.std_time_used == pytest.approx(THREADS * DEBITS_PER_THREAD * 0.25)
    assert accounting.ledger_verify() == []
