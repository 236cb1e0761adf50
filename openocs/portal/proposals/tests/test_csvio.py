"""CSV export of allocations and CSV import of proposals (round trip, atomic errors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openocs.portal.proposals import accounting, csvio
from openocs.portal.proposals.errors import ImportRowError
from openocs.portal.proposals.models import (
    AllocationLedgerEntry,
    Membership,
    Proposal,
    ProposalInvite,
    TimeAllocation,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(csvio.COLUMNS)


def _snapshot() -> list[Any]:
    return sorted(
        TimeAllocation.objects.values_list(
            "proposal_id",
            "semester_id",
            "instrument_types",
            *csvio.AMOUNTS,
            *csvio.USED,
            "ipp_time_available",
        )
    )


def test_export_then_import_round_trip(pi, allocation, semester, next_semester, proposal):
    accounting.allocation_debit(allocation=allocation, kind="std", hours=12.5, reason="observed")
    accounting.allocation_create(
        proposal=proposal,
        semester=next_semester,
        instrument_types=["2M0-FLOYDS-SCICAM", "B"],
        std_allocation=7.25,
        rr_allocation=1,
        realtime_allocation=2,
    )
    text = csvio.allocations_export_csv()
    assert text.splitlines()[0] == HEADER
    before = _snapshot()
    proposal_fields = (proposal.title, proposal.tac_priority, proposal.tac_rank)
    Membership.objects.all().delete()
    AllocationLedgerEntry.objects.all().delete()
    TimeAllocation.objects.all().delete()
    Proposal.objects.all().delete()

    summary = csvio.proposals_import_csv(text=text)

    assert (summary.proposals_created, summary.allocations_created) == (1, 2)
    assert _snapshot() == before
    imported = Proposal.objects.get()
    assert (imported.title, imported.tac_priority, imported.tac_rank) == proposal_fields
    assert sorted(t.name for t in imported.tags.all()) == ["supernovae", "transients"]
    assert Membership.objects.get().user == pi.user
    assert accounting.ledger_verify() == []
    assert csvio.allocations_export_csv() == text


def test_export_filters_by_semester(allocation, next_semester, proposal):
    accounting.allocation_create(proposal=proposal, semester=next_semester, instrument_types=["B"])
    lines = csvio.allocations_export_csv(semester_ids=["2027A"]).splitlines()
    assert len(lines) == 2 and ",2027A," in lines[1]


def test_import_updates_an_existing_allocation_by_grants(allocation):
    text = (
        "proposal,semester,instrument_types,std_allocation\n"
        "LCO2026B-001,2026B,1M0-SCICAM-SINISTRO,80\n"
    )
    summary = csvio.proposals_import_csv(text=text)
    assert (summary.proposals_updated, summary.allocations_updated) == (1, 1)
    allocation.refresh_from_db()
    assert allocation.std_allocation == 80.0
    assert accounting.ledger_verify() == []


def test_import_invites_unknown_pis(semester):
    text = "proposal,semester,instrument_types,pi_emails\nNEW-1,2026B,A;B,who@example.org\n"
    csvio.proposals_import_csv(text=text)
    invite = ProposalInvite.objects.get()
    assert (invite.proposal_id, invite.role, invite.email) == ("NEW-1", "PI", "who@example.org")
    assert TimeAllocation.objects.get().instrument_types == ["A", "B"]


@pytest.mark.parametrize(
    ("bad_row", "row", "column"),
    [
        ("P2,2026B,A,abc", 3, "std_allocation"),
        ("P2,1999A,A,1", 3, "semester"),
        (",2026B,A,1", 3, "proposal"),
        ("P2,2026B,,1", 3, "instrument_types"),
        ("P2,2026B,A,-1", 3, "std_allocation"),
        # Fails only when written (overlap with the first row): still nothing is kept.
        ("P1,2026B,a;C,1", 3, "instrument_types"),
    ],
)
def test_a_bad_row_names_row_and_column_and_nothing_is_written(semester, bad_row, row, column):
    text = "proposal,semester,instrument_types,std_allocation\nP1,2026B,A,5\n" + bad_row + "\n"
    with pytest.raises(ImportRowError) as caught:
        csvio.proposals_import_csv(text=text)
    assert (caught.value.row, caught.value.column) == (row, column)
    assert caught.value.message.startswith(f"Row {row}, column {column!r}: ")
    assert not Proposal.objects.exists()
    assert not TimeAllocation.objects.exists()
    assert not AllocationLedgerEntry.objects.exists()


def test_a_missing_required_column_is_reported_on_the_header(semester):
    with pytest.raises(ImportRowError) as caught:
        csvio.proposals_import_csv(text="proposal,semester\nP1,2026B\n")
    assert (caught.value.row, caught.value.column) == (1, "instrument_types")


def test_the_documented_example_imports(semester, make_persona):
    doc = Path(__file__).resolve().parents[4] / "docs" / "portal-proposals.md"
    text = doc.read_text(encoding="utf-8").split("```csv\n", 1)[1].split("```", 1)[0]
    pi = make_persona("pi", email="pi@example.org")
    summary = csvio.proposals_import_csv(text=text)
    assert (summary.proposals_created, summary.allocations_created) == (2, 3)
    assert summary.invitations_created == 1  # other-pi@example.org has no account
    muscat = TimeAllocation.objects.get(instrument_types=["2M0-SCICAM-MUSCAT"])
    assert (muscat.std_allocation, muscat.rr_allocation, muscat.ipp_limit) == (12.5, 2.0, 1.25)
    assert Membership.objects.get(proposal_id="LCO2026B-010").user == pi.user
