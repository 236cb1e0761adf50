"""The allocation ledger (``accounting``): debits, credits, grants, recompute and verify."""

from __future__ import annotations

import pytest

from openocs.portal.proposals import accounting
from openocs.portal.proposals.errors import AllocationError
from openocs.portal.proposals.models import AllocationLedgerEntry, TimeAllocation
from openocs.portal.proposals.tests.conftest import SINISTRO

pytestmark = pytest.mark.django_db


def test_creation_applies_the_default_ipp_and_records_every_amount(allocation):
    assert (allocation.std_allocation, allocation.tc_allocation) == (50.0, 5.0)
    assert (allocation.ipp_limit, allocation.ipp_time_available) == (5.0, 2.5)
    kinds = sorted(allocation.ledger_entries.values_list("kind", "operation", "amount_hours"))
    assert kinds == [
        ("ipp", "credit", 2.5),
        ("ipp", "grant", 5.0),
        ("std", "grant", 50.0),
        ("tc", "grant", 5.0),
    ]


def test_debit_and_credit_move_used_and_record_reason_and_source(allocation, pi):
    entry = accounting.allocation_debit(
        allocation=allocation,
        kind="std",
        hours=1.5,
        reason="observed",
        source_type="configurationstatus",
        source_id=42,
        actor=pi.user,
    )
    assert entry.allocation.std_time_used == 1.5
    assert (entry.source_type, entry.source_id, entry.created_by) == (
        "configurationstatus",
        "42",
        pi.user,
    )
    accounting.allocation_credit(allocation=allocation.pk, kind="std", hours=0.5, reason="refund")
    allocation.refresh_from_db()
    assert allocation.std_time_used == 1.0
    assert accounting.allocation_recompute(allocation)["std_time_used"] == 1.0


def test_credit_never_makes_used_negative_and_records_what_was_applied(allocation):
    accounting.allocation_debit(allocation=allocation, kind="rr", hours=1.0, reason="observed")
    entry = accounting.allocation_credit(allocation=allocation, kind="rr", hours=3.0, reason="x")
    assert entry.allocation.rr_time_used == 0.0
    assert (entry.amount_hours, entry.requested_hours) == (1.0, 3.0)


def test_ipp_stays_between_zero_and_the_limit(allocation):
    credit = accounting.allocation_credit(allocation=allocation, kind="ipp", hours=10, reason="x")
    assert credit.allocation.ipp_time_available == 5.0
    debit = accounting.allocation_debit(allocation=allocation, kind="ipp", hours=99, reason="x")
    assert debit.allocation.ipp_time_available == 0.0
    assert accounting.ledger_verify() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "std", "hours": -1}, "hours"),
        ({"kind": "std", "hours": float("nan")}, "hours"),
        ({"kind": "bogus", "hours": 1}, "kind"),
        ({"kind": "std", "hours": "abc"}, "hours"),
    ],
)
def test_bad_input_is_refused_naming_the_field(allocation, kwargs, field):
    with pytest.raises(AllocationError) as caught:
        accounting.allocation_debit(allocation=allocation, reason="x", **kwargs)
    assert caught.value.field == field
    assert AllocationLedgerEntry.objects.filter(operation="debit").count() == 0


def test_overlapping_instrument_types_are_refused(allocation, proposal, semester):
    with pytest.raises(AllocationError) as caught:
        accounting.allocation_create(
            proposal=proposal, semester=semester, instrument_types=["1m0-scicam-sinistro", "X"]
        )
    assert caught.value.field == "instrument_types"
    assert TimeAllocation.objects.count() == 1


def test_set_amounts_goes_through_grants(allocation):
    updated = accounting.allocation_set_amounts(
        allocation=allocation, amounts={"std_allocation": 60.0, "ipp_limit": 4.0}
    )
    assert (updated.std_allocation, updated.ipp_limit) == (60.0, 4.0)
    assert accounting.ledger_verify() == []


def test_verify_detects_a_counter_changed_behind_the_ledgers_back(allocation):
    accounting.allocation_debit(allocation=allocation, kind="std", hours=2.0, reason="observed")
    assert accounting.ledger_verify() == []
    TimeAllocation.objects.filter(pk=allocation.pk).update(std_time_used=0.5)
    mismatches = accounting.ledger_verify()
    assert [(m.field, m.stored_hours, m.ledger_hours) for m in mismatches] == [
        ("std_time_used", 0.5, 2.0)
    ]
    assert "std_time_used is 0.500000 h, the ledger says 2.000000 h" in mismatches[0].describe()


def test_verify_detects_an_edited_ledger_entry(allocation):
    first = accounting.allocation_debit(allocation=allocation, kind="tc", hours=1.0, reason="a")
    accounting.allocation_debit(allocation=allocation, kind="tc", hours=1.0, reason="b")
    AllocationLedgerEntry.objects.filter(pk=first.pk).update(amount_hours=0.25)
    fields = {(m.field, m.entry_id) for m in accounting.ledger_verify()}
    assert ("tc_time_used", None) in fields  # the counter no longer matches the sum
    assert any(entry_id is not None for _, entry_id in fields)  # and the running balance breaks


def test_a_failure_after_a_debit_rolls_the_debit_back(allocation):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        accounting.allocation_debit(allocation=allocation, kind="std", hours=3.0, reason="x")
        raise RuntimeError("the caller failed after debiting")
    allocation.refresh_from_db()
    assert allocation.std_time_used == 0.0
    assert not AllocationLedgerEntry.objects.filter(operation="debit").exists()


def test_rollover_moves_unused_time_once(allocation, semester, next_semester):
    accounting.allocation_debit(allocation=allocation, kind="std", hours=20.0, reason="observed")
    results = accounting.allocations_rollover(from_semester=semester, to_semester=next_semester)
    assert [(r.kind, r.hours) for r in results] == [("std", 30.0)]
    target = TimeAllocation.objects.get(semester=next_semester)
    assert target.instrument_types == [SINISTRO]
    assert (target.std_allocation, target.ipp_limit) == (30.0, 0.0)
    allocation.refresh_from_db()
    assert (allocation.std_allocation, allocation.std_time_used) == (20.0, 20.0)
    assert accounting.allocations_rollover(from_semester=semester, to_semester=next_semester) == []
    assert accounting.ledger_verify() == []


def test_rollover_skips_inactive_proposals(allocation, proposal, semester, next_semester):
    proposal.active = False
    proposal.save()
    assert accounting.allocations_rollover(from_semester=semester, to_semester=next_semester) == []


def test_rollover_refuses_going_backwards(semester, next_semester):
    with pytest.raises(AllocationError):
        accounting.allocations_rollover(from_semester=next_semester, to_semester=semester)


def test_the_database_refuses_negative_counters(allocation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TimeAllocation.objects.filter(pk=allocation.pk).update(std_time_used=-1)
