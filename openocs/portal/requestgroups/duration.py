"""Duration estimation of configurations, requests and request groups (``portal-api.md`` §5).

All durations are seconds. The functions take the request language's JSON shapes (dicts, as
validated) and the per-instrument-type overheads of :mod:`.overheads`; they have no Django in
them so the portal, the scheduler and tests share one implementation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from openocs.portal.requestgroups.overheads import InstrumentTypeOverheads

JSON = Mapping[str, Any]

_JULIAN_YEAR_DAYS = 365.25
_J2000 = datetime(2000, 1, 1, 12, tzinfo=UTC)
_ARCSEC_PER_DEG = 3600.0
_MAS_PER_DEG = 3.6e6


class UnknownInstrumentTypeError(KeyError):
    """A configuration names an instrument type the configuration database does not know."""

    def __init__(self, instrument_type: str) -> None:
        super().__init__(instrument_type)
        self.instrument_type = instrument_type


def _number(value: Any, default: float = 0.0) -> float:
    return default if value is None or value == "" else float(value)


def _overheads_for(
    instrument_type: str, overheads: Mapping[str, InstrumentTypeOverheads]
) -> InstrumentTypeOverheads:
    try:
        return overheads[instrument_type.upper()]
    except KeyError:
        raise UnknownInstrumentTypeError(instrument_type) from None


def per_exposure_s(instrument_config: JSON, overheads: InstrumentTypeOverheads) -> float:
    """Exposure time + readout overhead of its mode + the type's fixed per-exposure overhead."""
    return (
        _number(instrument_config.get("exposure_time"))
        + overheads.readout_overhead_s(instrument_config.get("mode"))
        + overheads.fixed_overhead_per_exposure_s
    )


def instrument_config_duration_s(
    instrument_config: JSON, overheads: InstrumentTypeOverheads
) -> float:
    """``exposure_count × per_exposure`` (§5.1)."""
    count = int(_number(instrument_config.get("exposure_count"), 1.0))
    return count * per_exposure_s(instrument_config, overheads)


def configuration_duration_s(configuration: JSON, overheads: InstrumentTypeOverheads) -> float:
    """The configuration's own duration (§5.2): ``repeat_duration`` for a REPEAT type, else the
    sum of its instrument configs plus the type's ``config_front_padding``."""
    repeat_duration = configuration.get("repeat_duration")
    if "REPEAT" in str(configuration.get("type", "")).upper() and repeat_duration is not None:
        return _number(repeat_duration)
    total = sum(
        instrument_config_duration_s(ic, overheads)
        for ic in configuration.get("instrument_configs", [])
    )
    return total + overheads.config_front_padding_s


def _epoch_datetime(epoch_jyear: float) -> datetime:
    from datetime import timedelta

    return _J2000 + timedelta(days=(epoch_jyear - 2000.0) * _JULIAN_YEAR_DAYS)


def _icrs_position_deg(target: JSON, when: datetime | None) -> tuple[float, float]:
    """RA/Dec in degrees with proper motion applied from the target's epoch to ``when``."""
    ra_deg = _number(target.get("ra"))
    dec_deg = _number(target.get("dec"))
    if when is None:
        return ra_deg, dec_deg
    years = (when - _epoch_datetime(_number(target.get("epoch"), 2000.0))).days / _JULIAN_YEAR_DAYS
    cos_dec = math.cos(math.radians(dec_deg))
    pm_ra_deg_yr = _number(target.get("proper_motion_ra")) / _MAS_PER_DEG
    if cos_dec > 1e-12:
        ra_deg += pm_ra_deg_yr / cos_dec * years
    dec_deg += _number(target.get("proper_motion_dec")) / _MAS_PER_DEG * years
    return ra_deg % 360.0, max(-90.0, min(90.0, dec_deg))


