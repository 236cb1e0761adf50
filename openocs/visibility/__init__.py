"""openocs.visibility — when can a target be observed from a telescope?

A pure library (numpy + pyerfa + astropy-iers-data + jplephem/de421; no Django, no astropy at
run time). See ``docs/visibility.md`` and ``shared/spec/visibility.md``.

Conventions
-----------
- Times are timezone-aware UTC datetimes at the edges (naive ones are read as UTC).
- Altitudes are **geometric** topocentric altitudes of the centre (pressure 0). Refraction is
  folded into the thresholds: Sun −50′ (sunrise/sunset), −6°/−12°/−18° (civil/nautical/
  astronomical), Moon −34′ − semi-diameter, target −34′ at horizon 0 without airmass limit,
  otherwise the effective horizon max(horizon, 90° − arccos(1/X)).
- Airmass is the plane-parallel secant ``1/sin h`` of the geometric altitude, for the curves and
  the limit alike (99.0 for h ≤ 0.5°).
- Apparent places: IAU 2006/2000A (ERFA), UT1 and polar motion from the IERS tables of
  ``astropy-iers-data``; Sun and Moon from JPL DE421.
- Intervals are sorted, coalesced, half-open and clipped; a sky fact is ``[]`` or the whole window.
"""

from __future__ import annotations

from openocs.visibility.constraints import (
    Constraints,
    Twilight,
    airmass_altitude_deg,
    airmass_from_altitude,
    effective_horizon_deg,
)
from openocs.visibility.errors import (
    ConfigurationError,
    ElementsError,
    EphemerisError,
    TargetError,
    TimeError,
    TleError,
    VisibilityError,
)
from openocs.visibility.observability import (
    DayFractions,
    RiseTransitSet,
    airmass_at_times,
    altitude_at_times,
    angular_distance_deg,
    apparent_ra_dec_deg,
    approximate_day_fractions,
    dark_intervals,
    largest_interval,
    moon_altitude_deg,
    moon_illumination,
    observable_intervals,
    observable_intervals_batch,
    rise_transit_set,
    sun_altitude_deg,
)
from openocs.visibility.site import Site
from openocs.visibility.targets import (
    EarthSatelliteTarget,
    HourAngleTarget,
    MovingTarget,
    OrbitalElementsTarget,
    SatelliteTarget,
    SiderealTarget,
    SolarSystemBodyTarget,
    Target,
    UnobservableTarget,
    target_from_portal,
)

__all__ = [
    "ConfigurationError",
    "Constraints",
    "DayFractions",
    "EarthSatelliteTarget",
    "ElementsError",
    "EphemerisError",
    "HourAngleTarget",
    "MovingTarget",
    "OrbitalElementsTarget",
    "RiseTransitSet",
    "SatelliteTarget",
    "SiderealTarget",
    "Site",
    "SolarSystemBodyTarget",
    "Target",
    "TargetError",
    "TimeError",
    "TleError",
    "Twilight",
    "UnobservableTarget",
    "VisibilityError",
    "airmass_altitude_deg",
    "airmass_at_times",
    "airmass_from_altitude",
    "altitude_at_times",
    "angular_distance_deg",
    "apparent_ra_dec_deg",
    "approximate_day_fractions",
    "dark_intervals",
    "effective_horizon_deg",
    "largest_interval",
    "moon_altitude_deg",
    "moon_illumination",
    "observable_intervals",
    "observable_intervals_batch",
    "rise_transit_set",
    "sun_altitude_deg",
    "target_from_portal",
]
