"""The JSON problem format: round trip, ISO times, errors naming the field."""

from __future__ import annotations

import gc
import json

import pytest

from openocs.scheduler import serialization
from openocs.scheduler.errors import ProblemFormatError
from openocs.scheduler.generator import generate_preset
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
