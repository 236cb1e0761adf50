"""CSV export of time allocations and CSV import of proposals with their allocations (services).

One format serves both directions, so an export imports back unchanged (a round trip):

``proposal, title, active, public, non_science, tac_priority, tac_rank, tags, pi_emails,
semester, instrument_types, std_allocation, std_time_used, rr_allocation, rr_time_used,
tc_allocation, tc_time_used, realtime_allocation, realtime_time_used, ipp_limit,
ipp_time_available``

Lists (``tags``, ``pi_emails``, ``instrument_types``) are separated by ``;``. Only ``proposal``,
``semester`` and ``instrument_types`` are required; a missing or blank column keeps the current
value (or the default for new objects). The import is all or nothing: every row is checked first,
then everything is written in one transaction; the first bad row raises
:class:`~openocs.portal.proposals.errors.ImportRowError` naming the row (its line number in the
file, the header being line 1) and the column, and nothing is written.
Used hours of a *new* allocation enter the ledger as debits "imported from CSV"; for an
existing allocation only the allocated amounts are updated (by grants).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from openocs.portal.proposals import accounting, services
from openocs.portal.proposals.errors import ImportRowError, ProposalError
from openocs.portal.proposals.models import (
    AllocationLedgerEntry,
    Membership,
    Proposal,
    ProposalInvite,
    Semester,
    TimeAllocation,
)

COLUMNS = (
    "proposal",
    "title",
    "active",
    "public",
    "non_science",
    "tac_priority",
    "tac_rank",
    "tags",
    "pi_emails",
    "semester",
    "instrument_types",
    "std_allocation",
    "std_time_used",
    "rr_allocation",
    "rr_time_used",
    "tc_allocation",
    "tc_time_used",
    "realtime_allocation",
    "realtime_time_used",
    "ipp_limit",
    "ipp_time_available",
)
REQUIRED = ("proposal", "semester", "instrument_types")
AMOUNTS = ("std_allocation", "rr_allocation", "tc_allocation", "realtime_allocation", "ipp_limit")
USED = {
    "std_time_used": AllocationLedgerEntry.STD,
    "rr_time_used": AllocationLedgerEntry.RR,
    "tc_time_used": AllocationLedgerEntry.TC,
    "realtime_time_used": AllocationLedgerEntry.REALTIME,
}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def allocations_export_csv(*, semester_ids: Sequence[str] | None = None) -> str:
    """Every allocation (of the given semesters) as CSV text in the import format."""
    allocations = TimeAllocation.objects.select_related("proposal").prefetch_related(
        "proposal__tags"
    )
    if semester_ids:
        allocations = allocations.filter(semester_id__in=semester_ids)
    allocations = allocations.order_by("semester_id", "proposal_id", "id")
    pis: dict[str, list[str]] = {}
    for proposal_id, email in (
        Membership.objects.filter(role=Membership.PI)
        .order_by("proposal_id", "id")
        .values_list("proposal_id", "user__email")
    ):
        pis.setdefault(proposal_id, []).append(email)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for a in allocations:
        p = a.proposal
        writer.writerow(
            [
                p.id,
                p.title,
                p.active,
                p.public,
                p.non_science,
                p.tac_priority,
                p.tac_rank,
                ";".join(sorted(t.name for t in p.tags.all())),
                ";".join(pis.get(p.id, [])),
                a.semester_id,
                ";".join(a.instrument_types),
                repr(a.std_allocation),
                repr(a.std_time_used),
                repr(a.rr_allocation),
                repr(a.rr_time_used),
                repr(a.tc_allocation),
                repr(a.tc_time_used),
                repr(a.realtime_allocation),
                repr(a.realtime_time_used),
                repr(a.ipp_limit),
                repr(a.ipp_time_available),
            ]
        )
    return out.getvalue()


@dataclass
class _Row:
    line: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    proposals_created: int
    proposals_updated: int
    allocations_created: int
    allocations_updated: int
    memberships_created: int
    invitations_created: int


def _parse_row(line: int, raw: dict[str, str | None], semesters: set[str]) -> _Row:
    row = _Row(line)

    def text(column: str) -> str | None:
        value = raw.get(column)
        return None if value is None or value.strip() == "" else value.strip()

    for column in REQUIRED:
        if text(column) is None:
            raise ImportRowError("This field is required.", row=line, column=column)
    row.values["proposal"] = text("proposal")
    if text("semester") not in semesters:
        raise ImportRowError(
            f"Semester {text('semester')} does not exist.", row=line, column="semester"
        )
    row.values["semester"] = text("semester")
    row.values["instrument_types"] = [
        t.strip() for t in (text("instrument_types") or "").split(";") if t.strip()
    ]
    if text("title") is not None:
        row.values["title"] = text("title")
    for column in ("active", "public", "non_science"):
        value = text(column)
        if value is None:
            continue
        if value.lower() in _TRUE:
            row.values[column] = True
        elif value.lower() in _FALSE:
            row.values[column] = False
        else:
            raise ImportRowError("Must be a valid boolean.", row=line, column=column)
    for column in ("tac_priority", "tac_rank"):
        value = text(column)
        if value is None:
            continue
        try:
            number = int(value)
        except ValueError:
            raise ImportRowError("A valid integer is required.", row=line, column=column) from None
        if number < 0:
            raise ImportRowError(
                "Ensure this value is greater than or equal to 0.", row=line, column=column
            )
        row.values[column] = number
    for column in (*AMOUNTS, *USED, "ipp_time_available"):
        value = text(column)
        if value is None:
            continue
        try:
            hours = float(value)
        except ValueError:
            raise ImportRowError("A valid number is required.", row=line, column=column) from None
        if not math.isfinite(hours) or hours < 0:
            raise ImportRowError(
                "Ensure this value is a finite number greater than or equal to 0.",
                row=line,
                column=column,
            )
        row.values[column] = hours
    if text("tags") is not None:
        row.values["tags"] = [t.strip() for t in (text("tags") or "").split(";") if t.strip()]
    emails = [e.strip() for e in (text("pi_emails") or "").split(";") if e.strip()]
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            raise ImportRowError(
                f"{email} is not a valid email address.", row=line, column="pi_emails"
            ) from None
    row.values["pi_emails"] = emails
    return row


def proposals_import_csv(*, text: str, actor: Any = None) -> ImportSummary:
    """Import proposals, PIs and allocations from CSV text (all or nothing; see module doc)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    for column in REQUIRED:
        if column not in header:
            raise ImportRowError("The header lacks this column.", row=1, column=column)
    reader.fieldnames = header
    semesters = set(Semester.objects.values_list("id", flat=True))
    rows = [_parse_row(line, raw, semesters) for line, raw in enumerate(reader, start=2)]
    return _write(rows, actor=actor)


