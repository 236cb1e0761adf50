"""Pattern geometry of §11.6, checked against hand-computed points and invariants."""

import math

import pytest

from openocs.portal.requestgroups.patterns import (
    grid_offsets_arcsec,
    line_offsets_arcsec,
    offset_target,
    spacing_from_overlap_arcsec,
    spiral_offsets_arcsec,
)


def flat(points: list[tuple[float, float]]) -> list[float]:
    return [value for point in points for value in point]


def test_line_north_and_centered() -> None:
    assert flat(line_offsets_arcsec(num_points=3, point_spacing_arcsec=10)) == pytest.approx(
        flat([(0, 0), (0, 10), (0, 20)])
    )
    centered = line_offsets_arcsec(num_points=3, point_spacing_arcsec=10, center=True)
    assert flat(centered) == pytest.approx(flat([(0, -10), (0, 0), (0, 10)]))


def test_line_rotated_east_runs_along_negative_x() -> None:
    offsets = line_offsets_arcsec(num_points=2, point_spacing_arcsec=10, orientation_deg=90)
    assert offsets[1] == pytest.approx((-10, 0), abs=1e-9)


def test_grid_is_boustrophedon() -> None:
    offsets = grid_offsets_arcsec(
        num_rows=2, num_columns=2, point_spacing_arcsec=5, line_spacing_arcsec=7
    )
    assert flat(offsets) == pytest.approx(flat([(0, 0), (0, 5), (7, 5), (7, 0)]))


def test_centered_grid_is_symmetric_about_the_target() -> None:
    offsets = grid_offsets_arcsec(
        num_rows=3, num_columns=3, point_spacing_arcsec=4, orientation_deg=30, center=True
    )
    assert sum(x for x, _ in offsets) == pytest.approx(0, abs=1e-9)
    assert sum(y for _, y in offsets) == pytest.approx(0, abs=1e-9)


def test_spiral_starts_at_the_target_and_spreads() -> None:
    offsets = spiral_offsets_arcsec(num_points=5, point_spacing_arcsec=2)
    assert offsets[0] == (0.0, 0.0)
    radii = [math.hypot(x, y) for x, y in offsets]
    assert radii == sorted(radii)
    assert radii[1] == pytest.approx(2.0)


def test_overlap_spacings_swap_for_east_west_patterns() -> None:
    def spacings(orientation_deg: float) -> tuple[float, float]:
        return spacing_from_overlap_arcsec(
            pixels_x=4000,
            pixels_y=2000,
            pixel_scale_arcsec=0.5,
            camera_orientation_deg=0.0,
            point_overlap_percent=10,
            line_overlap_percent=20,
            pattern_orientation_deg=orientation_deg,
        )

    point, line = spacings(0)
    assert (point, line) == pytest.approx((2000 * 0.5 * 0.9, 4000 * 0.5 * 0.8))
    assert spacings(90) == pytest.approx((line, point))


def test_offset_target_uses_the_new_declination_for_ra() -> None:
    ra, dec = offset_target(10.0, 60.0, 3600.0, 3600.0)
    assert dec == pytest.approx(61.0)
    assert ra == pytest.approx(10.0 + 1 / math.cos(math.radians(61.0)))
