"""Which site is dark, and the zenith there (sidereal time against astropy/ERFA's GMST)."""

from __future__ import annotations

from datetime import UTC, datetime

import erfa
import pytest

from openocs.clients.configdb import Network, Site
from openocs.simulator.sky import dark_sites, mean_sidereal_time_deg

MOMENT = datetime(2026, 12, 7, 16, 25, tzinfo=UTC)


def test_mean_sidereal_time_matches_erfa_within_a_second_of_time() -> None:
    days = (MOMENT - datetime(2000, 1, 1, 12, tzinfo=UTC)).total_seconds() / 86400.0
    gmst_deg = float(erfa.gmst82(2451545.0, days)) * 180.0 / 3.141592653589793
    assert mean_sidereal_time_deg(MOMENT, 0.0) == pytest.approx(gmst_deg % 360.0, abs=15 / 3600)
    assert mean_sidereal_time_deg(MOMENT, 90.0) == pytest.approx(
        (gmst_deg + 90.0) % 360.0, abs=0.01
    )


def test_only_sites_in_the_dark_are_offered_darkest_first() -> None:
    network = Network(
        [
            Site(code="coj", lat=-31.273, long=149.07),  # 02:25 local: dark
            Site(code="lsc", lat=-30.167, long=-70.80),  # noon
            Site(code="cpt", lat=-32.38, long=20.81),  # 17:48 local, summer: still light
            Site(code="off", lat=-31.0, long=149.0, active=False),
        ]
    )

    dark = dark_sites(network, MOMENT)

    assert [d.site for d in dark] == ["coj"]
    target = dark[0].target()
    assert target["type"] == "ICRS"
    assert target["dec"] == pytest.approx(-31.273)
    assert target["ra"] == pytest.approx(mean_sidereal_time_deg(MOMENT, 149.07), abs=1e-4)


def test_a_demo_request_takes_a_0m4_where_the_darkest_site_has_no_1m0() -> None:
    from openocs.simulator.sky import DarkSite, demo_choice

    class Stub:
        def instrument_types_by_telescope(self) -> dict[str, set[str]]:
            return {
                "ngq.aqwa.0m4a": {"0M4-SCICAM-QHY600"},
                "lsc.doma.1m0a": {"1M0-SCICAM-SINISTRO"},
            }

    ngq = DarkSite(site="ngq", sun_altitude_deg=-40, zenith_ra_deg=1, zenith_dec_deg=32)
    lsc = DarkSite(site="lsc", sun_altitude_deg=-20, zenith_ra_deg=2, zenith_dec_deg=-30)
    assert demo_choice(Stub(), [ngq, lsc]) == (lsc, "1m0", "1M0-SCICAM-SINISTRO")  # type: ignore[arg-type]
    assert demo_choice(Stub(), [ngq]) == (ngq, "0m4", "0M4-SCICAM-QHY600")  # type: ignore[arg-type]
    assert demo_choice(Stub(), []) is None  # type: ignore[arg-type]
