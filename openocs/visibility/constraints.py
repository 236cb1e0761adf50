"""Observing constraints, twilight thresholds and the one airmass formula (spec §3–§5).

Altitudes are geometric (no refraction). Thresholds carry the refraction convention:

===================  ============================================================
event                threshold (geometric altitude of the centre)
===================  ============================================================
sunrise / sunset     −50′ (34′ refraction + 16′ semi-diameter)
civil / nautical     −6° / −12°
astronomical         −18°
Moon up              −34′ − apparent (topocentric) semi-diameter
target, horizon 0    −34′ (refraction only), when there is no airmass limit
otherwise            the effective horizon max(horizon, 90° − arccos(1/X)) itself
===================  ============================================================

Airmass is the plane-parallel secant of the geometric altitude, ``X = 1/sin h``, reported as
99.0 for ``h ≤ 0.5°``; the airmass limit uses the same formula (D27).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from openocs.visibility.errors import ConfigurationError

FloatArray = npt.NDArray[np.float64]

Twilight = Literal["sunrise", "sunset", "civil", "nautical", "astronomical"]

TWILIGHT_ALTITUDE_DEG: Final[dict[str, float]] = {
    "sunrise": -50.0 / 60.0,
    "sunset": -50.0 / 60.0,
    "civil": -6.0,
    "nautical": -12.0,
    "astronomical": -18.0,
}
REFRACTION_AT_HORIZON_DEG: Final = 34.0 / 60.0
AIRMASS_FLOOR_ALTITUDE_DEG: Final = 0.5
AIRMASS_CEILING: Final = 99.0


def twilight_altitude_deg(twilight: str) -> float:
    """Sun-centre threshold altitude of a twilight name."""
    try:
        return TWILIGHT_ALTITUDE_DEG[twilight]
    except KeyError:
        raise ConfigurationError(
            f"unknown twilight {twilight!r}; expected one of {sorted(TWILIGHT_ALTITUDE_DEG)}",
            field="twilight",
            value=twilight,
        ) from None


def airmass_altitude_deg(max_airmass: float) -> float:
    """Geometric altitude where the plane-parallel airmass equals ``max_airmass``."""
    return 90.0 - math.degrees(math.acos(1.0 / max_airmass))


def effective_horizon_deg(horizon_deg: float, max_airmass: float | None) -> float:
    """max(horizon, h_airmass(max_airmass)) (spec §4.1, B9)."""
    if max_airmass is None:
        return horizon_deg
    return max(horizon_deg, airmass_altitude_deg(max_airmass))


def target_threshold_deg(horizon_deg: float, max_airmass: float | None) -> float:
    """The altitude a target must exceed: −34′ for horizon 0 without airmass limit (§3)."""
    effective = effective_horizon_deg(horizon_deg, max_airmass)
    if effective == 0.0:
        return -REFRACTION_AT_HORIZON_DEG
    return effective


def airmass_from_altitude(altitude_deg: npt.ArrayLike) -> FloatArray:
    """Plane-parallel airmass 1/sin h; 99.0 where h ≤ 0.5°."""
    h = np.asarray(altitude_deg, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = 1.0 / np.sin(np.radians(h))
    return np.asarray(np.where(h <= AIRMASS_FLOOR_ALTITUDE_DEG, AIRMASS_CEILING, x))


@dataclass(frozen=True, slots=True)
class Constraints:
    """Per-request constraints (portal ``constraints`` plus the twilight choice).

    ``None`` (or a value that makes the check vacuous: Moon distance ≤ 0.5°, Moon phase ≥ 0.99)
    skips a check, as the reference does.
    """

    max_airmass: float | None = None
    min_lunar_distance_deg: float | None = None
    max_lunar_phase: float | None = None
    twilight: Twilight = "nautical"

    def __post_init__(self) -> None:
        twilight_altitude_deg(self.twilight)
        if self.max_airmass is not None and not (
            math.isfinite(self.max_airmass) and self.max_airmass >= 1.0
        ):
            raise ConfigurationError(
                "max_airmass must be ≥ 1", field="max_airmass", value=self.max_airmass
            )
        if self.min_lunar_distance_deg is not None and not (
            0.0 <= self.min_lunar_distance_deg <= 180.0
        ):
            raise ConfigurationError(
                "min_lunar_distance_deg must be within 0..180",
                field="min_lunar_distance_deg",
                value=self.min_lunar_distance_deg,
            )
        if self.max_lunar_phase is not None and not 0.0 <= self.max_lunar_phase <= 1.0:
            raise ConfigurationError(
                "max_lunar_phase must be within 0..1",
                field="max_lunar_phase",
                value=self.max_lunar_phase,
            )

    @property
    def checks_moon_distance(self) -> bool:
        return self.min_lunar_distance_deg is not None and self.min_lunar_distance_deg > 0.5

    @property
    def checks_moon_phase(self) -> bool:
        return self.max_lunar_phase is not None and self.max_lunar_phase < 0.99
