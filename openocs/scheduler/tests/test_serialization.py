"""The JSON problem format: round trip, ISO times, errors naming the field."""

from __future__ import annotations

import json

import pytest

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
