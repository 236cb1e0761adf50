"""Target names → positions from the shipped catalogues, and the optional online resolver.

Expected positions are the catalogues' own values: OpenNGC (NGC 1300: 03h19m41.08s
−19°24′40.9″; NGC 224 = M31: 00h42m44.35s +41°16′08.6″) and Hipparcos as shipped with ephem
(Sirius: 06h45m08.917s −16°42′58.02″, μ = −546.01, −1223.07 mas/yr).
"""

from __future__ import annotations

import httpx
import pytest
from django.test import override_settings

from openocs.web import target_names as resolver
from openocs.web.target_names import resolve_sesame, target_resolve

ARCSEC_DEG = 1.0 / 3600.0


def _deg(h: float, m: float, s: float, *, hours: bool, sign: float = 1.0) -> float:
    value = h + m / 60.0 + s / 3600.0
    return sign * (value * 15.0 if hours else value)


@pytest.mark.parametrize(
    ("name", "catalogue_name", "ra_deg", "dec_deg"),
    [
        (
            "NGC 1300",
            "NGC1300",
            _deg(3, 19, 41.08, hours=True),
            _deg(19, 24, 40.9, hours=False, sign=-1),
        ),
        ("m31", "NGC0224", _deg(0, 42, 44.35, hours=True), _deg(41, 16, 8.6, hours=False)),
        (
            "Orion Nebula",
            "NGC1976",
            _deg(5, 35, 16.48, hours=True),
            _deg(5, 23, 22.8, hours=False, sign=-1),
        ),
    ],
)
def test_finds_deep_sky_objects_in_openngc(
    name: str, catalogue_name: str, ra_deg: float, dec_deg: float
) -> None:
    found = target_resolve(name)
    assert found is not None
    assert found.name == catalogue_name
    assert found.ra_deg == pytest.approx(ra_deg, abs=0.1 * ARCSEC_DEG)
    assert found.dec_deg == pytest.approx(dec_deg, abs=0.1 * ARCSEC_DEG)


def test_finds_bright_stars_with_their_proper_motion() -> None:
    found = target_resolve("  sirius ")
    assert found is not None
    assert found.ra_deg == pytest.approx(_deg(6, 45, 8.917, hours=True), abs=0.01 * ARCSEC_DEG * 15)
    assert found.dec_deg == pytest.approx(
        _deg(16, 42, 58.02, hours=False, sign=-1), abs=0.1 * ARCSEC_DEG
    )
    assert found.proper_motion_ra_mas_per_yr == pytest.approx(-546.01, abs=0.01)
    assert found.proper_motion_dec_mas_per_yr == pytest.approx(-1223.07, abs=0.02)
    target = found.as_target()
    assert target["epoch"] == 2000.0 and target["proper_motion_dec"] == pytest.approx(
        -1223.08, abs=0.02
    )


def test_an_unknown_name_is_not_found_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(name: str) -> None:
        raise AssertionError("the online resolver is off by default")

    monkeypatch.setattr(resolver, "resolve_sesame", forbidden)
    assert target_resolve("Not A Real Object 123") is None
    assert target_resolve("   ") is None


SESAME_ANSWER = """# Vega
#=S=Simbad (via url):    1
%@ 1
%I.0 * alf Lyr
%J 279.23473479 +38.78368896 = 18:36:56.33 +38:47:01.2
%P +200.94 +286.23
%X 130.23 [0.36]
"""


def test_the_online_resolver_reads_sesame_when_a_deployment_turns_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path.endswith("/SNV")
        return httpx.Response(200, text=SESAME_ANSWER)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    found = resolve_sesame("HD 172167", client=client)
    assert found is not None
    assert (found.ra_deg, found.dec_deg) == (279.23473479, 38.78368896)
    assert (found.proper_motion_ra_mas_per_yr, found.parallax_mas) == (200.94, 130.23)
    monkeypatch.setattr(resolver, "OFFLINE_RESOLVERS", [])
    monkeypatch.setattr(resolver, "resolve_sesame", lambda name: found)
    with override_settings(OCS_TARGET_RESOLVER_ONLINE=True):
        assert target_resolve("HD 172167") is found


def test_the_online_resolver_gives_up_quietly_when_sesame_fails() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(503)))
    assert resolve_sesame("Vega", client=client) is None
    nothing = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, text="#! nothing"))
    )
    assert resolve_sesame("zzz", client=nothing) is None
