"""Positions of the Sun, the Moon and the major planets from the JPL DE421 ephemeris.

The ephemeris ships inside the ``de421`` package (Chebyshev coefficients as ``.npy`` arrays, ICRF
axes, kilometres, TDB) and is read with ``jplephem`` — offline, no download. Positions come back
as **astrometric geocentric** vectors in au along the ICRS axes: light-time corrected (the body
where it was when the light left it, the geocentre where it is when the light arrives), with no
aberration and no light deflection, so that the apparent-place pipeline can add those once for
every kind of target.

Conventions and approximations (all far below one arcsecond):

- The input times are TT Julian dates. TDB is taken as TT plus the two leading periodic terms of
  TDB − TT (amplitude 1.7 ms); the residual (< 30 µs) moves the Earth by less than a metre.
- Mars to Pluto are the **system barycentres** that the exported DE421 tables carry, not the
  planet centres: the offset is below 0.1″ seen from the Earth (about 0.07″ for Jupiter, 0.05″
  for Saturn, 0.1″ for Pluto–Charon).
- Kilometres are converted with the IAU 2012 astronomical unit (149 597 870.7 km).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Final

import de421
import numpy as np
import numpy.typing as npt
from jplephem.ephem import Ephemeris

from openocs.visibility.errors import EphemerisError

__all__ = [
    "AU_KM",
    "BODY_NAMES",
    "PERTURBERS",
    "SPEED_OF_LIGHT_AU_PER_DAY",
    "EphemerisCoverage",
    "barycentric_position_au",
    "body_name",
    "earth_barycentric_position_au",
    "ephemeris_coverage",
    "geocentric_position_au",
    "gravitational_parameters_au3_per_day2",
    "heliocentric_perturber_positions_au",
    "require_coverage",
    "sun_barycentric_position_au",
    "tdb_minus_tt_days",
]

FloatArray = npt.NDArray[np.float64]

AU_KM: Final = 149_597_870.7
"""The astronomical unit in kilometres (IAU 2012 Resolution B2)."""

SPEED_OF_LIGHT_AU_PER_DAY: Final = 299_792.458 * 86_400.0 / AU_KM
"""The speed of light, about 173.1446 au per day."""

BODY_NAMES: Final = (
    "sun",
    "mercury",
    "venus",
    "earth",
    "moon",
    "mars",
    "jupiter",
    "saturn",
    "uranus",
    "neptune",
    "pluto",
)
"""The body names this module accepts (case-insensitive)."""

_ALIASES: Final = {"luna": "moon", "sol": "sun"}

_SECONDS_PER_DAY: Final = 86_400.0
_LIGHT_TIME_ITERATIONS: Final = 2


@dataclass(frozen=True, slots=True)
class EphemerisCoverage:
    """The span of the bundled ephemeris (TDB Julian dates and the matching UTC-ish dates)."""

    name: str
    first_jd_tdb: float
    last_jd_tdb: float

    @property
    def first(self) -> dt.datetime:
        """First covered instant (TDB read as UTC: the 69 s difference is irrelevant here)."""
        return _jd_to_datetime(self.first_jd_tdb)

    @property
    def last(self) -> dt.datetime:
        """Last covered instant (TDB read as UTC)."""
        return _jd_to_datetime(self.last_jd_tdb)


def _jd_to_datetime(jd: float) -> dt.datetime:
    epoch = dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC)
    return epoch + dt.timedelta(days=jd - 2_451_545.0)


@functools.cache
def _ephemeris() -> Any:
    """Load the DE421 tables once (lazily, about 2 ms per body on first use)."""
    return Ephemeris(de421)


@functools.cache
def ephemeris_coverage() -> EphemerisCoverage:
    """Return the name and date coverage of the bundled JPL ephemeris."""
    eph = _ephemeris()
    return EphemerisCoverage(
        name="JPL DE421 (de421 package)",
        first_jd_tdb=float(eph.jalpha),
        last_jd_tdb=float(eph.jomega),
    )


def body_name(name: str) -> str:
    """Return the canonical lower-case name of a body, or raise naming the valid ones."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in BODY_NAMES:
        raise EphemerisError(
            f"Unknown solar-system body {name!r}: expected one of {', '.join(BODY_NAMES)}.",
            body=name,
            valid=BODY_NAMES,
        )
    return key


def tdb_minus_tt_days(jd_tt: npt.ArrayLike) -> FloatArray:
    """TDB − TT in days from its two leading periodic terms (error below 30 µs)."""
    jd = np.asarray(jd_tt, dtype=np.float64)
    g = np.deg2rad(357.53 + 0.98560028 * (jd - 2_451_545.0))
    seconds = 0.001657 * np.sin(g) + 0.000014 * np.sin(2.0 * g)
    return np.asarray(seconds / _SECONDS_PER_DAY, dtype=np.float64)


def _as_times(jd: npt.ArrayLike) -> FloatArray:
    times = np.asarray(jd, dtype=np.float64)
    if times.ndim > 1:
        raise ValueError(f"times must be a scalar or a 1-D array, got shape {times.shape}")
    return np.atleast_1d(times)


