"""Input the model refuses (or documents): each defect gets a clear error naming the field."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from openocs.scheduler.cli import EXIT_BAD_INPUT, scheduler_group
from openocs.scheduler.errors import InvalidProblemError, ProblemFormatError
from openocs.scheduler.kernels import available_kernels, get_kernel, solve
from openocs.scheduler.model import Downtime, FixedObservation, SolveStatus
from openocs.scheduler.passes import CurrentObservation, ObservationState, plan_cycle
from openocs.scheduler.serialization import problem_from_dict, problem_to_dict
from openocs.scheduler.tests.factories import HOUR, group, problem, request, telescope


def _refused(field: str, **changes: Any) -> InvalidProblemError:
    with pytest.raises(InvalidProblemError) as caught:
        problem(**changes)
    assert caught.value.field == field
    return caught.value


def test_negative_tac_priority_is_refused_naming_the_group():
    error = _refused("groups[0].tac_priority", groups=[group(request(), tac_priority=-5.0)])
    assert "≥ 0" in error.message


def test_negative_ipp_is_refused():
    _refused("groups[0].ipp_value", groups=[group(request(), ipp_value=-1.0)])


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_priority_is_refused(value):
    _refused("groups[0].tac_priority", groups=[group(request(), tac_priority=value)])


def test_a_zero_priority_is_allowed():
    assert problem([group(request(), tac_priority=0.0)]).groups[0].tac_priority == 0.0


def test_duplicate_request_ids_built_through_the_library_are_refused():
    _refused(
        "groups[1].requests[0].id",
        groups=[group(request(request_id=7)), group(request(request_id=7))],
    )


def test_duplicate_group_ids_built_through_the_library_are_refused():
    _refused("groups[1].id", groups=[group(request(), group_id=3), group(request(), group_id=3)])


def test_downtime_on_an_unknown_telescope_is_refused():
    error = _refused(
        "downtimes[0].telescope_key",
        groups=[group(request())],
        downtimes=[Downtime("1m0a.domz.xyz", 0, HOUR)],
    )
    assert "1m0a.domz.xyz" in error.message


def test_fixed_time_on_an_unknown_telescope_is_refused():
    _refused(
        "fixed[0].telescope_key",
        groups=[group(request())],
        fixed=[FixedObservation("1m0a.domz.xyz", 0, HOUR)],
    )


def test_visibility_keyed_to_an_unknown_telescope_is_refused():
    _refused(
        "groups[0].requests[0].visibility.1m0a.domz.xyz",
        groups=[group(request(visibility={"1m0a.domz.xyz": [(0, 5)]}))],
    )


def test_the_problem_file_reports_a_model_rule_with_the_same_field():
    document = problem_to_dict(problem([group(request())]))
    document["groups"][0]["tac_priority"] = -1
    with pytest.raises(ProblemFormatError) as caught:
        problem_from_dict(document)
    assert caught.value.field == "groups[0].tac_priority"


@pytest.mark.parametrize("kernel", sorted(available_kernels()))
def test_a_missing_time_limit_is_a_failed_schedule_in_every_kernel(kernel):
    small = problem([group(request())])
    through_front_door = solve(small, kernel=kernel, time_limit_s=None)
    direct = get_kernel(kernel).solve(small, time_limit_s=None)  # type: ignore[arg-type]
    for schedule in (through_front_door, direct):
        assert schedule.status is SolveStatus.FAILED
        assert "time limit" in schedule.message


@pytest.mark.parametrize("limit", [math.nan, -1.0, 0.0])
def test_an_unusable_time_limit_is_a_failed_schedule(limit):
    assert solve(problem([group(request())]), time_limit_s=limit).status is SolveStatus.FAILED


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(text)
    return path


def test_cli_nan_priority_is_a_clear_error_with_exit_3(tmp_path):
    document = json.dumps(problem_to_dict(problem([group(request())])))
    text = document.replace('"tac_priority": 10.0', '"tac_priority": NaN')
    assert "NaN" in text
    result = CliRunner().invoke(scheduler_group, ["plan", "--input", str(_write(tmp_path, text))])
    assert result.exit_code == EXIT_BAD_INPUT
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "groups[0].tac_priority" in result.output
    assert "finite" in result.output


def test_cli_negative_priority_is_a_clear_error_with_exit_3(tmp_path):
    document = problem_to_dict(problem([group(request())]))
    document["groups"][0]["tac_priority"] = -10
    path = _write(tmp_path, json.dumps(document))
    result = CliRunner().invoke(scheduler_group, ["plan", "--input", str(path)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "groups[0].tac_priority" in result.output


def test_a_pass_ignores_an_observation_running_on_a_telescope_the_problem_lacks():
    known = telescope("1m0a.doma.lsc")
    target = request(duration_h=1.0)
    current = [
        CurrentObservation(1, 999, "1m0a.domz.xyz", 0, 2 * HOUR, state=ObservationState.IN_PROGRESS)
    ]
    plan = plan_cycle(problem([group(target)], [known]), current, time_limit_s=2)
    assert plan.ok
    assert [a.request_id for a in plan.normal.create] == [target.id]
