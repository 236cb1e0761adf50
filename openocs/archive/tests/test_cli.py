"""``ocs archive delete`` and ``ocs archive thumbnails``."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from openocs.archive.cli import archive_group
from openocs.archive.models import Frame
from openocs.archive.tests.conftest import record


def test_delete_by_date_and_proposal(ingest_user: Any, store_root: Any) -> None:
    for name, date, proposal in (
        ("old", "2015-01-01T00:00:00Z", "P1"),
        ("new", "2021-01-01T00:00:00Z", "P1"),
        ("other", "2015-01-01T00:00:00Z", "P2"),
    ):
        ingest_user.client.post(
            "/archive/frames/",
            record(name, observation_date=date, proposal_id=proposal),
            format="json",
        )
    runner = CliRunner()
    dry = runner.invoke(
        archive_group, ["delete", "--before", "2016-01-01", "--proposal", "P1", "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip() == "1 frames would be deleted"
    done = runner.invoke(archive_group, ["delete", "--before", "2016-01-01", "--proposal", "P1"])
    assert done.output.strip() == "1 frames deleted"
    assert sorted(Frame.objects.filter(listed=True).values_list("basename", flat=True)) == [
        "new",
        "other",
    ]


def test_delete_needs_a_selection(db: Any) -> None:
    result = CliRunner().invoke(archive_group, ["delete"])
    assert result.exit_code == 2


def test_thumbnails_command_makes_the_missing_ones(ingester: Any, ingest_user: Any) -> None:
    from openocs.archive.tests.conftest import FULL_FRAME, ingest

    ingest(ingester, FULL_FRAME)
    ingest_user.client.post("/archive/frames/", record("nofile"), format="json")
    result = CliRunner().invoke(archive_group, ["thumbnails", "--missing"])
    assert result.exit_code == 0, result.output
    assert "3 thumbnails written" in result.output.splitlines()