def _check_coverage(body: str, jd_tdb: FloatArray) -> None:
    if not jd_tdb.size:
        return
    coverage = ephemeris_coverage()
    first, last = float(jd_tdb.min()), float(jd_tdb.max())
    if coverage.first_jd_tdb <= first and last <= coverage.last_jd_tdb:
        return  # also False for NaN, which falls through to the errors below
    if not np.isfinite(jd_tdb).all():
        raise EphemerisError(
            f"Times for {body} must be finite Julian dates.",
            body=body,
            coverage_jd_tdb=(coverage.first_jd_tdb, coverage.last_jd_tdb),
        )
    raise EphemerisError(
        f"{coverage.name} covers {coverage.first:%Y-%m-%d} to {coverage.last:%Y-%m-%d} "
        f"(JD {coverage.first_jd_tdb} to {coverage.last_jd_tdb}); {body} was asked for "
        f"JD {first:.1f} to {last:.1f}.",
        body=body,
        coverage_jd_tdb=(coverage.first_jd_tdb, coverage.last_jd_tdb),
    )


def require_coverage(jd_tdb: npt.ArrayLike, *, body: str = "the ephemeris") -> None:
    """Raise :class:`EphemerisError` unless every TDB date lies inside the DE421 coverage."""
    _check_coverage(body, _as_times(jd_tdb))


_ORDERS: Final = np.arange(32, dtype=np.float64)


@functools.cache
@functools.cache
def _coefficients(series: str) -> tuple[FloatArray, float, float]:
    """(Chebyshev coefficients (sets, 3, terms) in km, first JD, days per set) of a series.

    The table is memory-mapped, not read: a call touches only the few records it needs, so the
    first call of a process does not read the 13 MB of the Sun, Moon and Earth series.
    """
    eph = _ephemeris()
    mapped = np.load(eph.path(f"jpl-{series}.npy"), mmap_mode="r")
    if mapped.dtype == np.float64 and mapped.flags.c_contiguous:
        coefficients: FloatArray = np.asarray(mapped)
    else:  # pragma: no cover - the de421 package ships C-ordered float64 tables
        coefficients = np.ascontiguousarray(mapped, dtype=np.float64)
    days_per_set = (float(eph.jomega) - float(eph.jalpha)) / coefficients.shape[0]
    return coefficients, float(eph.jalpha), days_per_set


def _series_km(
    series: str, jd_tdb: FloatArray, before_days: FloatArray | None = None
) -> FloatArray:
    """One DE421 series at the given TDB dates, shape (N, 3), kilometres.

    The coefficients are loaded by ``jplephem``; the Chebyshev sums are evaluated here with
    less per-call overhead than ``jplephem.ephem`` (this runs inside root-finding loops), and
    agree with it to a few millimetres (tested).
    """
    coefficients, first_jd, days_per_set = _coefficients(series)
    elapsed = jd_tdb - first_jd
    if before_days is not None:
        elapsed = elapsed - before_days  # kept apart: a JD resolves only 40 µs
    position = elapsed / days_per_set
    index = np.minimum(position.astype(np.intp), coefficients.shape[0] - 1)
    t = np.minimum(np.maximum(2.0 * (position - index) - 1.0, -1.0), 1.0)
    # T_k(t) = cos(k·arccos t): one vectorised call instead of the recurrence (error < 1e-13).
    chebyshev = np.cos(np.multiply.outer(np.arccos(t), _ORDERS[: coefficients.shape[2]]))
    return np.asarray(np.einsum("nak,nk->na", coefficients[index], chebyshev), dtype=np.float64)


def _barycentric_km(
    body: str, jd_tdb: FloatArray, before_days: FloatArray | None = None
) -> FloatArray:
    eph = _ephemeris()
    if body in ("earth", "moon"):
        emb = _series_km("earthmoon", jd_tdb, before_days)
        moon_geocentric = _series_km("moon", jd_tdb, before_days)
        if body == "earth":
            return emb - moon_geocentric * float(eph.earth_share)
        return emb + moon_geocentric * float(eph.moon_share)
    return _series_km(body, jd_tdb, before_days)


