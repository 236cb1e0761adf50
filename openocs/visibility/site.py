"""Observing sites (spec §1): geodetic position and the telescope's pointing limits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from openocs.visibility.errors import ConfigurationError

SAME_SKY_DEG = 0.001
"""Telescopes closer than this in latitude and longitude share one sky (:meth:`Site.same_sky_as`):
0.001° moves a rise or set by at most 0.24 s (one second of Earth rotation is 0.0042°)."""
SAME_SKY_ELEVATION_M = 50.0


@dataclass(frozen=True, slots=True)
class Site:
    """A telescope on the WGS84 ellipsoid and its limits.

    ``longitude_deg`` is east-positive (−180..180). Hour-angle limits are in **hours**
    (``ha_limit_neg_hours`` in −12..0, ``ha_limit_pos_hours`` in 0..12, configdb convention);
    ``zenith_blind_spot_deg`` in 0..180 excludes altitudes above ``90 − zenith_blind_spot_deg``.
    Out-of-range values raise :class:`~openocs.visibility.errors.ConfigurationError`.
    """

    latitude_deg: float
    longitude_deg: float
    elevation_m: float = 0.0
    horizon_deg: float = 0.0
    ha_limit_neg_hours: float = -12.0
    ha_limit_pos_hours: float = 12.0
    zenith_blind_spot_deg: float = 0.0

    def __post_init__(self) -> None:
        checks: tuple[tuple[str, float, float, float], ...] = (
            ("latitude_deg", self.latitude_deg, -90.0, 90.0),
            ("longitude_deg", self.longitude_deg, -180.0, 180.0),
            ("elevation_m", self.elevation_m, -500.0, 10_000.0),
            ("horizon_deg", self.horizon_deg, 0.0, 90.0),
            ("ha_limit_neg_hours", self.ha_limit_neg_hours, -12.0, 0.0),
            ("ha_limit_pos_hours", self.ha_limit_pos_hours, 0.0, 12.0),
            ("zenith_blind_spot_deg", self.zenith_blind_spot_deg, 0.0, 180.0),
        )
        for field, value, low, high in checks:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigurationError(f"{field} must be a number", field=field, value=value)
            if not (math.isfinite(value) and low <= value <= high):
                raise ConfigurationError(
                    f"{field}={value!r} is outside {low}..{high}", field=field, value=value
                )

    def same_sky_as(self, other: Site) -> bool:
        """Whether intervals computed for ``other`` serve for this site: the same limits and a
        position within :data:`SAME_SKY_DEG` (and :data:`SAME_SKY_ELEVATION_M`). The telescopes
        of one observatory sit metres apart and each has its own coordinates; computing their
        sky once changes no edge by more than a quarter of a second."""
        return (
            abs(self.latitude_deg - other.latitude_deg) < SAME_SKY_DEG
            and abs((self.longitude_deg - other.longitude_deg + 180.0) % 360.0 - 180.0)
            < SAME_SKY_DEG
            and abs(self.elevation_m - other.elevation_m) < SAME_SKY_ELEVATION_M
            and self.horizon_deg == other.horizon_deg
            and self.ha_limit_neg_hours == other.ha_limit_neg_hours
            and self.ha_limit_pos_hours == other.ha_limit_pos_hours
            and self.zenith_blind_spot_deg == other.zenith_blind_spot_deg
        )

    @property
    def ha_window_hours(self) -> tuple[float, float]:
        """(lo, hi) allowed hour angle, with the configdb convention for southern sites (§4.2)."""
        if self.latitude_deg < 0:
            return -self.ha_limit_pos_hours, -self.ha_limit_neg_hours
        return self.ha_limit_neg_hours, self.ha_limit_pos_hours

    @classmethod
    def from_configdb(cls, telescope: dict[str, Any]) -> Site:
        """Build a site from a configdb telescope record (``lat``, ``long``, ``horizon`` …).

        Missing hour-angle limits raise :class:`ConfigurationError` naming the field (B14).
        """
        names = {
            "lat": "latitude_deg",
            "long": "longitude_deg",
            "ha_limit_neg": "ha_limit_neg_hours",
            "ha_limit_pos": "ha_limit_pos_hours",
        }
        for key, field in names.items():
            if telescope.get(key) is None:
                raise ConfigurationError(f"telescope has no {key!r}", field=field, value=None)
        return cls(
            latitude_deg=float(telescope["lat"]),
            longitude_deg=float(telescope["long"]),
            elevation_m=float(telescope.get("elevation", 0.0) or 0.0),
            horizon_deg=float(telescope.get("horizon", 0.0) or 0.0),
            ha_limit_neg_hours=float(telescope["ha_limit_neg"]),
            ha_limit_pos_hours=float(telescope["ha_limit_pos"]),
            zenith_blind_spot_deg=float(telescope.get("zenith_blind_spot", 0.0) or 0.0),
        )