def angular_separation_arcsec(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (ra, dec) positions in degrees (Vincenty formula)."""
    ra1, dec1 = map(math.radians, a)
    ra2, dec2 = map(math.radians, b)
    delta = ra2 - ra1
    numerator = math.hypot(
        math.cos(dec2) * math.sin(delta),
        math.cos(dec1) * math.sin(dec2) - math.sin(dec1) * math.cos(dec2) * math.cos(delta),
    )
    denominator = math.sin(dec1) * math.sin(dec2) + math.cos(dec1) * math.cos(dec2) * math.cos(
        delta
    )
    return math.degrees(math.atan2(numerator, denominator)) * _ARCSEC_PER_DEG


def _is_icrs(target: JSON | None) -> bool:
    return target is not None and str(target.get("type", "")).upper() == "ICRS"


def slew_overhead_s(
    previous_target: JSON | None,
    target: JSON,
    overheads: InstrumentTypeOverheads,
    when: datetime | None,
) -> float:
    """Slew from the previous configuration's target (§5.3 step 4)."""
    if previous_target is None or not _is_icrs(previous_target) or not _is_icrs(target):
        return overheads.maximum_slew_overhead_s
    first = _icrs_position_deg(previous_target, when)
    second = _icrs_position_deg(target, when)
    if first == second:
        return 0.0
    slew = angular_separation_arcsec(first, second) * overheads.slew_rate_s_per_arcsec
    return min(max(slew, overheads.minimum_slew_overhead_s), overheads.maximum_slew_overhead_s)


def _lower_elements(instrument_config: JSON) -> dict[str, str]:
    elements = instrument_config.get("optical_elements") or {}
    return {str(key).lower(): str(value).lower() for key, value in elements.items()}


@dataclass
class _Walk:
    """What the walk over configurations remembers from the previous configuration."""

    instrument_type: str = ""
    configuration_type: str = ""
    target: JSON | None = None
    optical_elements: dict[str, str] | None = None


def _earliest_window_start(request: JSON) -> datetime | None:
    starts = []
    for window in request.get("windows", []):
        start = window.get("start")
        if isinstance(start, str):
            start = datetime.fromisoformat(start.replace("Z", "+00:00"))
        if isinstance(start, datetime):
            starts.append(start if start.tzinfo else start.replace(tzinfo=UTC))
    return min(starts) if starts else None


def _configurations_in_order(request: JSON) -> list[JSON]:
    configurations = list(request.get("configurations", []))
    if all(c.get("priority") is not None for c in configurations):
        configurations.sort(key=lambda c: int(c["priority"]))
    return configurations


def _configuration_step_s(
    configuration: JSON, overheads: InstrumentTypeOverheads, walk: _Walk, when: datetime | None
) -> float:
    """Steps 1–7 of §5.3 for one configuration; advances ``walk``."""
    instrument_type = str(configuration.get("instrument_type", "")).upper()
    configuration_type = str(configuration.get("type", "")).upper()
    duration = configuration_duration_s(configuration, overheads)
    if instrument_type != walk.instrument_type:
        duration += overheads.instrument_change_overhead_s
    for instrument_config in configuration.get("instrument_configs", []):
        elements = _lower_elements(instrument_config)
        previous = walk.optical_elements
        changed = [
            key for key, value in elements.items() if previous is None or previous.get(key) != value
        ]
        duration += max(
            (overheads.element_change_overheads_s.get(key, 0.0) for key in changed), default=0.0
        )
        walk.optical_elements = elements
    target = configuration.get("target") or {}
    duration += slew_overhead_s(walk.target, target, overheads, when)
    acquisition = configuration.get("acquisition_config") or {}
    acquisition_mode = str(acquisition.get("mode") or "OFF")
    acquisition_overhead = overheads.mode_overhead_s("acquisition", acquisition_mode)
    if acquisition_mode.upper() != "OFF" and acquisition_overhead is not None:
        exposure = _number(acquisition.get("exposure_time"))
        duration += acquisition_overhead + (exposure or overheads.acquire_exposure_time_s)
    guiding = configuration.get("guiding_config") or {}
    guiding_mode = str(guiding.get("mode") or "OFF")
    guiding_overhead = overheads.mode_overhead_s("guiding", guiding_mode)
    optional = guiding.get("optional", True)
    if guiding_mode.upper() != "OFF" and not optional and guiding_overhead is not None:
        duration += guiding_overhead
    if configuration_type != walk.configuration_type:
        duration += overheads.config_change_overheads_s.get(configuration_type, 0.0)
    walk.instrument_type = instrument_type
    walk.configuration_type = configuration_type
    walk.target = target
    return duration


def request_duration_by_instrument_type_s(
    request: JSON, overheads: Mapping[str, InstrumentTypeOverheads]
) -> dict[str, float]:
    """The request's duration per (upper-case) instrument type, unrounded (§5.3).

    These buckets are what time accounting charges; :func:`request_duration_s` is their
    rounded-up sum.
    """
    walk = _Walk()
    when = _earliest_window_start(request)
    buckets: dict[str, float] = {}
    for configuration in _configurations_in_order(request):
        type_overheads = _overheads_for(str(configuration.get("instrument_type", "")), overheads)
        step = _configuration_step_s(configuration, type_overheads, walk, when)
        buckets[type_overheads.code] = buckets.get(type_overheads.code, 0.0) + step
    repeats = int(_number(request.get("configuration_repeats"), 1.0))
    buckets = {code: value * repeats for code, value in buckets.items()}
    total = sum(buckets.values())
    for code in list(buckets):
        padding = overheads[code].observation_front_padding_s
        share = buckets[code] / total if total > 0 else 1.0 / len(buckets)
        buckets[code] += share * padding
    return buckets


def request_duration_s(request: JSON, overheads: Mapping[str, InstrumentTypeOverheads]) -> int:
    """The request's duration in whole seconds: ``ceil`` of the sum of its buckets (§5.3)."""
    return math.ceil(sum(request_duration_by_instrument_type_s(request, overheads).values()))


def group_duration_by_instrument_type_s(
    requests: Sequence[JSON], overheads: Mapping[str, InstrumentTypeOverheads]
) -> dict[str, float]:
    """A group's duration per instrument type: the **sum** over its requests (D5)."""
    totals: dict[str, float] = {}
    for request in requests:
        for code, value in request_duration_by_instrument_type_s(request, overheads).items():
            totals[code] = totals.get(code, 0.0) + value
    return totals
