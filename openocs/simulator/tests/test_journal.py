"""The journal numbers frames once per identity and remembers what is archived."""

from __future__ import annotations

from pathlib import Path

from openocs.simulator.journal import FrameJournal


def test_each_identity_gets_one_number_per_instrument_and_night(tmp_path: Path) -> None:
    journal = FrameJournal(tmp_path / "journal.jsonl")

    first = journal.allocate("obs1/cs1/0", instrument="fa12", day_obs="20261207", date_obs="t0")
    second = journal.allocate("obs1/cs1/1", instrument="fa12", day_obs="20261207", date_obs="t1")
    again = journal.allocate("obs1/cs1/0", instrument="fa12", day_obs="20261207", date_obs="t9")
    other = journal.allocate("obs2/cs5/0", instrument="fa14", day_obs="20261207", date_obs="t2")
    next_night = journal.allocate("obs3/cs6/0", instrument="fa12", day_obs="20261208", date_obs="")

    assert (first.frame_number, second.frame_number) == (1, 2)
    assert again.frame_number == 1 and again.date_obs == "t0"
    assert other.frame_number == 1
    assert next_night.frame_number == 1


def test_a_restarted_simulator_reads_back_numbers_and_ingests(tmp_path: Path) -> None:
    path = tmp_path / "site" / "journal.jsonl"
    journal = FrameJournal(path)
    journal.allocate("a", instrument="fa12", day_obs="20261207", date_obs="t0")
    journal.allocate("b", instrument="fa12", day_obs="20261207", date_obs="t1")
    journal.mark_ingested("a", frame_id=17)

    reopened = FrameJournal(path)

    entry = reopened.get("a")
    assert entry is not None and entry.ingested and entry.frame_id == 17
    b = reopened.get("b")
    assert b is not None and not b.ingested
    assert reopened.ingested_count() == 1
    new = reopened.allocate("c", instrument="fa12", day_obs="20261207", date_obs="t2")
    assert new.frame_number == 3
    assert reopened.get("missing") is None
