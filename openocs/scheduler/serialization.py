"""The JSON problem format (used by ``ocs scheduler plan`` and the frozen instances).

A problem document::

    {
      "format": "openocs-scheduling-problem/1",
      "epoch": "2030-01-01T00:00:00Z",
      "start": 0, "end": 86400,
      "telescopes": [{"key": "1m0a.doma.lsc", "telescope_class": "1m0",
                      "instrument_types": ["1M0-SCICAM-SINISTRO"], "online": true,
                      "night": [[0, 36000]]}],
      "groups": [{"id": 1, "operator": "SINGLE", "tac_priority": 10, "ipp_value": 1.0,
                  "observation_type": "NORMAL",
                  "requests": [{"id": 1, "duration_s": 1800, "windows": [[0, 86400]],
                                "location": {"telescope_class": "1m0"},
                                "instrument_types": ["1M0-SCICAM-SINISTRO"],
                                "visibility": {"1m0a.doma.lsc": [[3600, 20000]]}}]}],
      "downtimes": [{"telescope_key": "1m0a.doma.lsc", "start": 0, "end": 7200,
                     "instrument_type": "all", "reason": "maintenance"}],
      "fixed": [{"telescope_key": "1m0a.doma.lsc", "start": 0, "end": 600, "request_id": 7}]
    }

Every time value is either an integer number of seconds from ``epoch`` or an ISO-8601 string with
a UTC offset. ``visibility`` is optional (absent = observable whenever the telescope is dark).
Files ending in ``.gz`` are read and written gzip-compressed.
"""

from __future__ import annotations

import gzip
import json
import math
import operator
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import orjson

from openocs.scheduler.errors import InvalidProblemError, ProblemFormatError
from openocs.scheduler.gc_pause import gc_paused
from openocs.scheduler.intervals import Interval
from openocs.scheduler.model import (
    Downtime,
    FixedObservation,
    GroupOperator,
    Location,
    ObservationType,
    Problem,
    Request,
    RequestGroup,
    Schedule,
    Telescope,
)

__all__ = [
    "FORMAT",
    "dump_problem",
    "load_problem",
    "problem_from_dict",
    "problem_to_dict",
    "schedule_to_dict",
]

