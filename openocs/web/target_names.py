"""Target names → ICRS coordinates, offline first.

Shipped catalogues answer without the internet: the bright named stars of ``ephem`` (Hipparcos
positions at J2000 with their proper motions) and OpenNGC through ``pyongc`` (NGC, IC and Messier
objects by number or common name). A deployment may also let CDS Sesame answer names the
catalogues do not know, with ``OCS_TARGET_RESOLVER_ONLINE=true`` (off by default).
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from django.conf import settings

from openocs.env import env_bool

# Let target-name searches (Compose, the archive's cone) ask CDS Sesame on the internet when the
# shipped catalogues do not know a name. Off by default: the pages work offline. A Django setting
# of the same name wins (tests override it).
OCS_TARGET_RESOLVER_ONLINE = env_bool("OCS_TARGET_RESOLVER_ONLINE", False)
SESAME_URL = "https://cds.unistra.fr/cgi-bin/nph-sesame/-oI/SNV?"
_SESAME_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ResolvedTarget:
    """An ICRS position (J2000 epoch) and where it came from."""

    name: str
    ra_deg: float
    dec_deg: float
    source: str
    proper_motion_ra_mas_per_yr: float | None = None
    proper_motion_dec_mas_per_yr: float | None = None
    parallax_mas: float | None = None

    def as_target(self) -> dict[str, float | str]:
        """The target fields of the request language this position fills in."""
        fields: dict[str, float | str] = {
            "ra": round(self.ra_deg, 7),
            "dec": round(self.dec_deg, 7),
            "epoch": 2000.0,
        }
        if self.proper_motion_ra_mas_per_yr is not None:
            fields["proper_motion_ra"] = round(self.proper_motion_ra_mas_per_yr, 3)
        if self.proper_motion_dec_mas_per_yr is not None:
            fields["proper_motion_dec"] = round(self.proper_motion_dec_mas_per_yr, 3)
        if self.parallax_mas:
            fields["parallax"] = round(self.parallax_mas, 3)
        return fields


Resolver = Callable[[str], ResolvedTarget | None]


def _normalised(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def resolve_bright_star(name: str) -> ResolvedTarget | None:
    """The bright named stars shipped with ``ephem`` (Hipparcos J2000 positions)."""
    import ephem
    import ephem.stars

    wanted = _normalised(name).lower()
    for known in ephem.stars.stars:
        if known.lower() == wanted:
            star = ephem.star(known)
            return ResolvedTarget(
                name=known,
                ra_deg=math.degrees(float(star._ra)),
                dec_deg=math.degrees(float(star._dec)),
                source="Hipparcos bright stars (ephem)",
                proper_motion_ra_mas_per_yr=float(star._pmra),
                proper_motion_dec_mas_per_yr=float(star._pmdec),
            )
    return None


def resolve_openngc(name: str) -> ResolvedTarget | None:
    """NGC, IC and Messier objects and their common names from OpenNGC (``pyongc``)."""
    from pyongc import ongc

    text = _normalised(name)
    try:
        dso = ongc.Dso(text)
    except (ongc.UnknownIdentifier, ongc.ObjectNotFound, ValueError):
        dso = _by_common_name(text)
    if dso is None:
        return None
    (ra_h, ra_m, ra_s), (dec_d, dec_m, dec_s) = dso.coords.tolist()
    sign = -1.0 if str(dso.dec).strip().startswith("-") else 1.0
    return ResolvedTarget(
        name=str(dso.name),
        ra_deg=15.0 * (ra_h + ra_m / 60.0 + ra_s / 3600.0),
        dec_deg=sign * (abs(dec_d) + dec_m / 60.0 + dec_s / 3600.0),
        source="OpenNGC (pyongc)",
    )


def _by_common_name(name: str) -> object | None:
    from pyongc import ongc

    with sqlite3.connect(f"file:{ongc.DBPATH}?mode=ro", uri=True) as connection:
        row = connection.execute(
            "SELECT name FROM objects WHERE ',' || lower(commonnames) || ',' LIKE ?",
            (f"%,{name.lower()},%",),
        ).fetchone()
    return ongc.Dso(row[0]) if row else None


def resolve_sesame(name: str, *, client: httpx.Client | None = None) -> ResolvedTarget | None:
    """CDS Sesame (SIMBAD, NED, VizieR) over the internet; None when it does not know the name
    or cannot be reached (the page then says the name was not found)."""
    http = client or httpx.Client(timeout=_SESAME_TIMEOUT_S)
    try:
        response = http.get(SESAME_URL + quote(_normalised(name)))
        response.raise_for_status()
    except httpx.HTTPError:
        return None
    finally:
        if client is None:
            http.close()
    position = re.search(r"^%J\s+([-+\d.]+)\s+([-+\d.]+)", response.text, re.MULTILINE)
    if position is None:
        return None
    motion = re.search(r"^%P\s+([-+\d.]+)\s+([-+\d.]+)", response.text, re.MULTILINE)
    parallax = re.search(r"^%X\s+([-+\d.]+)", response.text, re.MULTILINE)
    return ResolvedTarget(
        name=_normalised(name),
        ra_deg=float(position.group(1)),
        dec_deg=float(position.group(2)),
        source="CDS Sesame (online)",
        proper_motion_ra_mas_per_yr=float(motion.group(1)) if motion else None,
        proper_motion_dec_mas_per_yr=float(motion.group(2)) if motion else None,
        parallax_mas=float(parallax.group(1)) if parallax else None,
    )


OFFLINE_RESOLVERS: list[Resolver] = [resolve_bright_star, resolve_openngc]


def target_resolve(name: str) -> ResolvedTarget | None:
    """The first catalogue that knows ``name``; CDS Sesame last, when the deployment allows."""
    if not _normalised(name):
        return None
    for resolver in OFFLINE_RESOLVERS:
        found = resolver(name)
        if found is not None:
            return found
    if getattr(settings, "OCS_TARGET_RESOLVER_ONLINE", OCS_TARGET_RESOLVER_ONLINE):
        return resolve_sesame(name)
    return None
