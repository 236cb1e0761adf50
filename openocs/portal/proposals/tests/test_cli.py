"""``ocs accounting …`` commands (verify, rollover, export, import)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from openocs.portal.cli import accounting_group
from openocs.portal.proposals import accounting
from openocs.portal.proposals.models import TimeAllocation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_django_setup(monkeypatch):
    # Django is already set up by pytest-django; the command must not reconfigure it.
    monkeypatch.setattr("openocs.server.cli.setup_django", lambda: None)


def test_verify_exits_zero_when_the_books_balance_and_one_on_tampering(allocation):
    runner = CliRunner()
    result = runner.invoke(accounting_group, ["verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 1 allocations agree with 4 ledger entries." in result.output
    TimeAllocation.objects.filter(pk=allocation.pk).update(std_time_used=3)
    result = runner.invoke(accounting_group, ["verify"])
    assert result.exit_code == 1
    assert "std_time_used is 3.000000 h, the ledger says 0.000000 h" in result.output


def test_rollover_dry_run_changes_nothing_then_rolls_over(allocation, next_semester):
    runner = CliRunner()
    result = runner.invoke(accounting_group, ["rollover", "2026B", "2027A", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "LCO2026B-001: 50.000 h std" in result.output
    assert not TimeAllocation.objects.filter(semester=next_semester).exists()
    result = runner.invoke(accounting_group, ["rollover", "2026B", "2027A"])
    assert result.exit_code == 0, result.output
    assert TimeAllocation.objects.get(semester=next_semester).std_allocation == 50.0
    assert runner.invoke(accounting_group, ["rollover", "2026B", "1999A"]).exit_code == 1


def test_export_and_import_files(allocation, tmp_path):
    runner = CliRunner()
    path = tmp_path / "allocations.csv"
    assert runner.invoke(accounting_group, ["export", "-o", str(path)]).exit_code == 0
    assert "LCO2026B-001" in path.read_text()
    result = runner.invoke(accounting_group, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 new and 1 updated proposals" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("proposal,semester,instrument_types,std_allocation\nX,2026B,A,lots\n")
    result = runner.invoke(accounting_group, ["import", str(bad)])
    assert result.exit_code == 1
    assert "Row 2, column 'std_allocation': A valid number is required." in result.output
    assert accounting.ledger_verify() == []
