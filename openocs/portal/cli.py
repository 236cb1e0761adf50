"""``ocs accounting …``: audit and administer time allocations from the command line.

A thin click layer over ``openocs.portal.proposals.accounting`` and ``csvio`` — the admin site
calls the same service functions.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _django() -> None:
    from openocs.server.cli import setup_django

    setup_django()


@click.group("accounting")
def accounting_group() -> None:
    """Time accounting: verify the ledger, roll time over, export and import allocations.

    \b
    Examples:
      ocs accounting verify
      ocs accounting rollover 2026A 2026B --dry-run
      ocs accounting export --semester 2026B > allocations.csv
      ocs accounting import proposals.csv
    """


@accounting_group.command()
@click.option("--quiet", is_flag=True, help="Print nothing when the books balance.")
def verify(quiet: bool) -> None:
    """Recompute every allocation's counters from the ledger; exit 1 on any mismatch.

    \b
    Example:
      ocs accounting verify || echo "allocation counters disagree with the ledger"
    """
    _django()
    from openocs.portal.proposals.accounting import ledger_verify
    from openocs.portal.proposals.models import AllocationLedgerEntry, TimeAllocation

    mismatches = ledger_verify()
    for mismatch in mismatches:
        click.echo(mismatch.describe(), err=True)
    if mismatches:
        click.echo(f"{len(mismatches)} mismatch(es) between counters and the ledger.", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(
            f"OK: {TimeAllocation.objects.count()} allocations agree with "
            f"{AllocationLedgerEntry.objects.count()} ledger entries."
        )


@accounting_group.command()
@click.argument("from_semester")
@click.argument("to_semester")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["std", "rr", "tc", "realtime"]),
    default=["std"],
    show_default=True,
    help="Which hours to roll over (repeatable).",
)
@click.option("--proposal", "proposals", multiple=True, help="Only these proposals (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show what would move, change nothing.")
def rollover(
    from_semester: str,
    to_semester: str,
    kinds: tuple[str, ...],
    proposals: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Move unused hours of active proposals from FROM_SEMESTER to TO_SEMESTER.

    \b
    Example:
      ocs accounting rollover 2026A 2026B --kind std --kind rr
    """
    _django()
    from django.db import transaction

    from openocs.portal.proposals.accounting import allocations_rollover
    from openocs.portal.proposals.errors import AllocationError
    from openocs.portal.proposals.models import Semester

    semesters = {s.pk: s for s in Semester.objects.filter(pk__in=[from_semester, to_semester])}
    for name in (from_semester, to_semester):
        if name not in semesters:
            raise click.ClickException(f"No semester {name!r}.")

    class _DryRun(Exception):
        pass

    try:
        with transaction.atomic():
            results = allocations_rollover(
                from_semester=semesters[from_semester],
                to_semester=semesters[to_semester],
                kinds=list(kinds),
                proposal_ids=list(proposals) or None,
            )
            for r in results:
                click.echo(f"{r.proposal_id}: {r.hours:.3f} h {r.kind} → allocation {r.target_id}")
            if dry_run:
                raise _DryRun
    except _DryRun:
        click.echo("Dry run: nothing changed.")
        return
    except AllocationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Rolled over {len(results)} amount(s).")


@accounting_group.command("export")
@click.option("--semester", "semesters", multiple=True, help="Only these semesters (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_command(semesters: tuple[str, ...], output: Path | None) -> None:
    """Write every allocation as CSV (the import format) to OUTPUT or standard output.

    \b
    Example:
      ocs accounting export --semester 2026B -o allocations-2026B.csv
    """
    _django()
    from openocs.portal.proposals.csvio import allocations_export_csv

    text = allocations_export_csv(semester_ids=list(semesters) or None)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@accounting_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import proposals, PIs and allocations from a CSV file (all or nothing).

    \b
    Example:
      ocs accounting import proposals-2026B.csv
    """
    _django()
    from openocs.portal.proposals.csvio import proposals_import_csv
    from openocs.portal.proposals.errors import ImportRowError

    try:
        summary = proposals_import_csv(text=path.read_text(encoding="utf-8"))
    except ImportRowError as error:
        raise click.ClickException(f"{error.message} Nothing was imported.") from error
    click.echo(
        f"Imported: {summary.proposals_created} new and {summary.proposals_updated} updated "
        f"proposals, {summary.allocations_created} new and {summary.allocations_updated} updated "
        f"allocations, {summary.memberships_created} memberships, "
        f"{summary.invitations_created} invitations."
    )