FORMAT = "openocs-scheduling-problem/1"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_datetime(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise ProblemFormatError(field, "expected an ISO-8601 datetime string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProblemFormatError(field, f"not an ISO-8601 datetime: {value!r}") from None
    if moment.utcoffset() is None:
        raise ProblemFormatError(field, "datetime must carry a UTC offset (e.g. 'Z')")
    return moment.astimezone(UTC)


_first = operator.itemgetter(0)
_second = operator.itemgetter(1)


def _integer_pairs(value: list[Any]) -> tuple[Interval, ...] | None:
    """``value`` as intervals when it is the common case — lists of two integers ``[a, b]``
    with ``a ≤ b``, as ``dump_problem`` writes them — else None."""
    converted = _all_integer_pairs([value])
    return None if converted is None else converted[0]


def _all_integer_pairs(lists: list[list[Any]]) -> list[tuple[Interval, ...]] | None:
    """Every list of ``lists`` as intervals when all of them are the common case (lists of two
    integers ``[a, b]`` with ``a ≤ b``), else None (the caller then reads them one by one, and
    the first defect is reported with its field). Every check runs in C (``map`` over
    builtins) over all the lists at once: a large problem holds hundreds of thousands of pairs
    in tens of thousands of lists, and per-list checks cost more than the pairs themselves."""
    if not set(map(type, lists)) <= {list}:
        return None
    if not set(map(type, chain.from_iterable(lists))) <= {list}:
        return None
    if not set(map(len, chain.from_iterable(lists))) <= {2}:
        return None
    if not set(map(type, chain.from_iterable(chain.from_iterable(lists)))) <= {int}:
        return None
    converted = list(map(tuple, map(map, repeat(tuple), lists)))
    # equal lists share one tuple: visibility repeats itself (telescopes of a site, targets
    # near each other), the 74,000 lists of contended10k hold 20,000 distinct ones; the copies
    # are freed at once and never walked by the garbage collector. The types were checked on
    # every element above (``(1, 2) == (True, 2.0)``), the order is checked on the distinct ones.
    distinct: dict[tuple[Interval, ...], tuple[Interval, ...]] = {}
    shared = list(map(distinct.setdefault, converted, converted))
    del converted
    pairs = list(chain.from_iterable(distinct))
    if not all(map(operator.le, map(_first, pairs), map(_second, pairs))):
        return None
    return shared


def _interval_lists(data: Mapping[str, Any]) -> list[list[Any]]:
    """The interval lists of the requests of a problem document (windows and visibility) that
    have the right container types; anything else (and the few telescope nights, which may be
    ISO times) is left to the field-by-field reading, which reports any defect."""
    found: list[list[Any]] = []
    groups = data.get("groups")
    if type(groups) is not list:
        return found
    for group in groups:
        if type(group) is not dict or type(requests := group.get("requests")) is not list:
            continue
        for raw in requests:
            if type(raw) is not dict:
                continue
            if type(windows := raw.get("windows")) is list:
                found.append(windows)
            if type(visibility := raw.get("visibility")) is dict:
                found.extend(v for v in visibility.values() if type(v) is list)
    return found


class _Reader:
    def __init__(self, epoch: datetime, ready: Mapping[int, tuple[Interval, ...]]) -> None:
        self.epoch = epoch
        self.ready = ready
        """Interval lists already read in bulk (``_all_integer_pairs``), by ``id`` of the list
        (the document outlives the reader, so the ids stay unique)."""

    def time(self, value: Any, field: str) -> int:
        if isinstance(value, bool):
            raise ProblemFormatError(field, "expected seconds or an ISO-8601 datetime")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return round((_parse_datetime(value, field) - self.epoch).total_seconds())

    def intervals(self, value: Any, field: str) -> tuple[Interval, ...]:
        ready = self.ready.get(id(value))
        if ready is not None:
            return ready
        if not isinstance(value, list):
            raise ProblemFormatError(field, "expected a list of [start, end] pairs")
        pairs = _integer_pairs(value)
        if pairs is not None:
            return pairs
        result: list[Interval] = []
        for index, pair in enumerate(value):
            where = f"{field}[{index}]"
            if isinstance(pair, Mapping):
                pair = [pair.get("start"), pair.get("end")]
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ProblemFormatError(where, "expected [start, end]")
            start_s, end_s = (
                self.time(pair[0], where + ".start"),
                self.time(pair[1], where + ".end"),
            )
            if end_s < start_s:
                raise ProblemFormatError(where, "end is before start")
            result.append((start_s, end_s))
        return tuple(result)


def _get(data: Mapping[str, Any], key: str, field: str, kind: type | tuple[type, ...]) -> Any:
    try:
        value = data[key]
    except KeyError:
        raise ProblemFormatError(f"{field}.{key}", "is required") from None
    if type(value) is kind:  # the common case, read without the checks below
        return value
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ProblemFormatError(f"{field}.{key}", f"has the wrong type ({type(value).__name__})")
    return value


def _number(data: Mapping[str, Any], key: str, field: str, default: float) -> float:
    value = data.get(key, default)
    if type(value) is float and math.isfinite(value):  # the common case
        return value
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProblemFormatError(f"{field}.{key}", "expected a number")
    if not math.isfinite(value):
        raise ProblemFormatError(f"{field}.{key}", f"expected a finite number, not {value!r}")
    return float(value)


def _strings(value: Any, field: str) -> tuple[str, ...]:
    if type(value) is list and set(map(type, value)) <= {str}:  # the common case
        return tuple(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProblemFormatError(field, "expected a list of strings")
    return tuple(value)


_ENUMS: dict[tuple[type, Any], Any] = {
    (enum, member.value): member for enum in (GroupOperator, ObservationType) for member in enum
}
"""The members by their exact value (the common case, read without ``str().upper()``)."""


def _location(
    location: Mapping[str, Any], rfield: str, known: dict[tuple[Any, ...], Location]
) -> Location:
    """The request's ``Location``, one object for equal locations (requests share a few)."""
    telescope_class = location.get("telescope_class")
    if type(telescope_class) is not str:
        telescope_class = _get(location, "telescope_class", f"{rfield}.location", str)
    key = (
        telescope_class,
        location.get("site"),
        location.get("enclosure"),
        location.get("telescope"),
    )
    try:
        found = known.get(key)
    except TypeError:  # an unhashable site, enclosure or telescope: kept as it was given
        return Location(*key)
    if found is None:
        found = known[key] = Location(*key)
    return found


def _enum(enum: type[GroupOperator] | type[ObservationType], value: Any, field: str) -> Any:
    if type(value) is str and (member := _ENUMS.get((enum, value))) is not None:
        return member
    try:
        return enum(str(value).upper())
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ProblemFormatError(field, f"{value!r} is not one of {allowed}") from None


def _request(
    raw: Any,
    rfield: str,
    reader: _Reader,
    locations: dict[tuple[Any, ...], Location],
    request_ids: set[int],
) -> Request:
    """Read one request field by field; every defect is reported with its field."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise ProblemFormatError(rfield, "expected an object")
    request_id = _get(raw, "id", rfield, int)
    if request_id in request_ids:
        raise ProblemFormatError(f"{rfield}.id", f"duplicate request id {request_id}")
    request_ids.add(request_id)
    duration_s = _get(raw, "duration_s", rfield, int)
    if duration_s <= 0:
        raise ProblemFormatError(f"{rfield}.duration_s", "must be positive")
    location = _get(raw, "location", rfield, Mapping)
    visibility_raw = raw.get("visibility")
    visibility = None
    if visibility_raw is not None:
        if type(visibility_raw) is not dict and not isinstance(visibility_raw, Mapping):
            raise ProblemFormatError(f"{rfield}.visibility", "expected an object")
        try:  # every list read in bulk: no field names to format
            visibility = dict(
                zip(
                    map(str, visibility_raw),
                    map(reader.ready.__getitem__, map(id, visibility_raw.values())),
                    strict=True,
                )
            )
        except KeyError:
            visibility = {
                str(k): reader.intervals(v, f"{rfield}.visibility.{k}")
                for k, v in visibility_raw.items()
            }
    return Request(
        id=request_id,
        duration_s=duration_s,
        windows=reader.intervals(_get(raw, "windows", rfield, list), f"{rfield}.windows"),
        location=_location(location, rfield, locations),
        instrument_types=_strings(
            _get(raw, "instrument_types", rfield, list), f"{rfield}.instrument_types"
        ),
        state=str(raw.get("state", "PENDING")),
        acceptability_threshold=_number(raw, "acceptability_threshold", rfield, 90.0),
        visibility=visibility,
    )


def _common_request(
    raw: Any,
    ready: Mapping[int, tuple[Interval, ...]],
    locations: dict[tuple[Any, ...], Location],
    request_ids: set[int],
) -> Request | None:
    """The request of ``raw`` when every field has the exact type ``dump_problem`` writes and
    every interval list was read in bulk; None otherwise (``_request`` then reads it and
    reports what is wrong). Tens of thousands of requests: no field names are formatted."""
    if type(raw) is not dict:
        return None
    request_id = raw.get("id")
    duration_s = raw.get("duration_s")
    location = raw.get("location")
    instrument_types = raw.get("instrument_types")
    state = raw.get("state", "PENDING")
    threshold = raw.get("acceptability_threshold", 90.0)
    windows = ready.get(id(raw.get("windows")))
    if (
        type(request_id) is not int
        or request_id in request_ids
        or type(duration_s) is not int
        or duration_s <= 0
        or type(location) is not dict
        or type(location.get("telescope_class")) is not str
        or windows is None
        or type(instrument_types) is not list
        or not set(map(type, instrument_types)) <= {str}
        or type(state) is not str
        or type(threshold) is not float
        or not math.isfinite(threshold)
    ):
        return None
    visibility_raw = raw.get("visibility")
    visibility = None
    if visibility_raw is not None:
        if type(visibility_raw) is not dict or not set(map(type, visibility_raw)) <= {str}:
            return None
        try:
            visibility = dict(
                zip(
                    visibility_raw,
                    map(ready.__getitem__, map(id, visibility_raw.values())),
                    strict=True,
                )
            )
        except KeyError:
            return None
    request_ids.add(request_id)
    return Request(
        id=request_id,
        duration_s=duration_s,
        windows=windows,
        location=_location(location, "", locations),
        instrument_types=tuple(instrument_types),
        state=state,
        acceptability_threshold=threshold,
        visibility=visibility,
    )


def problem_from_dict(data: Any) -> Problem:
    """Read a problem document (see the module docstring); errors name the offending field."""
    if not isinstance(data, Mapping):
        raise ProblemFormatError("$", "a problem document is a JSON object")
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise ProblemFormatError("format", f"unsupported format {fmt!r} (expected {FORMAT!r})")
    epoch = _parse_datetime(data.get("epoch"), "epoch")
    lists = _interval_lists(data)
    converted = _all_integer_pairs(lists)
    reader = _Reader(
        epoch, {} if converted is None else dict(zip(map(id, lists), converted, strict=True))
    )
    start_s = reader.time(data.get("start", 0), "start")
    if "end" not in data:
        raise ProblemFormatError("end", "is required")
    end_s = reader.time(data["end"], "end")
    if end_s <= start_s:
        raise ProblemFormatError("end", "must be after start")

    telescopes = []
    for index, item in enumerate(_get(data, "telescopes", "$", list)):
        field = f"telescopes[{index}]"
        if type(item) is not dict and not isinstance(item, Mapping):
            raise ProblemFormatError(field, "expected an object")
        key = _get(item, "key", field, str)
        if key.count(".") != 2:
            raise ProblemFormatError(f"{field}.key", "must be 'telescope.enclosure.site'")
        telescopes.append(
            Telescope(
                key=key,
                telescope_class=_get(item, "telescope_class", field, str),
                instrument_types=frozenset(
                    _strings(item.get("instrument_types", []), f"{field}.instrument_types")
                ),
                staff_instrument_types=frozenset(
                    _strings(
                        item.get("staff_instrument_types", []), f"{field}.staff_instrument_types"
                    )
                ),
                online=bool(item.get("online", True)),
                night=reader.intervals(item.get("night", []), f"{field}.night"),
            )
        )
    keys = {t.key for t in telescopes}
    if len(keys) != len(telescopes):
        raise ProblemFormatError("telescopes", "telescope keys must be unique")

    groups = []
    request_ids: set[int] = set()
    locations: dict[tuple[Any, ...], Location] = {}
    for gi, item in enumerate(_get(data, "groups", "$", list)):
        field = f"groups[{gi}]"
        if type(item) is not dict and not isinstance(item, Mapping):
            raise ProblemFormatError(field, "expected an object")
        requests = []
        for ri, raw in enumerate(_get(item, "requests", field, list)):
            request = _common_request(raw, reader.ready, locations, request_ids)
            if request is None:
                request = _request(raw, f"{field}.requests[{ri}]", reader, locations, request_ids)
            requests.append(request)
        groups.append(
            RequestGroup(
                id=_get(item, "id", field, int),
                operator=_enum(GroupOperator, item.get("operator", "SINGLE"), f"{field}.operator"),
                requests=tuple(requests),
                tac_priority=_number(item, "tac_priority", field, 10.0),
                ipp_value=_number(item, "ipp_value", field, 1.0),
                observation_type=_enum(
                    ObservationType,
                    item.get("observation_type", "NORMAL"),
                    f"{field}.observation_type",
                ),
                proposal=str(item.get("proposal", "")),
                is_staff=bool(item.get("is_staff", False)),
                name=str(item.get("name", "")),
            )
        )

    downtimes = []
    for index, item in enumerate(data.get("downtimes", [])):
        field = f"downtimes[{index}]"
        if type(item) is not dict and not isinstance(item, Mapping):
            raise ProblemFormatError(field, "expected an object")
        downtimes.append(
            Downtime(
                telescope_key=_get(item, "telescope_key", field, str),
                start_s=reader.time(item.get("start"), f"{field}.start"),
                end_s=reader.time(item.get("end"), f"{field}.end"),
                instrument_type=str(item.get("instrument_type", "all")),
                reason=str(item.get("reason", "")),
            )
        )
    fixed = []
    for index, item in enumerate(data.get("fixed", [])):
        field = f"fixed[{index}]"
        if type(item) is not dict and not isinstance(item, Mapping):
            raise ProblemFormatError(field, "expected an object")
        fixed.append(
            FixedObservation(
                telescope_key=_get(item, "telescope_key", field, str),
                start_s=reader.time(item.get("start"), f"{field}.start"),
                end_s=reader.time(item.get("end"), f"{field}.end"),
                request_id=item.get("request_id"),
                observation_id=item.get("observation_id"),
                observation_type=_enum(
                    ObservationType,
                    item.get("observation_type", "NORMAL"),
                    f"{field}.observation_type",
                ),
                can_complete=bool(item.get("can_complete", True)),
            )
        )
    try:
        return Problem(
            epoch=epoch,
            start_s=start_s,
            end_s=end_s,
            telescopes=tuple(telescopes),
            groups=tuple(groups),
            downtimes=tuple(downtimes),
            fixed=tuple(fixed),
            ignore_ipp=bool(data.get("ignore_ipp", False)),
            earliness_weight=_number(data, "earliness_weight", "$", 0.1),
        )
    except InvalidProblemError as error:  # a rule of the model: same field path
        raise ProblemFormatError(error.field, error.message) from None


def _pairs(intervals: Sequence[Interval]) -> list[list[int]]:
    return [[a, b] for a, b in intervals]


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The JSON document of ``problem`` (times as integer seconds from the epoch)."""
    return {
        "format": FORMAT,
        "epoch": _iso(problem.epoch),
        "start": problem.start_s,
        "end": problem.end_s,
        "ignore_ipp": problem.ignore_ipp,
        "earliness_weight": problem.earliness_weight,
        "telescopes": [
            {
                "key": t.key,
                "telescope_class": t.telescope_class,
                "instrument_types": sorted(t.instrument_types),
                "staff_instrument_types": sorted(t.staff_instrument_types),
                "online": t.online,
                "night": _pairs(t.night),
            }
            for t in problem.telescopes
        ],
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "proposal": g.proposal,
                "operator": g.operator.value,
                "observation_type": g.observation_type.value,
                "tac_priority": g.tac_priority,
                "ipp_value": g.ipp_value,
                "is_staff": g.is_staff,
                "requests": [
                    {
                        "id": r.id,
                        "duration_s": r.duration_s,
                        "state": r.state,
                        "windows": _pairs(r.windows),
                        "location": {
                            k: v
                            for k, v in (
                                ("telescope_class", r.location.telescope_class),
                                ("site", r.location.site),
                                ("enclosure", r.location.enclosure),
                                ("telescope", r.location.telescope),
                            )
                            if v is not None
                        },
                        "instrument_types": list(r.instrument_types),
                        "acceptability_threshold": r.acceptability_threshold,
                        **(
                            {}
                            if r.visibility is None
                            else {"visibility": {k: _pairs(v) for k, v in r.visibility.items()}}
                        ),
                    }
                    for r in g.requests
                ],
            }
            for g in problem.groups
        ],
        "downtimes": [
            {
                "telescope_key": d.telescope_key,
                "start": d.start_s,
                "end": d.end_s,
                "instrument_type": d.instrument_type,
                "reason": d.reason,
            }
            for d in problem.downtimes
        ],
        "fixed": [
            {
                "telescope_key": f.telescope_key,
                "start": f.start_s,
                "end": f.end_s,
                "request_id": f.request_id,
                "observation_id": f.observation_id,
                "observation_type": f.observation_type.value,
                "can_complete": f.can_complete,
            }
            for f in problem.fixed
        ],
    }


def _parse_json(raw: bytes) -> Any:
    """The JSON document in ``raw``: by orjson (a third faster on the large instances), or, for
    what orjson refuses, by the standard library, which also reads ``NaN`` and ``Infinity``
    (the model then names the field that holds them) and reports any real syntax error."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def load_problem(path: str | Path) -> Problem:
    """Read a problem file (``.json`` or ``.json.gz``), with the cyclic garbage collector paused
    (``gc_pause``: on 10,000 requests that takes reading from 1.0 to 0.4 s of CPU)."""
    path = Path(path)
    with gc_paused():
        try:
            raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            data = _parse_json(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ProblemFormatError("$", f"not valid JSON: {error}") from None
        del raw
        try:
            problem = problem_from_dict(data)
        finally:
            # freed while the collector is still paused: once it runs again, its first pass
            # walks every container still alive, and the document holds a million lists
            del data
    return problem


def dump_problem(problem: Problem, path: str | Path) -> None:
    """Write ``problem`` as compact JSON (gzip-compressed when the name ends in ``.gz``)."""
    path = Path(path)
    text = json.dumps(problem_to_dict(problem), separators=(",", ":"))
    if path.suffix == ".gz":
        with gzip.GzipFile(path, "wb", mtime=0) as handle:
            handle.write(text.encode("utf-8"))
    else:
        path.write_text(text + "\n", encoding="utf-8")


def schedule_to_dict(problem: Problem, schedule: Schedule) -> dict[str, Any]:
    """A JSON-ready summary of ``schedule`` with ISO start/end times."""
    return {
        "kernel": schedule.kernel,
        "status": schedule.status.value,
        "value": schedule.value,
        "objective": schedule.objective,
        "bound": schedule.bound,
        "gap": schedule.gap,
        "build_time_s": schedule.build_time_s,
        "solve_time_s": schedule.solve_time_s,
        "num_candidates": schedule.num_candidates,
        "message": schedule.message,
        "stats": dict(schedule.stats),
        "assignments": [
            {
                "request": a.request_id,
                "telescope": a.telescope_key,
                "start": _iso(problem.to_datetime(a.start_s)),
                "end": _iso(problem.to_datetime(a.end_s)),
                "priority": a.priority,
            }
            for a in schedule.assignments
        ],
    }
