"""``ocs scheduler plan``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from openocs.scheduler.cli import EXIT_BAD_INPUT, scheduler_group

SMALL = Path(__file__).parents[3] / "benchmarks" / "instances" / "scheduler_small.json"


def test_plan_prints_the_schedule_value_bound_gap_and_left_out_requests():
    result = CliRunner().invoke(
        scheduler_group, ["plan", "--input", str(SMALL), "--time-limit", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "value" in result.output and "bound" in result.output and "gap" in result.output
    assert "1m0a.doma.lsc" in result.output
    assert "NOT_VISIBLE" in result.output  # the small instance has invisible requests


def test_plan_json_explains_every_request_not_placed():
    result = CliRunner().invoke(
        scheduler_group,
        ["plan", "--input", str(SMALL), "--time-limit", "5", "--kernel", "timesliced", "--json"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    placed = {a["request"] for a in document["assignments"]}
    explained = {e["request"] for e in document["left_out"]}
    assert len(placed) + len(explained) == 50 and not placed & explained
    assert document["status"] in ("OPTIMAL", "FEASIBLE")


def test_plan_rejects_an_invalid_problem_naming_the_field(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"epoch": "2030-01-01T00:00:00Z", "telescopes": [], "groups": []}))
    result = CliRunner().invoke(scheduler_group, ["plan", "--input", str(bad)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "end" in result.output


def test_plan_help_shows_an_example():
    result = CliRunner().invoke(scheduler_group, ["plan", "--help"])
    assert "ocs scheduler plan --input" in result.output


def test_plan_json_says_how_far_the_bound_and_the_search_got():
    result = CliRunner().invoke(
        scheduler_group, ["plan", "--input", str(SMALL), "--time-limit", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)["stats"]
    assert stats["lp_bound_complete"] in (0.0, 1.0)
    assert "construction_objective" in stats