def _earth_and_body_km(body: str, jd_tdb: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Barycentric Earth and ``body`` at the same instants: for the Moon both come from the same
    two series (the Earth–Moon barycentre and the geocentric Moon), evaluated once."""
    if body != "moon":
        return _barycentric_km("earth", jd_tdb), _barycentric_km(body, jd_tdb)
    eph = _ephemeris()
    emb = _series_km("earthmoon", jd_tdb)
    moon_geocentric = _series_km("moon", jd_tdb)
    earth = emb - moon_geocentric * float(eph.earth_share)
    return earth, emb + moon_geocentric * float(eph.moon_share)


def barycentric_position_au(
    body: str, jd_tdb: npt.ArrayLike, *, before_days: npt.ArrayLike | None = None
) -> FloatArray:
    """Geometric position of ``body`` relative to the Solar System barycentre, (N, 3) au, ICRS.

    The instants are ``jd_tdb − before_days``; passing a light time as ``before_days`` instead of
    subtracting it keeps its precision (a Julian date alone resolves only about 40 µs, which is a
    metre of the Moon's motion).
    """
    name = body_name(body)
    times = _as_times(jd_tdb)
    delay = None if before_days is None else np.asarray(before_days, dtype=np.float64)
    _check_coverage(name, times if delay is None else times - delay)
    return _barycentric_km(name, times, delay) / AU_KM


def earth_barycentric_position_au(jd_tdb: npt.ArrayLike) -> FloatArray:
    """Barycentric position of the geocentre, (N, 3) au, ICRS axes."""
    return barycentric_position_au("earth", jd_tdb)


def sun_barycentric_position_au(
    jd_tdb: npt.ArrayLike, *, before_days: npt.ArrayLike | None = None
) -> FloatArray:
    """Barycentric position of the Sun's centre, (N, 3) au, ICRS axes, at jd_tdb − before_days."""
    return barycentric_position_au("sun", jd_tdb, before_days=before_days)


def geocentric_position_au(
    body: str, jd_tt: npt.ArrayLike, *, light_time: bool = True
) -> FloatArray:
    """Astrometric geocentric position of a Solar-System body, shape (N, 3), au, ICRS axes.

    ``body`` is one of :data:`BODY_NAMES` (case-insensitive). With ``light_time`` (the default)
    the body is taken at ``t − τ`` where τ is the light travel time to the geocentre at ``t``
    (solved to 10 µas or better, every body including the Moon and the Sun); without it the
    result is the geometric geocentric position at ``t``. Scalars give shape (1, 3).

    Raises :class:`EphemerisError` for an unknown name or a time outside the DE421 coverage
    (see :func:`ephemeris_coverage`).
    """
    name = body_name(body)
    if name == "earth":
        raise EphemerisError(
            "The Earth has no geocentric position; choose another body.",
            body=body,
            valid=tuple(b for b in BODY_NAMES if b != "earth"),
        )
    times_tt = _as_times(jd_tt)
    jd_tdb = times_tt + tdb_minus_tt_days(times_tt)
    _check_coverage(name, jd_tdb)
    earth_km, body_km = _earth_and_body_km(name, jd_tdb)
    geocentric_km = body_km - earth_km
    if light_time:
        # Two evaluations (t and t − τ₁), then the fixed point on the line between them: the
        # motion over |τ − τ₁| ≈ 1e-4·τ is linear to far below a millimetre.
        km_per_light_day = SPEED_OF_LIGHT_AU_PER_DAY * AU_KM
        body_now = geocentric_km + earth_km
        tau_1 = _norm(geocentric_km) / km_per_light_day
        body_1 = _barycentric_km(name, jd_tdb, tau_1)
        velocity = (body_now - body_1) / tau_1[:, None]
        geocentric_km = body_1 - earth_km
        for _ in range(_LIGHT_TIME_ITERATIONS):
            tau = _norm(geocentric_km) / km_per_light_day
            geocentric_km = body_1 - velocity * (tau - tau_1)[:, None] - earth_km
    return np.asarray(geocentric_km / AU_KM, dtype=np.float64)


PERTURBERS: Final = (
    "mercury",
    "venus",
    "earth",
    "moon",
    "mars",
    "jupiter",
    "saturn",
    "uranus",
    "neptune",
)
"""Bodies whose attraction the perturbed orbit propagation includes (Pluto's is negligible)."""


@functools.cache
def gravitational_parameters_au3_per_day2() -> dict[str, float]:
    """GM of the Sun and of each body of :data:`PERTURBERS`, from the DE421 constants."""
    eph = _ephemeris()
    emb, ratio = float(eph.GMB), float(eph.EMRAT)
    return {
        "sun": float(eph.GMS),
        "mercury": float(eph.GM1),
        "venus": float(eph.GM2),
        "earth": emb * ratio / (1.0 + ratio),
        "moon": emb / (1.0 + ratio),
        "mars": float(eph.GM4),
        "jupiter": float(eph.GM5),
        "saturn": float(eph.GM6),
        "uranus": float(eph.GM7),
        "neptune": float(eph.GM8),
    }


def heliocentric_perturber_positions_au(jd_tdb: float) -> FloatArray:
    """Heliocentric positions of the :data:`PERTURBERS` at one TDB instant, (9, 3) au.

    Used inside the orbit integrator, so it skips the name and coverage checks of the public
    functions (the integrator checks the coverage of its whole span once).
    """
    times = np.array([jd_tdb])
    sun = _series_km("sun", times)[0]
    emb = _series_km("earthmoon", times)[0]
    moon = _series_km("moon", times)[0]
    eph = _ephemeris()
    rows = [
        _series_km("mercury", times)[0],
        _series_km("venus", times)[0],
        emb - moon * float(eph.earth_share),
        emb + moon * float(eph.moon_share),
        *(
            _series_km(name, times)[0]
            for name in ("mars", "jupiter", "saturn", "uranus", "neptune")
        ),
    ]
    return np.asarray((np.array(rows) - sun) / AU_KM, dtype=np.float64)


def _norm(vectors: FloatArray) -> FloatArray:
    return np.asarray(np.sqrt(np.einsum("ij,ij->i", vectors, vectors)), dtype=np.float64)
