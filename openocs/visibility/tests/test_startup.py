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
