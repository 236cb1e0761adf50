"""Target kinds (spec §2) and the portal-JSON conversion.

- :class:`SiderealTarget` — ICRS catalogue place with proper motion and parallax (D28: mas).
- :class:`HourAngleTarget`, :class:`SatelliteTarget` — static targets: observable whenever it is
  dark (spec §2.3, reference rule).
- Moving targets implement :class:`MovingTarget`: anything with
  ``geocentric_position_au(jd_tt) -> (N, 3)`` (astrometric geocentric, ICRS axes, light-time
  corrected, no aberration, au) and a ``sample_step_s``. The library does the rest (observer
  offset, aberration, precession-nutation, Earth rotation). Provided: :class:`OrbitalElementsTarget`
  (MPC/JPL elements, two-body), :class:`SolarSystemBodyTarget` (major planets, Sun, Moon from
  DE421) and :class:`EarthSatelliteTarget` (Earth satellite from a TLE, SGP4).
- :class:`UnobservableTarget` — what invalid orbital elements or unevaluated schemes become: no
  visibility, never an exception out of the interval functions (spec §2.2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from openocs.visibility.errors import ElementsError, TargetError

if TYPE_CHECKING:
    from openocs.visibility.orbits import OrbitalElements
    from openocs.visibility.satellites import TleTarget

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SiderealTarget:
    """ICRS place at ``epoch_jyear``; proper motion in RA is μα·cos δ (mas/yr on the sky)."""

    ra_deg: float
    dec_deg: float
    pm_ra_cosdec_mas_yr: float = 0.0
    pm_dec_mas_yr: float = 0.0
    parallax_mas: float = 0.0
    epoch_jyear: float = 2000.0
    name: str = ""

    def __post_init__(self) -> None:
        for field in (
            "ra_deg",
            "dec_deg",
            "pm_ra_cosdec_mas_yr",
            "pm_dec_mas_yr",
            "parallax_mas",
            "epoch_jyear",
        ):
            value = getattr(self, field)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise TargetError(f"{field} must be a finite number", field=field, value=value)
        if not -90.0 <= self.dec_deg <= 90.0:
            raise TargetError("dec_deg must be within −90..90", field="dec_deg", value=self.dec_deg)
        if self.parallax_mas < 0:
            raise TargetError(
                "parallax_mas must not be negative", field="parallax_mas", value=self.parallax_mas
            )


@dataclass(frozen=True, slots=True)
class HourAngleTarget:
    """A fixed hour angle (hours) and declination: static (observable whenever dark)."""

    hour_angle_hours: float
    dec_deg: float
    name: str = ""


@dataclass(frozen=True, slots=True)
class SatelliteTarget:
    """A fixed altitude/azimuth pointing (portal ``SATELLITE``): static."""

    altitude_deg: float
    azimuth_deg: float
    name: str = ""


@runtime_checkable
class MovingTarget(Protocol):
    """A body whose astrometric geocentric position the library can ask for."""

    @property
    def sample_step_s(self) -> float:
        """Grid spacing used to bracket edges (events closer than this may merge)."""
        ...

    def geocentric_position_au(self, jd_tt: FloatArray) -> FloatArray:
        """Astrometric geocentric position (N, 3), au, ICRS axes, no aberration."""
        ...


@dataclass(frozen=True, slots=True)
class OrbitalElementsTarget:
    """A minor planet, comet or major planet from osculating elements (two-body)."""

    elements: OrbitalElements
    sample_step_s: float = 1200.0

    def geocentric_position_au(self, jd_tt: FloatArray) -> FloatArray:
        from openocs.visibility import orbits

        return orbits.geocentric_position_au(self.elements, jd_tt)


@dataclass(frozen=True, slots=True)
class SolarSystemBodyTarget:
    """The Sun, the Moon or a major planet by name, from the bundled DE421 ephemeris."""

    body: str
    sample_step_s: float = 1200.0

    def __post_init__(self) -> None:
        from openocs.visibility import planets

        object.__setattr__(self, "body", planets.body_name(self.body))

    def geocentric_position_au(self, jd_tt: FloatArray) -> FloatArray:
        from openocs.visibility import planets

        return planets.geocentric_position_au(self.body, jd_tt)


@dataclass(frozen=True, slots=True)
class EarthSatelliteTarget:
    """An Earth satellite from a two-line element set (SGP4, :mod:`.satellites`).

    A new target type name, as spec §2.3 asks. The positions are geocentric; the library applies
    the observer's offset (topocentric parallax) and aberration as for any moving target (the
    annual-aberration term, about 20″, is below SGP4's own kilometre-level error).
    """

    tle: TleTarget
    sample_step_s: float = 20.0
    earth_bound: ClassVar[bool] = True

    def geocentric_position_au(self, jd_tt: FloatArray) -> FloatArray:
        from openocs.visibility import iers, satellites
        from openocs.visibility.timescales import JD_UNIX_EPOCH, SECONDS_PER_DAY

        unix_s = (np.asarray(jd_tt) - JD_UNIX_EPOCH) * SECONDS_PER_DAY - 69.184
        return satellites.geocentric_position_au(
            self.tle, jd_tt, ut1_minus_utc_s=iers.ut1_minus_utc_s(unix_s)
        )


@dataclass(frozen=True, slots=True)
class UnobservableTarget:
    """A target that can never be observed (invalid elements, unsupported scheme)."""

    reason: str
    field: str = ""


Target = (
    SiderealTarget
    | HourAngleTarget
    | SatelliteTarget
    | OrbitalElementsTarget
    | SolarSystemBodyTarget
    | EarthSatelliteTarget
    | UnobservableTarget
    | MovingTarget
)

STATIC_TARGETS = (HourAngleTarget, SatelliteTarget)


def _number(data: Mapping[str, Any], key: str, default: float | None = None) -> float:
    value = data.get(key)
    if value is None:
        if default is None:
            raise TargetError(f"target has no {key!r}", field=key, value=None)
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TargetError(f"{key} must be a number", field=key, value=value) from None
    if not math.isfinite(number):
        raise TargetError(f"{key} must be finite", field=key, value=value)
    return number


def target_from_portal(data: Mapping[str, Any]) -> Target:
    """Convert a portal target (``portal-api.md`` §3.9) to a library target.

    ``ICRS`` → :class:`SiderealTarget` (``parallax`` in mas, D28); ``ORBITAL_ELEMENTS`` →
    :class:`OrbitalElementsTarget`, or :class:`UnobservableTarget` when the elements are illegal;
    ``HOUR_ANGLE`` and ``SATELLITE`` → static targets. Missing or malformed fields raise
    :class:`TargetError` naming the field.
    """
    kind = str(data.get("type") or "").upper()
    if kind in ("ICRS", "SIDEREAL"):
        return SiderealTarget(
            ra_deg=_number(data, "ra"),
            dec_deg=_number(data, "dec"),
            pm_ra_cosdec_mas_yr=_number(data, "proper_motion_ra", 0.0),
            pm_dec_mas_yr=_number(data, "proper_motion_dec", 0.0),
            parallax_mas=_number(data, "parallax", 0.0),
            epoch_jyear=_number(data, "epoch", 2000.0),
            name=str(data.get("name") or ""),
        )
    if kind in ("ORBITAL_ELEMENTS", "NON_SIDEREAL"):
        from openocs.visibility import orbits

        try:
            elements = orbits.elements_from_portal(data)
        except ElementsError as error:
            return UnobservableTarget(reason=str(error), field=error.field)
        return OrbitalElementsTarget(elements=elements)
    if kind == "HOUR_ANGLE":
        return HourAngleTarget(
            hour_angle_hours=_number(data, "hour_angle"),
            dec_deg=_number(data, "dec"),
            name=str(data.get("name") or ""),
        )
    if kind == "SATELLITE":
        return SatelliteTarget(
            altitude_deg=_number(data, "altitude"),
            azimuth_deg=_number(data, "azimuth"),
            name=str(data.get("name") or ""),
        )
    raise TargetError(
        f"unknown target type {data.get('type')!r}", field="type", value=data.get("type")
    )
