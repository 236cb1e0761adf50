"""Pattern geometry shared by mosaic and dither expansion (``portal-api.md`` §11.4–§11.6).

Offsets are ``(x, y)`` in arcseconds, ``x`` along right ascension and ``y`` along declination;
the orientation θ is measured clockwise from north through east. Django-free.
"""

from __future__ import annotations

import math


def line_offsets_arcsec(
    *,
    num_points: int,
    point_spacing_arcsec: float,
    orientation_deg: float = 0.0,
    center: bool = False,
) -> list[tuple[float, float]]:
    """``d = i s − (center ? (n−1) s/2 : 0)``, offset ``(−d sin θ, d cos θ)``."""
    theta = math.radians(orientation_deg)
    shift = (num_points - 1) * point_spacing_arcsec / 2 if center else 0.0
    offsets = []
    for index in range(num_points):
        distance = index * point_spacing_arcsec - shift
        offsets.append((-distance * math.sin(theta), distance * math.cos(theta)))
    return offsets


def grid_offsets_arcsec(
    *,
    num_rows: int,
    num_columns: int,
    point_spacing_arcsec: float,
    line_spacing_arcsec: float | None = None,
    orientation_deg: float = 0.0,
    center: bool = False,
) -> list[tuple[float, float]]:
    """Columns left to right, rows up in even columns and down in odd ones (boustrophedon)."""
    line_spacing = point_spacing_arcsec if line_spacing_arcsec is None else line_spacing_arcsec
    theta = math.radians(orientation_deg)
    cos_t, sin_t = math.cos(theta), math.sin(theta)

    def rotate(bx: float, by: float) -> tuple[float, float]:
        return bx * cos_t - by * sin_t, bx * sin_t + by * cos_t

    x0, y0 = (
        rotate(-line_spacing * (num_columns - 1) / 2, -point_spacing_arcsec * (num_rows - 1) / 2)
        if center
        else (0.0, 0.0)
    )
    offsets = []
    for column in range(num_columns):
        rows = range(num_rows) if column % 2 == 0 else range(num_rows - 1, -1, -1)
        for row in rows:
            x, y = rotate(column * line_spacing, row * point_spacing_arcsec)
            offsets.append((x + x0, y + y0))
    return offsets


def spiral_offsets_arcsec(
    *, num_points: int, point_spacing_arcsec: float
) -> list[tuple[float, float]]:
    """An Archimedean spiral from ``(0, 0)`` with roughly ``s`` between points."""
    offsets = [(0.0, 0.0)]
    k = 1
    while len(offsets) < num_points:
        rho = math.sqrt(2 * point_spacing_arcsec * k)
        offsets.append((rho * math.cos(rho), rho * math.sin(rho)))
        k += 1
    return offsets[:num_points]


def spacing_from_overlap_arcsec(
    *,
    pixels_x: int,
    pixels_y: int,
    pixel_scale_arcsec: float,
    camera_orientation_deg: float,
    point_overlap_percent: float,
    line_overlap_percent: float,
    pattern_orientation_deg: float,
) -> tuple[float, float]:
    """(point spacing, line spacing) giving the requested overlaps of the rotated CCD extent."""
    phi = math.radians(camera_orientation_deg)
    x_rot = pixels_x * math.cos(phi) + pixels_y * math.sin(phi)
    y_rot = -pixels_x * math.sin(phi) + pixels_y * math.cos(phi)
    point = abs(y_rot) * pixel_scale_arcsec * (100 - point_overlap_percent) / 100
    line = abs(x_rot) * pixel_scale_arcsec * (100 - line_overlap_percent) / 100
    orientation = pattern_orientation_deg % 360
    if 45 <= orientation < 135 or 225 <= orientation < 315:
        point, line = line, point
    return point, line


def offset_target(
    ra_deg: float, dec_deg: float, x_arcsec: float, y_arcsec: float
) -> tuple[float, float]:
    """Offset a target: ``dec' = dec + y/3600``, ``ra' = ra + x/3600/max(cos dec', 0.001)``."""
    new_dec = dec_deg + y_arcsec / 3600
    new_ra = ra_deg + x_arcsec / 3600 / max(math.cos(math.radians(new_dec)), 0.001)
    return new_ra, new_dec
