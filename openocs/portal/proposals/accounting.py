"""The allocation ledger: the only way the hours of a :class:`TimeAllocation` change.

Service functions (writes, ``@transaction.atomic``, row-locked with ``select_for_update``):

- :func:`allocation_create` — a new allocation with its opening grants (and the default IPP of
  spec §7.1: limit 10 %, available 5 % of the standard hours, unless given);
- :func:`allocation_debit` / :func:`allocation_credit` — use time or give it back
  (``std``/``rr``/``tc``/``realtime`` move ``<kind>_time_used``; ``ipp`` moves
  ``ipp_time_available``); credits and IPP debits are clamped so counters stay in range and the
  applied amount is what the ledger records (spec §7.3: "clamped and logged, never refused");
- :func:`allocation_grant` / :func:`allocation_set_amounts` — change the allocated hours;
- :func:`allocations_rollover` — move the unused standard time of one semester to the next.

Reads: :func:`allocation_recompute` (counters from the ledger alone) and :func:`ledger_verify`
(every allocation's counters and every entry's running balance checked; what ``ocs accounting
verify`` prints).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum

from openocs.portal.proposals import conf
from openocs.portal.proposals.errors import AllocationError
from openocs.portal.proposals.models import (
    AllocationLedgerEntry,
    Proposal,
    Semester,
    TimeAllocation,
)

logger = logging.getLogger(__name__)

Entry = AllocationLedgerEntry
KINDS = (Entry.STD, Entry.RR, Entry.TC, Entry.REALTIME, Entry.IPP)
# The counter a debit/credit of each kind moves, and the sign of a debit on it.
USAGE_FIELD = {
    Entry.STD: "std_time_used",
    Entry.RR: "rr_time_used",
    Entry.TC: "tc_time_used",
    Entry.REALTIME: "realtime_time_used",
    Entry.IPP: "ipp_time_available",
}
DEBIT_SIGN = {Entry.STD: 1.0, Entry.RR: 1.0, Entry.TC: 1.0, Entry.REALTIME: 1.0, Entry.IPP: -1.0}
# The allocated amount a grant of each kind moves.
AMOUNT_FIELD = {
    Entry.STD: "std_allocation",
    Entry.RR: "rr_allocation",
    Entry.TC: "tc_allocation",
    Entry.REALTIME: "realtime_allocation",
    Entry.IPP: "ipp_limit",
}
COUNTER_FIELDS = tuple(AMOUNT_FIELD.values()) + tuple(USAGE_FIELD.values())


def _check_hours(hours: float, *, field: str = "hours", signed: bool = False) -> float:
    try:
        value = float(hours)
    except (TypeError, ValueError):
        raise AllocationError(f"{field} must be a number of hours.", field=field) from None
    if not math.isfinite(value) or (value < 0 and not signed):
        raise AllocationError(
            f"{field} must be a finite, non-negative number of hours.", field=field
        )
    return value


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise AllocationError(
            f"kind must be one of {', '.join(KINDS)}, not {kind!r}.", field="kind"
        )


def _locked(allocation: TimeAllocation | int) -> TimeAllocation:
    pk = allocation if isinstance(allocation, int) else allocation.pk
    return TimeAllocation.objects.select_for_update().get(pk=pk)


def _record(
    allocation: TimeAllocation,
    *,
    kind: str,
    operation: str,
    field: str,
    applied: float,
    requested: float,
    reason: str,
    source_type: str,
    source_id: str | int,
    actor: Any,
) -> AllocationLedgerEntry:
    """Apply ``applied`` (already signed for the counter) to ``field`` and append the entry."""
    new_value = getattr(allocation, field) + applied
    setattr(allocation, field, new_value)
    allocation.save(update_fields=[field])
    return Entry.objects.create(
        allocation=allocation,
        kind=kind,
        operation=operation,
        amount_hours=abs(applied) if operation != Entry.GRANT else applied,
        requested_hours=requested,
        balance_after_hours=new_value,
        reason=reason[:255],
        source_type=source_type,
        source_id=str(source_id),
        created_by=actor if actor is not None and getattr(actor, "pk", None) else None,
    )


def _move(
    allocation: TimeAllocation | int,
    *,
    kind: str,
    hours: float,
    operation: str,
    reason: str,
    source_type: str,
    source_id: str | int,
    actor: Any,
) -> AllocationLedgerEntry:
    _check_kind(kind)
    requested = _check_hours(hours)
    if not reason:
        raise AllocationError("A ledger entry needs a reason.", field="reason")
    locked = _locked(allocation)
    field = USAGE_FIELD[kind]
    current = float(getattr(locked, field))
    sign = DEBIT_SIGN[kind] if operation == Entry.DEBIT else -DEBIT_SIGN[kind]
    delta = sign * requested
    if kind == Entry.IPP:
        # IPP stays within [0, ipp_limit] (spec §7.3): clamp, log, never refuse.
        if delta < 0:
            target = max(current + delta, 0.0)
        else:
            target = min(current + delta, max(float(locked.ipp_limit), current))
    elif delta < 0:
        target = max(current + delta, 0.0)  # a credit never makes "used" negative
    else:
        target = current + delta  # overuse (up to the allowance) is possible: never refused
    applied = target - current
    if not math.isclose(applied, delta, abs_tol=conf.LEDGER_TOLERANCE_HOURS):
        logger.warning(
            "Clamped %s of %.6f h %s on allocation %s to %.6f h (%s %s)",
            operation,
            requested,
            kind,
            locked.pk,
            abs(applied),
            source_type,
            source_id,
        )
    return _record(
        locked,
        kind=kind,
        operation=operation,
        field=field,
        applied=applied,
        requested=requested,
        reason=reason,
        source_type=source_type,
        source_id=source_id,
        actor=actor,
    )


@transaction.atomic
def allocation_debit(
    *,
    allocation: TimeAllocation | int,
    kind: str,
    hours: float,
    reason: str,
    source_type: str = "",
    source_id: str | int = "",
    actor: Any = None,
) -> AllocationLedgerEntry:
    """Use ``hours`` of ``kind`` on an allocation (row-locked) and record why.

    ``std``/``rr``/``tc``/``realtime``: ``<kind>_time_used`` grows by ``hours`` (never refused:
    the submission check decides whether time may be used). ``ipp``: ``ipp_time_available``
    shrinks, floored at 0. Returns the ledger entry; ``entry.allocation`` is the updated row.
    """
    return _move(
        allocation,
        kind=kind,
        hours=hours,
        operation=Entry.DEBIT,
        reason=reason,
        source_type=source_type,
        source_id=source_id,
        actor=actor,
    )


@transaction.atomic
def allocation_credit(
    *,
    allocation: TimeAllocation | int,
    kind: str,
    hours: float,
    reason: str,
    source_type: str = "",
    source_id: str | int = "",
    actor: Any = None,
) -> AllocationLedgerEntry:
    """Give back ``hours`` of ``kind`` (refund, cancellation), clamped so counters stay in range.

    ``std``/``rr``/``tc``/``realtime``: ``<kind>_time_used`` shrinks, floored at 0. ``ipp``:
    ``ipp_time_available`` grows, capped at ``ipp_limit``.
    """
    return _move(
        allocation,
        kind=kind,
        hours=hours,
        operation=Entry.CREDIT,
        reason=reason,
        source_type=source_type,
        source_id=source_id,
        actor=actor,
    )


@transaction.atomic
def allocation_grant(
    *,
    allocation: TimeAllocation | int,
    kind: str,
    hours: float,
    reason: str,
    source_type: str = "",
    source_id: str | int = "",
    actor: Any = None,
) -> AllocationLedgerEntry:
    """Change the allocated hours of ``kind`` by the signed ``hours`` (floored at 0 allocated)."""
    _check_kind(kind)
    requested = _check_hours(hours, signed=True)
    locked = _locked(allocation)
    field = AMOUNT_FIELD[kind]
    current = float(getattr(locked, field))
    applied = max(current + requested, 0.0) - current
    return _record(
        locked,
        kind=kind,
        operation=Entry.GRANT,
        field=field,
        applied=applied,
        requested=requested,
        reason=reason,
        source_type=source_type,
        source_id=source_id,
        actor=actor,
    )


def _normalise_types(instrument_types: Iterable[str]) -> list[str]:
    if isinstance(instrument_types, str):
        instrument_types = instrument_types.replace(";", ",").split(",")
    types = [str(t).strip() for t in instrument_types if str(t).strip()]
    if not types:
        raise AllocationError(
            "An allocation needs at least one instrument type.", field="instrument_types"
        )
    if len({t.upper() for t in types}) != len(types):
        raise AllocationError("Instrument types are repeated.", field="instrument_types")
    return types


def _check_no_overlap(
    *, proposal: Proposal, semester: Semester, types: Sequence[str], exclude_pk: int | None
) -> None:
    wanted = {t.upper() for t in types}
    others = TimeAllocation.objects.filter(proposal=proposal, semester=semester)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others.select_for_update():
        common = wanted & {t.upper() for t in other.instrument_types}
        if common:
            raise AllocationError(
                f"Instrument type(s) {', '.join(sorted(common))} already have an allocation "
                f"of proposal {proposal.pk} in semester {semester.pk}.",
                field="instrument_types",
            )


@transaction.atomic
def allocation_create(
    *,
    proposal: Proposal,
    semester: Semester,
    instrument_types: Iterable[str],
    std_allocation: float = 0.0,
    rr_allocation: float = 0.0,
    tc_allocation: float = 0.0,
    realtime_allocation: float = 0.0,
    ipp_limit: float | None = None,
    ipp_time_available: float | None = None,
    reason: str = "allocated",
    source_type: str = "",
    source_id: str | int = "",
    actor: Any = None,
) -> TimeAllocation:
    """Create an allocation; every non-zero amount enters through a ledger entry.

    An instrument type may appear in one allocation per proposal and semester only. Unless
    given, ``ipp_limit`` is 10 % and ``ipp_time_available`` 5 % of ``std_allocation``.
    """
    types = _normalise_types(instrument_types)
    amounts = {
        Entry.STD: _check_hours(std_allocation, field="std_allocation"),
        Entry.RR: _check_hours(rr_allocation, field="rr_allocation"),
        Entry.TC: _check_hours(tc_allocation, field="tc_allocation"),
        Entry.REALTIME: _check_hours(realtime_allocation, field="realtime_allocation"),
    }
    limit = (
        amounts[Entry.STD] * conf.IPP_LIMIT_FRACTION
        if ipp_limit is None
        else _check_hours(ipp_limit, field="ipp_limit")
    )
    available = (
        amounts[Entry.STD] * conf.IPP_AVAILABLE_FRACTION
        if ipp_time_available is None
        else _check_hours(ipp_time_available, field="ipp_time_available")
    )
    if available > limit + conf.LEDGER_TOLERANCE_HOURS:
        raise AllocationError(
            "ipp_time_available cannot exceed ipp_limit.", field="ipp_time_available"
        )
    _check_no_overlap(proposal=proposal, semester=semester, types=types, exclude_pk=None)
    allocation = TimeAllocation.objects.create(
        proposal=proposal, semester=semester, instrument_types=types
    )
    common = {"reason": reason, "source_type": source_type, "source_id": source_id, "actor": actor}
    for kind, hours in [*amounts.items(), (Entry.IPP, limit)]:
        if hours:
            allocation_grant(allocation=allocation, kind=kind, hours=hours, **common)
    if available:
        allocation_credit(allocation=allocation, kind=Entry.IPP, hours=available, **common)
    allocation.refresh_from_db()
    return allocation


@transaction.atomic
def allocation_set_amounts(
    *,
    allocation: TimeAllocation | int,
    amounts: dict[str, float],
    instrument_types: Iterable[str] | None = None,
    reason: str = "allocation changed",
    actor: Any = None,
) -> TimeAllocation:
    """Set allocated amounts (``{"std_allocation": 60.0, "ipp_limit": 6.0}``) through grants.

    Used counters cannot be set: they move only by debits and credits.
    """
    locked = _locked(allocation)
    if instrument_types is not None:
        types = _normalise_types(instrument_types)
        _check_no_overlap(
            proposal=locked.proposal, semester=locked.semester, types=types, exclude_pk=locked.pk
        )
        locked.instrument_types = types
        locked.save(update_fields=["instrument_types"])
    by_field = {field: kind for kind, field in AMOUNT_FIELD.items()}
    for field, value in amounts.items():
        if field not in by_field:
            raise AllocationError(f"{field} is not an allocated amount.", field=field)
        target = _check_hours(value, field=field)
        delta = target - float(getattr(locked, field))
        if abs(delta) > conf.LEDGER_TOLERANCE_HOURS:
            entry = allocation_grant(
                allocation=locked,
                kind=by_field[field],
                hours=delta,
                reason=reason,
                source_type="allocation",
                source_id=locked.pk,
                actor=actor,
            )
            locked = entry.allocation
    locked.refresh_from_db()
    return locked


def allocation_recompute(allocation: TimeAllocation | int) -> dict[str, float]:
    """The counters of one allocation computed from its ledger alone (field name → hours)."""
    pk = allocation if isinstance(allocation, int) else allocation.pk
    return _recompute_many([pk]).get(pk, dict.fromkeys(COUNTER_FIELDS, 0.0))


def _recompute_many(pks: Sequence[int] | None) -> dict[int, dict[str, float]]:
    rows = Entry.objects.all()
    if pks is not None:
        rows = rows.filter(allocation_id__in=pks)
    totals: dict[int, dict[str, float]] = defaultdict(lambda: dict.fromkeys(COUNTER_FIELDS, 0.0))
    sums = rows.values("allocation_id", "kind", "operation").annotate(total=Sum("amount_hours"))
    for row in sums.order_by("allocation_id", "kind", "operation"):
        counters = totals[row["allocation_id"]]
        kind, operation, total = row["kind"], row["operation"], float(row["total"] or 0.0)
        if operation == Entry.GRANT:
            counters[AMOUNT_FIELD[kind]] += total
        else:
            sign = DEBIT_SIGN[kind] if operation == Entry.DEBIT else -DEBIT_SIGN[kind]
            counters[USAGE_FIELD[kind]] += sign * total
    return dict(totals)


@dataclass(frozen=True)
class LedgerMismatch:
    """A counter that disagrees with its ledger (or a ledger entry whose balance is broken)."""

    allocation_id: int
    proposal_id: str
    semester_id: str
    field: str
    stored_hours: float
    ledger_hours: float
    entry_id: int | None = None

    def describe(self) -> str:
        where = f"allocation {self.allocation_id} ({self.proposal_id} {self.semester_id})"
        if self.entry_id is not None:
            return (
                f"{where}: ledger entry {self.entry_id} says {self.field} became "
                f"{self.stored_hours:.6f} h but the entries up to it sum to "
                f"{self.ledger_hours:.6f} h"
            )
        return (
            f"{where}: {self.field} is {self.stored_hours:.6f} h, "
            f"the ledger says {self.ledger_hours:.6f} h"
        )


def ledger_verify(*, allocation_ids: Sequence[int] | None = None) -> list[LedgerMismatch]:
    """Recompute every counter from the ledger and check each entry's running balance.

    Returns the mismatches (empty when the books balance). A counter changed behind the
    ledger's back, and an entry edited or deleted after the fact, both show up.
    """
    recomputed = _recompute_many(allocation_ids)
    allocations = TimeAllocation.objects.order_by("pk")
    if allocation_ids is not None:
        allocations = allocations.filter(pk__in=allocation_ids)
    mismatches: list[LedgerMismatch] = []
    info: dict[int, tuple[str, str]] = {}
    for allocation in allocations.iterator():
        info[allocation.pk] = (allocation.proposal_id, allocation.semester_id)
        ledger = recomputed.get(allocation.pk, dict.fromkeys(COUNTER_FIELDS, 0.0))
        for field in COUNTER_FIELDS:
            stored = float(getattr(allocation, field))
            if abs(stored - ledger[field]) > conf.LEDGER_TOLERANCE_HOURS:
                mismatches.append(
                    LedgerMismatch(
                        allocation.pk,
                        allocation.proposal_id,
                        allocation.semester_id,
                        field,
                        stored,
                        ledger[field],
                    )
                )
    entries = Entry.objects.order_by("allocation_id", "id")
    if allocation_ids is not None:
        entries = entries.filter(allocation_id__in=allocation_ids)
    running: dict[tuple[int, str], float] = defaultdict(float)
    fields = ("id", "allocation_id", "kind", "operation", "amount_hours", "balance_after_hours")
    for entry_id, allocation_id, kind, operation, amount, after in entries.values_list(*fields):
        if operation == Entry.GRANT:
            field, signed = AMOUNT_FIELD[kind], amount
        else:
            sign = DEBIT_SIGN[kind] if operation == Entry.DEBIT else -DEBIT_SIGN[kind]
            field, signed = USAGE_FIELD[kind], sign * amount
        running[(allocation_id, field)] += signed
        expected = running[(allocation_id, field)]
        if abs(expected - after) > conf.LEDGER_TOLERANCE_HOURS:
            proposal_id, semester_id = info.get(allocation_id, ("?", "?"))
            mismatches.append(
                LedgerMismatch(
                    allocation_id, proposal_id, semester_id, field, after, expected, entry_id
                )
            )
            running[(allocation_id, field)] = after  # report each break once
    return mismatches


@dataclass(frozen=True)
class RolloverResult:
    """What one allocation passed on: ``hours`` of ``kind`` to allocation ``target_id``."""

    source_id: int
    target_id: int
    proposal_id: str
    kind: str
    hours: float


@transaction.atomic
def allocations_rollover(
    *,
    from_semester: Semester,
    to_semester: Semester,
    kinds: Sequence[str] = (Entry.STD,),
    proposal_ids: Sequence[str] | None = None,
    actor: Any = None,
) -> list[RolloverResult]:
    """Roll the unused hours of active proposals' allocations into the next semester.

    For each allocation of ``from_semester`` with unused time of a ``kind``: its allocated hours
    shrink by the unused hours (a negative grant, so a second rollover finds nothing left and its
    used hours stay what was observed) and the same hours are granted to the allocation of
    the same proposal and instrument types in ``to_semester`` (created when missing, with no
    default IPP). Everything happens in one transaction.
    """
    if from_semester.pk == to_semester.pk:
        raise AllocationError("Cannot roll a semester over into itself.", field="to_semester")
    if to_semester.start < from_semester.start:
        raise AllocationError("The target semester must come later.", field="to_semester")
    for kind in kinds:
        if kind not in AMOUNT_FIELD or kind == Entry.IPP:
            raise AllocationError(f"Cannot roll over {kind!r} time.", field="kinds")
    sources = (
        TimeAllocation.objects.select_for_update()
        .filter(semester=from_semester, proposal__active=True)
        .select_related("proposal")
        .order_by("proposal_id", "pk")
    )
    if proposal_ids is not None:
        sources = sources.filter(proposal_id__in=proposal_ids)
    results: list[RolloverResult] = []
    for source in sources:
        unused = {
            kind: float(getattr(source, AMOUNT_FIELD[kind]))
            - float(getattr(source, USAGE_FIELD[kind]))
            for kind in kinds
        }
        unused = {
            kind: hours for kind, hours in unused.items() if hours > conf.LEDGER_TOLERANCE_HOURS
        }
        if not unused:
            continue
        wanted = {t.upper() for t in source.instrument_types}
        target = next(
            (
                a
                for a in TimeAllocation.objects.select_for_update().filter(
                    proposal=source.proposal, semester=to_semester
                )
                if {t.upper() for t in a.instrument_types} == wanted
            ),
            None,
        )
        if target is None:
            target = allocation_create(
                proposal=source.proposal,
                semester=to_semester,
                instrument_types=source.instrument_types,
                ipp_limit=0.0,
                ipp_time_available=0.0,
                reason=f"rollover from {from_semester.pk}",
                source_type="allocation",
                source_id=source.pk,
                actor=actor,
            )
        for kind, hours in unused.items():
            allocation_grant(
                allocation=source,
                kind=kind,
                hours=-hours,
                reason=f"rolled over to {to_semester.pk}",
                source_type="allocation",
                source_id=target.pk,
                actor=actor,
            )
            allocation_grant(
                allocation=target,
                kind=kind,
                hours=hours,
                reason=f"rolled over from {from_semester.pk}",
                source_type="allocation",
                source_id=source.pk,
                actor=actor,
            )
            results.append(RolloverResult(source.pk, target.pk, source.proposal_id, kind, hours))
    return results
