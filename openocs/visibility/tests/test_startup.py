"""The start-up shortcuts (issue 17) give exactly what the full readers give."""

from __future__ import annotations

import numpy as np
import pytest

from openocs.visibility import astrometry, iers, planets


def test_fixed_width_reader_equals_the_line_reader() -> None:
    data = iers._finals()
    fast = iers._columns_fixed_width(data)
    assert fast is not None
    slow = iers._columns_line_by_line(data)
    for a, b in zip(fast, slow, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("damage", [lambda d: d[:-5], lambda d: d.replace(b"\n", b"\r\n", 1)])
def test_fixed_width_reader_declines_uneven_lines(damage: object) -> None:
    assert callable(damage)
    assert iers._columns_fixed_width(damage(iers._finals())) is None


@pytest.mark.parametrize("offset_days", [5, 9000, -40])
def test_a_week_of_rows_equals_the_full_table(offset_days: int) -> None:
    table = iers.eop_table()
    base = table.unix_s[offset_days]
    nodes = astrometry.day_nodes(float(base) + 3600.0, float(base) + 7 * 86_400.0)
    days = iers.eop_days(float(nodes[0]), float(nodes[-1]))
    assert days is not None
    assert np.array_equal(days.unix_s, nodes)
    assert np.array_equal(
        days.ut1_minus_tai_s, np.interp(nodes, table.unix_s, table.ut1_minus_tai_s)
    )
    xp, yp = iers.polar_motion_rad(nodes)
    assert np.array_equal(days.xp_rad, xp) and np.array_equal(days.yp_rad, yp)


def test_days_outside_the_table_are_left_to_the_full_reader() -> None:
    table = iers.eop_table()
    assert iers.eop_days(float(table.unix_s[0]) - 86_400.0, float(table.unix_s[3])) is None
    assert iers.eop_days(float(table.unix_s[-1]), float(table.unix_s[-1]) + 30 * 86_400.0) is None


def test_memory_mapped_coefficients_are_the_published_series() -> None:
    coefficients, first_jd, days_per_set = planets._coefficients("moon")
    loaded = planets._ephemeris().load("moon")
    assert np.array_equal(coefficients, loaded)
    assert first_jd == float(planets._ephemeris().jalpha) and days_per_set > 0


def test_a_week_of_rows_is_read_without_reading_the_whole_file() -> None:
    iers._finals.cache_clear()
    iers.eop_days.cache_clear()
    base = 1_709_510_400.0  # 2024-03-04T00:00Z
    days = iers.eop_days(base - 86_400.0, base + 8 * 86_400.0)
    assert days is not None and days.unix_s.size == 10
    assert iers._finals.cache_info().currsize == 0


def _fresh_body_tables() -> None:
    astrometry._body_span.cache_clear()
    astrometry._daily_astrom.cache_clear()
    astrometry._daily_c2i_velocity.cache_clear()
    astrometry._ASTROM_DAYS.clear()
    for days in astrometry._BODY_DAYS.values():
        days.clear()


@pytest.mark.parametrize("body", ["sun", "moon"])
def test_sun_and_moon_nodes_do_not_depend_on_what_was_computed_with_them(body: str) -> None:
    day = 86_400.0
    first = 19_786 * day  # 2024-03-04
    _fresh_body_tables()
    whole = astrometry.body_table(body, first, first + 9 * day)
    _fresh_body_tables()
    astrometry.body_table(body, first + 4 * day, first + 6 * day)  # the middle first
    astrometry.body_table(body, first + 2 * day + 5.0, first + 2 * day + 7.0)
    pieces = astrometry.body_table(body, first, first + 9 * day)  # fills the gaps together
    assert np.array_equal(whole.nodes_s, pieces.nodes_s)
    assert np.array_equal(whole.position_au, pieces.position_au)
    assert np.array_equal(whole.earth_velocity_au_day, pieces.earth_velocity_au_day)
    assert whole.nodes_s[0] == first and whole.nodes_s[-1] == first + 9 * day


def test_a_first_week_computes_the_sun_and_moon_of_its_days_only() -> None:
    _fresh_body_tables()
    day = 86_400.0
    first = 19_786 * day
    table = astrometry.body_table("moon", first, first + 7 * day)
    assert table.nodes_s[0] == first and table.nodes_s[-1] == first + 7 * day
    assert sorted(astrometry._BODY_DAYS["moon"]._days) == list(range(19_786, 19_793))


@pytest.mark.filterwarnings("ignore::erfa.ErfaWarning")  # ERFA's epv00 is for 1900-2100
def test_days_at_the_end_of_de421_fall_back_to_erfa_one_by_one() -> None:
    coverage = planets.ephemeris_coverage()
    last_day = int((coverage.last_jd_tdb - 2_440_587.5) // 1)  # the day DE421 ends in
    _fresh_body_tables()
    together = astrometry.body_table("sun", (last_day - 3) * 86_400.0, (last_day + 2) * 86_400.0)
    _fresh_body_tables()
    alone = [
        astrometry.body_table("sun", d * 86_400.0, (d + 1) * 86_400.0).position_au
        for d in range(last_day - 3, last_day + 2)
    ]
    expected = np.concatenate([a[:-1] for a in alone] + [alone[-1][-1:]])
    assert np.array_equal(together.position_au, expected)


def test_daily_nodes_are_erfa_at_0h_whatever_was_computed_before() -> None:
    import erfa

    from openocs.visibility.timescales import jd_tt

    day = 86_400.0
    nodes = np.arange(19_780, 19_800, dtype=np.float64) * day
    _fresh_body_tables()
    astrometry._geocentric_astrom(float(nodes[5]), float(nodes[8]))  # some days first
    c2i = astrometry.c2i_at(nodes)
    velocity = astrometry.earth_velocity_au_day(nodes)
    astrom = astrometry._geocentric_astrom(float(nodes[0]), float(nodes[-1]))
    assert np.array_equal(c2i, erfa.c2i06a(jd_tt(nodes), 0.0))
    _, pvb = erfa.epv00(jd_tt(nodes), 0.0)
    assert np.allclose(velocity, pvb["v"], rtol=1e-15, atol=0.0)
    expected, _ = erfa.apci13(jd_tt(nodes), 0.0)
    geocentric = ("pmt", "eb", "eh", "em", "v", "bm1", "bpn")  # apci13 leaves the site's unset
    assert all(np.array_equal(astrom[name], expected[name]) for name in geocentric)
