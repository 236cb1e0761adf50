"""Small builders for scheduling problems used by the tests (times in hours from the epoch)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import count

from openocs.scheduler.model import (
    Downtime,
    FixedObservation,
    GroupOperator,
    Location,
    ObservationType,
    Problem,
    Request,
    RequestGroup,
    Telescope,
)

EPOCH = datetime(2030, 1, 1, tzinfo=UTC)
HOUR = 3600
_ids = count(1000)


def hours(*spans: tuple[float, float]) -> tuple[tuple[int, int], ...]:
    return tuple((round(a * HOUR), round(b * HOUR)) for a, b in spans)


def telescope(
    key: str = "1m0a.doma.lsc",
    *,
    night: Sequence[tuple[float, float]] = ((0, 10),),
    instrument_types: Sequence[str] = ("1M0-SCICAM-SINISTRO",),
    online: bool = True,
    telescope_class: str = "1m0",
) -> Telescope:
    return Telescope(
        key=key,
        telescope_class=telescope_class,
        instrument_types=frozenset(instrument_types),
        online=online,
        night=hours(*night),
    )


def request(
    *,
    duration_h: float = 1.0,
    windows: Sequence[tuple[float, float]] = ((0, 10),),
    instrument_type: str = "1M0-SCICAM-SINISTRO",
    instrument_types: Sequence[str] | None = None,
    telescope_class: str = "1m0",
    site: str | None = None,
    request_id: int | None = None,
    visibility: dict[str, Sequence[tuple[float, float]]] | None = None,
) -> Request:
    return Request(
        id=next(_ids) if request_id is None else request_id,
        duration_s=round(duration_h * HOUR),
        windows=hours(*windows),
        location=Location(telescope_class=telescope_class, site=site),
        instrument_types=tuple(instrument_types or (instrument_type,)),
        visibility=None if visibility is None else {k: hours(*v) for k, v in visibility.items()},
    )


def group(
    *requests: Request,
    operator: GroupOperator = GroupOperator.SINGLE,
    tac_priority: float = 10.0,
    ipp_value: float = 1.0,
    observation_type: ObservationType = ObservationType.NORMAL,
    group_id: int | None = None,
) -> RequestGroup:
    if operator is GroupOperator.SINGLE and len(requests) > 1:
        operator = GroupOperator.MANY
    return RequestGroup(
        id=next(_ids) if group_id is None else group_id,
        operator=operator,
        requests=tuple(requests),
        tac_priority=tac_priority,
        ipp_value=ipp_value,
        observation_type=observation_type,
    )


def problem(
    groups: Sequence[RequestGroup],
    telescopes: Sequence[Telescope] | None = None,
    *,
    start_h: float = 0.0,
    end_h: float = 24.0,
    downtimes: Sequence[Downtime] = (),
    fixed: Sequence[FixedObservation] = (),
) -> Problem:
    return Problem(
        epoch=EPOCH,
        start_s=round(start_h * HOUR),
        end_s=round(end_h * HOUR),
        telescopes=tuple(telescopes or (telescope(),)),
        groups=tuple(groups),
        downtimes=tuple(downtimes),
        fixed=tuple(fixed),
    )
