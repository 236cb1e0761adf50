"""Which demo site is dark now, and a target overhead there (for demos, tutorials and tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from openocs.clients.configdb import Network

__all__ = ["DEMO_INSTRUMENTS", "DarkSite", "dark_sites", "demo_choice", "mean_sidereal_time_deg"]

J2000 = datetime(2000, 1, 1, 12, tzinfo=UTC)


def mean_sidereal_time_deg(moment: datetime, longitude_deg: float) -> float:
    """Local mean sidereal time in degrees (the IAU 1982 GMST polynomial; good to ~0.1″ a
    century, plenty to point at the meridian)."""
    days = (moment.astimezone(UTC) - J2000).total_seconds() / 86400.0
    centuries = days / 36525.0
    gmst = (
        280.46061837
        + 360.98564736629 * days
        + 0.000387933 * centuries**2
        - centuries**3 / 38710000.0
    )
    return (gmst + longitude_deg) % 360.0


@dataclass(frozen=True)
class DarkSite:
    site: str
    sun_altitude_deg: float
    zenith_ra_deg: float
    zenith_dec_deg: float

    def target(self, name: str = "zenith-field") -> dict[str, object]:
        """An ICRS target on the site's meridian at its zenith (portal JSON)."""
        return {
            "name": name,
            "type": "ICRS",
            "ra": round(self.zenith_ra_deg, 5),
            "dec": round(self.zenith_dec_deg, 5),
            "epoch": 2000,
        }


def dark_sites(
    network: Network, moment: datetime, *, sun_below_deg: float = -15.0
) -> list[DarkSite]:
    """The sites whose Sun is below ``sun_below_deg`` at ``moment``, darkest first."""
    from openocs.visibility import Site, sun_altitude_deg

    found = []
    for site in network.sites:
        if not site.active:
            continue
        where = Site(latitude_deg=site.lat, longitude_deg=site.long)
        altitude = float(sun_altitude_deg(where, moment)[0])
        if altitude < sun_below_deg:
            found.append(
                DarkSite(
                    site=site.code,
                    sun_altitude_deg=altitude,
                    zenith_ra_deg=mean_sidereal_time_deg(moment, site.long),
                    zenith_dec_deg=site.lat,
                )
            )
    return sorted(found, key=lambda dark: dark.sun_altitude_deg)


#: What a demo request asks for, in order of preference: (telescope class, instrument type).
DEMO_INSTRUMENTS = (("1m0", "1M0-SCICAM-SINISTRO"), ("0m4", "0M4-SCICAM-QHY600"))


def demo_choice(network: Network, dark: list[DarkSite]) -> tuple[DarkSite, str, str] | None:
    """The darkest site with a 1-metre Sinistro, else the darkest with a 0.4-metre QHY600:
    ``(site, telescope class, instrument type)``; None when no dark site has either."""
    types_by_site: dict[str, set[str]] = {}
    for key, types in network.instrument_types_by_telescope().items():
        types_by_site.setdefault(key.split(".", 1)[0], set()).update(types)
    for telescope_class, instrument_type in DEMO_INSTRUMENTS:
        for site in dark:
            if instrument_type in types_by_site.get(site.site, set()):
                return site, telescope_class, instrument_type
    return None
