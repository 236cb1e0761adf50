"""Which exposures a configuration takes, in order (``portal-api.md`` §3.5, §5).

An ordinary configuration takes each instrument config's ``exposure_count`` exposures once. A
REPEAT configuration (``REPEAT_EXPOSE``, ``REPEAT_SPECTRUM``, ``REPEAT_NRES_SPECTRUM`` — any type
containing ``REPEAT`` with a ``repeat_duration``) repeats that sequence for ``repeat_duration``
seconds: the whole first pass (the portal only accepts a repeat duration that holds one pass),
then exposure after exposure, passing over the instrument configs again and again, as long as
the next exposure still ends within the repeat duration.

Each exposure occupies the telescope for its exposure time plus the readout overhead of its mode
and the instrument type's fixed per-exposure overhead — what the portal's duration estimate
counts (§5.1) — so the plan is made in the telescope's own time and does not depend on how much
the demo shortens exposures: a shortened run takes exactly the frames a real-time run would.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from openocs.clients.site import SiteConfiguration
from openocs.simulator.network import InstrumentInfo

__all__ = ["MIN_EXPOSURE_DURATION_S", "ExposurePlan", "PlannedExposure", "plan_exposures"]

#: A REPEAT plan counts every exposure as at least this long, so that a configuration of
#: zero-second exposures on an instrument without overheads still has an end.
MIN_EXPOSURE_DURATION_S = 1.0


@dataclass(frozen=True)
class PlannedExposure:
    exposure_time_s: float
    filter_name: str
    duration_s: float
    """Exposure time + readout + per-exposure overhead: how long the telescope is busy."""
    repeat: int = 1
    """The pass over the instrument configs it belongs to (1-based; always 1 without REPEAT)."""


@dataclass(frozen=True)
class ExposurePlan:
    exposures: tuple[PlannedExposure, ...]
    repeat_duration_s: float | None = None
    """The configuration's repeat duration (None unless it is a REPEAT configuration)."""

    @property
    def is_repeat(self) -> bool:
        return self.repeat_duration_s is not None

    @property
    def pass_length(self) -> int:
        """How many exposures one pass over the instrument configs has."""
        return sum(1 for exposure in self.exposures if exposure.repeat == 1)

    def duration_s(self, count: int | None = None) -> float:
        """The telescope time of the first ``count`` exposures (all by default)."""
        chosen = self.exposures if count is None else self.exposures[:count]
        return sum(exposure.duration_s for exposure in chosen)

    def repeats_completed(self, count: int) -> int:
        """Whole passes over the instrument configs among the first ``count`` exposures."""
        return count // self.pass_length if self.pass_length else 0


def _filter_name(instrument_config: dict[str, Any]) -> str:
    elements = instrument_config.get("optical_elements") or {}
    return str(elements.get("filter") or next(iter(elements.values()), "air"))


def _one_pass(
    configuration: SiteConfiguration, instrument: InstrumentInfo
) -> list[PlannedExposure]:
    exposures = []
    for instrument_config in configuration.instrument_configs:
        count = int(instrument_config.get("exposure_count") or 1)
        exposure_time_s = float(instrument_config.get("exposure_time") or 0.0)
        duration_s = instrument.exposure_duration_s(exposure_time_s, instrument_config.get("mode"))
        exposure = PlannedExposure(exposure_time_s, _filter_name(instrument_config), duration_s)
        exposures.extend([exposure] * count)
    return exposures or [PlannedExposure(0.0, "air", instrument.exposure_duration_s(0.0, None))]


def plan_exposures(configuration: SiteConfiguration, instrument: InstrumentInfo) -> ExposurePlan:
    """The exposures of ``configuration`` on ``instrument``, in order (see the module text)."""
    one_pass = _one_pass(configuration, instrument)
    if not configuration.is_repeat or configuration.repeat_duration is None:
        return ExposurePlan(tuple(one_pass))
    budget_s = max(configuration.repeat_duration, 0.0)
    planned = list(one_pass)
    used_s = sum(max(e.duration_s, MIN_EXPOSURE_DURATION_S) for e in one_pass)
    repeat = 2
    while True:
        for exposure in one_pass:
            step_s = max(exposure.duration_s, MIN_EXPOSURE_DURATION_S)
            if used_s + step_s > budget_s:
                return ExposurePlan(tuple(planned), repeat_duration_s=budget_s)
            used_s += step_s
            planned.append(replace(exposure, repeat=repeat))
        repeat += 1
