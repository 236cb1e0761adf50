"""The JSON problem format: round trip, ISO times, errors naming the field."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest

from openocs.scheduler import serialization
from openocs.scheduler.errors import ProblemFormatError
from openocs.scheduler.generator import generate_preset
from openocs.scheduler.intervals import Interval
from openocs.scheduler.model import Request
from openocs.scheduler.serialization import (
    dump_problem,
    load_problem,
    problem_from_dict,
    problem_to_dict,
)

MINIMAL = {
    "epoch": "2030-01-01T00:00:00Z",
    "end": "2030-01-02T00:00:00Z",
    "telescopes": [
        {"key": "1m0a.doma.lsc", "telescope_class": "1m0", "instrument_types": ["X"],
         "night": [["2030-01-01T01:00:00Z", "2030-01-01T09:00:00Z"]]}
    ],
    "groups": [
        {"id": 1, "requests": [
            {"id": 7, "duration_s": 600, "windows": [[0, 86400]],
             "location": {"telescope_class": "1m0"}, "instrument_types": ["X"]}
        ]}
    ],
}  # fmt: skip


def test_round_trip_keeps_the_problem(tmp_path):
    original = generate_preset("small")
    for name in ("p.json", "p.json.gz"):
        dump_problem(original, tmp_path / name)
        assert load_problem(tmp_path / name) == original


def test_times_may_be_iso_strings_or_seconds():
    problem = problem_from_dict(MINIMAL)
    assert problem.end_s == 86400
    assert problem.telescopes[0].night == ((3600, 9 * 3600),)
    assert problem_from_dict(problem_to_dict(problem)) == problem


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("end"), "end"),
        (lambda d: d.update(epoch="2030-01-01T00:00:00"), "epoch"),
        (lambda d: d["groups"][0]["requests"][0].update(duration_s=-5),
         "groups[0].requests[0].duration_s"),
        (lambda d: d["groups"][0]["requests"][0].update(windows=[[10, 5]]),
         "groups[0].requests[0].windows[0]"),
        (lambda d: d["groups"][0].update(operator="SOMETIMES"), "groups[0].operator"),
        (lambda d: d["telescopes"][0].update(key="lsc"), "telescopes[0].key"),
    ],
)  # fmt: skip
def test_bad_documents_name_the_offending_field(change, field):
    document = json.loads(json.dumps(MINIMAL))
    change(document)
    with pytest.raises(ProblemFormatError) as caught:
        problem_from_dict(document)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        ([[0, 600], [1000, 2000]], ((0, 600), (1000, 2000))),  # the common case
        ([[0.0, 600.0]], ((0, 600),)),  # integral floats
        ([{"start": 0, "end": 600}], ((0, 600),)),  # objects
        ([[0, "2030-01-01T00:10:00Z"]], ((0, 600),)),  # an ISO time
        ([[5, 5]], ((5, 5),)),
    ],
)
def test_intervals_are_read_from_every_accepted_shape(windows, expected):
    document = json.loads(json.dumps(MINIMAL))
    document["groups"][0]["requests"][0]["windows"] = windows
    assert problem_from_dict(document).groups[0].requests[0].windows == expected


@pytest.mark.parametrize("windows", [[[10, 5]], [[0, 5, 9]], [[0, True]], [7], [[0, 5], [10, 5]]])
def test_malformed_intervals_name_the_field(windows):
    document = json.loads(json.dumps(MINIMAL))
    document["groups"][0]["requests"][0]["windows"] = windows
    with pytest.raises(ProblemFormatError) as caught:
        problem_from_dict(document)
    assert caught.value.field.startswith("groups[0].requests[0].windows")


def test_a_file_that_is_not_utf8_json_is_a_format_error(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b'{"epoch": "\xff"}')
    with pytest.raises(ProblemFormatError) as caught:
        load_problem(path)
    assert caught.value.field == "$"


def test_reading_pauses_the_garbage_collector_and_restores_it(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(MINIMAL))
    seen: list[bool] = []
    real = serialization.problem_from_dict

    def spy(data):
        seen.append(gc.isenabled())
        return real(data)

    monkeypatch.setattr(serialization, "problem_from_dict", spy)
    assert gc.isenabled()
    load_problem(path)
    assert seen == [False] and gc.isenabled()


def _with_visibility(lists: list[Any]) -> dict[str, Any]:
    """``MINIMAL`` with one request per list of ``lists``, each visible on the telescope then,
    and every request also visible at the same common time (a list repeated across requests)."""
    document: dict[str, Any] = json.loads(json.dumps(MINIMAL))
    template = document["groups"][0]["requests"][0]
    document["groups"] = [
        {
            "id": index + 1,
            "requests": [{**template, "id": index + 1, "visibility": {"1m0a.doma.lsc": visible}}],
        }
        for index, visible in enumerate(lists)
    ]
    return document


def _visible(request: Request) -> tuple[Interval, ...]:
    assert request.visibility is not None
    return request.visibility["1m0a.doma.lsc"]


def test_equal_interval_lists_are_read_once_and_shared():
    problem = problem_from_dict(_with_visibility([[[0, 600]], [[0, 600]], [[10, 20]]]))
    first, second, third = (_visible(g.requests[0]) for g in problem.groups)
    assert first == second == ((0, 600),) and third == ((10, 20),)
    assert first is second


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ([[0, True]], "groups[2].requests[0].visibility.1m0a.doma.lsc[0].end"),  # True == 1
        ([[600, 0]], "groups[2].requests[0].visibility.1m0a.doma.lsc[0]"),
        ([[0, 1, 2]], "groups[2].requests[0].visibility.1m0a.doma.lsc[0]"),
        ([0, 600], "groups[2].requests[0].visibility.1m0a.doma.lsc[0]"),
    ],
)
def test_one_defect_among_many_lists_still_names_its_field(bad, field):
    """A defect anywhere makes the bulk reading give up; the field-by-field reading then names
    it, as it did before (an equal but well-typed list elsewhere does not hide it)."""
    document = _with_visibility([[[0, 1]], [[0, 600]], bad, [[0, 600]]])
    with pytest.raises(ProblemFormatError) as caught:
        problem_from_dict(document)
    assert caught.value.field == field


def test_other_accepted_shapes_beside_the_common_case_are_read_field_by_field():
    document = _with_visibility([[[0, 600]], [[0.0, 600.0]], [{"start": 0, "end": 600}]])
    problem = problem_from_dict(document)
    assert {_visible(g.requests[0]) for g in problem.groups} == {((0, 600),)}


def test_requests_read_by_the_common_path_equal_those_read_field_by_field():
    """``dump_problem``'s exact types take the fast path; an integer threshold takes the
    field-by-field one: the same requests either way."""
    common = problem_to_dict(generate_preset("small"))
    other = json.loads(json.dumps(common))
    for group in other["groups"]:
        for raw in group["requests"]:
            raw["acceptability_threshold"] = int(raw["acceptability_threshold"])
    assert problem_from_dict(other) == problem_from_dict(common)