@transaction.atomic
def _write(rows: list[_Row], *, actor: Any) -> ImportSummary:
    counts = dict.fromkeys(("p_new", "p_upd", "a_new", "a_upd", "members", "invites"), 0)
    user_model = get_user_model()
    seen: set[str] = set()
    for row in rows:
        v = row.values
        column = "proposal"
        try:
            proposal = Proposal.objects.select_for_update().filter(pk=v["proposal"]).first()
            flags = {
                k: v[k]
                for k in ("title", "active", "public", "non_science", "tac_priority", "tac_rank")
                if k in v
            }
            if proposal is None:
                proposal = services.proposal_create(
                    proposal_id=v["proposal"], tags=v.get("tags", ()), **flags
                )
                counts["p_new"] += 1
            else:
                if flags:
                    for name, value in flags.items():
                        setattr(proposal, name, value)
                    proposal.save(update_fields=[*flags, "modified"])
                if "tags" in v:
                    services.proposal_set_tags(proposal=proposal, tags=v["tags"])
                if proposal.pk not in seen:
                    counts["p_upd"] += 1
            seen.add(proposal.pk)
            column = "pi_emails"
            for email in v["pi_emails"]:
                users = list(user_model.objects.filter(email__iexact=email)[:2])
                if len(users) == 1:
                    existing = Membership.objects.filter(proposal=proposal, user=users[0]).first()
                    if existing is None or existing.role != Membership.PI:
                        services.membership_add(
                            proposal=proposal, user=users[0], role=Membership.PI
                        )
                        counts["members"] += existing is None
                elif not ProposalInvite.objects.filter(
                    proposal=proposal, email__iexact=email, used__isnull=True
                ).exists():
                    services.proposal_invite(
                        proposal=proposal,
                        actor=actor,
                        emails_to_invite=[email],
                        role=Membership.PI,
                        check_pi=False,
                    )
                    counts["invites"] += 1
            column = "instrument_types"
            wanted = {t.upper() for t in v["instrument_types"]}
            allocation = next(
                (
                    a
                    for a in TimeAllocation.objects.filter(
                        proposal=proposal, semester_id=v["semester"]
                    )
                    if {t.upper() for t in a.instrument_types} == wanted
                ),
                None,
            )
            if allocation is None:
                allocation = accounting.allocation_create(
                    proposal=proposal,
                    semester=Semester.objects.get(pk=v["semester"]),
                    instrument_types=v["instrument_types"],
                    std_allocation=v.get("std_allocation", 0.0),
                    rr_allocation=v.get("rr_allocation", 0.0),
                    tc_allocation=v.get("tc_allocation", 0.0),
                    realtime_allocation=v.get("realtime_allocation", 0.0),
                    ipp_limit=v.get("ipp_limit"),
                    ipp_time_available=v.get("ipp_time_available"),
                    reason="imported from CSV",
                    source_type="csv",
                    source_id=row.line,
                    actor=actor,
                )
                for used_column, kind in USED.items():
                    column = used_column
                    if v.get(used_column):
                        accounting.allocation_debit(
                            allocation=allocation,
                            kind=kind,
                            hours=v[used_column],
                            reason="imported from CSV",
                            source_type="csv",
                            source_id=row.line,
                            actor=actor,
                        )
                counts["a_new"] += 1
            else:
                amounts = {name: v[name] for name in AMOUNTS if name in v}
                accounting.allocation_set_amounts(
                    allocation=allocation, amounts=amounts, reason="imported from CSV", actor=actor
                )
                counts["a_upd"] += 1
        except ProposalError as error:
            raise ImportRowError(
                error.message,
                row=row.line,
                column=error.field if error.field in COLUMNS else column,
            ) from error
    return ImportSummary(
        counts["p_new"],
        counts["p_upd"],
        counts["a_new"],
        counts["a_upd"],
        counts["members"],
        counts["invites"],
    )
