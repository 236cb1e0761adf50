"""Sky geometry for footprint searches, portable across databases (no PostGIS needed).

Each frame stores its footprint's centre as a unit vector, its angular radius (centre to the
farthest vertex) and a dec band. Queries first select candidates with plain, indexed SQL
comparisons (a dec band, then a dot-product cap test), then refine them exactly here: footprints
have geodesic edges, and the gnomonic projection maps great circles to straight lines, so the
exact tests are planar polygon tests in the tangent plane at the footprint's centre.
Footprints and query shapes must each fit in a hemisphere (true of every camera footprint).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

Vector = tuple[float, float, float]
Point = tuple[float, float]  # (ra_deg, dec_deg)


class GeometryError(ValueError):
    """A WKT or GeoJSON value that cannot be used."""


def unit_vector(ra_deg: float, dec_deg: float) -> Vector:
    """The unit vector of a sky position."""
    ra, dec = math.radians(ra_deg), math.radians(dec_deg)
    return (math.cos(dec) * math.cos(ra), math.cos(dec) * math.sin(ra), math.sin(dec))


def to_radec(vector: Vector) -> Point:
    """The (RA in [0, 360), Dec) of a vector."""
    x, y, z = vector
    norm = math.sqrt(x * x + y * y + z * z)
    ra = math.degrees(math.atan2(y, x)) % 360.0
    return ra, math.degrees(math.asin(max(-1.0, min(1.0, z / norm))))


def separation_deg(a: Vector, b: Vector) -> float:
    """Angle between two unit vectors (robust for small angles)."""
    cross = (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
    sin = math.sqrt(sum(c * c for c in cross))
    cos = a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
    return math.degrees(math.atan2(sin, cos))


@dataclass(frozen=True)
class Footprint:
    """A spherical polygon (vertices, not closed) and its bounding cap."""

    vertices: tuple[Point, ...]
    centre: Vector
    radius_deg: float

    @property
    def dec_range(self) -> tuple[float, float]:
        """A dec band containing the polygon, edges included."""
        _ra_c, dec_c = to_radec(self.centre)
        return max(-90.0, dec_c - self.radius_deg), min(90.0, dec_c + self.radius_deg)


def footprint_from_ring(ring: Sequence[Sequence[float]]) -> Footprint:
    """Build a footprint from a GeoJSON ring ``[[ra, dec], ...]`` (closed or not)."""
    points = [(float(p[0]) % 360.0, float(p[1])) for p in ring]
    if len(points) > 1 and _same(points[0], points[-1]):
        points = points[:-1]
    if not points or any(not -90.0 <= dec <= 90.0 for _ra, dec in points):
        raise GeometryError("vertices need -90 <= dec <= 90")
    vectors = [unit_vector(ra, dec) for ra, dec in points]
    total = [sum(v[i] for v in vectors) for i in range(3)]
    norm = math.sqrt(sum(c * c for c in total))
    if norm < 1e-12:
        raise GeometryError("the polygon does not fit in a hemisphere")
    centre: Vector = (total[0] / norm, total[1] / norm, total[2] / norm)
    radius = max(separation_deg(centre, v) for v in vectors)
    if radius >= 89.0:
        raise GeometryError("the polygon does not fit in a hemisphere")
    return Footprint(vertices=tuple(points), centre=centre, radius_deg=radius)


def _same(a: Point, b: Point) -> bool:
    return abs(a[0] - b[0]) < 1e-12 and abs(a[1] - b[1]) < 1e-12


def _project(centre: Vector, point: Point) -> tuple[float, float] | None:
    """Gnomonic projection at ``centre``; None for points in the far hemisphere."""
    v = unit_vector(*point)
    cos_c = v[0] * centre[0] + v[1] * centre[1] + v[2] * centre[2]
    if cos_c <= 1e-9:
        return None
    # A basis of the tangent plane: east and north at the centre.
    ra_c, dec_c = to_radec(centre)
    ra0, dec0 = math.radians(ra_c), math.radians(dec_c)
    east = (-math.sin(ra0), math.cos(ra0), 0.0)
    north = (-math.sin(dec0) * math.cos(ra0), -math.sin(dec0) * math.sin(ra0), math.cos(dec0))
    return (
        sum(v[i] * east[i] for i in range(3)) / cos_c,
        sum(v[i] * north[i] for i in range(3)) / cos_c,
    )


def _in_polygon(point: tuple[float, float], polygon: Sequence[tuple[float, float]]) -> bool:
    """Planar point-in-polygon (boundary counts as inside)."""
    x, y = point
    inside = False
    count = len(polygon)
    for i in range(count):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % count]
        if _on_segment(point, (x1, y1), (x2, y2)):
            return True
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < crossing:
                inside = not inside
    return inside


def _orient(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> bool:
    scale = max(1e-12, math.hypot(b[0] - a[0], b[1] - a[1]))
    if abs(_orient(a, b, p)) / scale > 1e-12:
        return False
    return min(a[0], b[0]) - 1e-12 <= p[0] <= max(a[0], b[0]) + 1e-12 and (
        min(a[1], b[1]) - 1e-12 <= p[1] <= max(a[1], b[1]) + 1e-12
    )


def _segments_cross(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]
) -> bool:
    d1, d2 = _orient(c, d, a), _orient(c, d, b)
    d3, d4 = _orient(a, b, c), _orient(a, b, d)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 and d2 and d3 and d4:
        return True
    return any((_on_segment(p, s, t)) for p, s, t in ((a, c, d), (b, c, d), (c, a, b), (d, a, b)))


def covers(footprint: Footprint, shape: Sequence[Point]) -> bool:
    """Whether the footprint contains every vertex (and so every edge) of ``shape``."""
    polygon = [_project(footprint.centre, v) for v in footprint.vertices]
    if any(p is None for p in polygon):
        return False
    plane = [p for p in polygon if p is not None]
    for vertex in shape:
        projected = _project(footprint.centre, vertex)
        if projected is None or not _in_polygon(projected, plane):
            return False
    if len(shape) > 2:  # a non-convex footprint could still let an edge out
        points = [p for p in (_project(footprint.centre, v) for v in shape) if p is not None]
        for i in range(len(points)):
            for j in range(len(plane)):
                a, b = points[i], points[(i + 1) % len(points)]
                c, d = plane[j], plane[(j + 1) % len(plane)]
                if _proper_cross(a, b, c, d):
                    return False
    return True


def _proper_cross(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]
) -> bool:
    d1, d2 = _orient(c, d, a), _orient(c, d, b)
    d3, d4 = _orient(a, b, c), _orient(a, b, d)
    return d1 * d2 < 0 and d3 * d4 < 0


def intersects(footprint: Footprint, shape: Sequence[Point]) -> bool:
    """Whether the footprint and the polygon (or point) ``shape`` share any point."""
    centre = footprint.centre
    polygon = [_project(centre, v) for v in footprint.vertices]
    other = [_project(centre, v) for v in shape]
    if any(p is None for p in polygon):
        return False
    plane = [p for p in polygon if p is not None]
    if any(p is None for p in other):
        # Part of the shape is in the far hemisphere: clip by testing from the shape's side.
        return _intersects_from_shape(footprint, shape)
    shape_plane = [p for p in other if p is not None]
    if any(_in_polygon(p, plane) for p in shape_plane):
        return True
    if len(shape_plane) >= 3 and any(_in_polygon(p, shape_plane) for p in plane):
        return True
    for i in range(len(shape_plane)):
        a, b = shape_plane[i], shape_plane[(i + 1) % len(shape_plane)]
        for j in range(len(plane)):
            if _segments_cross(a, b, plane[j], plane[(j + 1) % len(plane)]):
                return True
    return False


def _intersects_from_shape(footprint: Footprint, shape: Sequence[Point]) -> bool:
    other = footprint_from_ring([list(p) for p in shape])
    return intersects(other, footprint.vertices)


def distance_to_footprint_deg(footprint: Footprint, point: Point) -> float:
    """0 when the point is inside, else the angle to the nearest vertex or edge."""
    if covers(footprint, [point]):
        return 0.0
    p = unit_vector(*point)
    best = min(separation_deg(p, unit_vector(*v)) for v in footprint.vertices)
    vertices = footprint.vertices
    for i in range(len(vertices)):
        a, b = unit_vector(*vertices[i]), unit_vector(*vertices[(i + 1) % len(vertices)])
        normal = _cross(a, b)
        length = math.sqrt(sum(c * c for c in normal))
        if length < 1e-15:
            continue
        n = (normal[0] / length, normal[1] / length, normal[2] / length)
        offset = sum(p[k] * n[k] for k in range(3))
        foot = tuple(p[k] - offset * n[k] for k in range(3))
        foot_norm = math.sqrt(sum(c * c for c in foot))
        if foot_norm < 1e-15:
            continue
        f: Vector = (foot[0] / foot_norm, foot[1] / foot_norm, foot[2] / foot_norm)
        arc = separation_deg(a, b)
        if separation_deg(a, f) <= arc + 1e-12 and separation_deg(b, f) <= arc + 1e-12:
            best = min(best, math.degrees(math.asin(min(1.0, abs(offset)))))
    return best


def _cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_POINT = re.compile(rf"^\s*POINT\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)\s*$", re.IGNORECASE)
_POLYGON = re.compile(r"^\s*POLYGON\s*\(\s*\((.*)\)\s*\)\s*$", re.IGNORECASE)


def parse_wkt(text: str) -> list[Point]:
    """The vertices of a WKT ``POINT(ra dec)`` or ``POLYGON((ra dec, ...))``."""
    match = _POINT.match(text)
    if match:
        point = (float(match.group(1)) % 360.0, float(match.group(2)))
        if not -90.0 <= point[1] <= 90.0:
            raise GeometryError("Point must be specified with exact format 'POINT(RA DEC)'")
        return [point]
    match = _POLYGON.match(text)
    if match:
        vertices: list[Point] = []
        for pair in match.group(1).split(","):
            parts = pair.split()
            if len(parts) != 2:
                raise GeometryError(
                    "Polygon must be specified with exact format 'POLYGON((RA DEC, RA DEC, ...))'"
                )
            try:
                vertices.append((float(parts[0]) % 360.0, float(parts[1])))
            except ValueError:
                raise GeometryError(
                    "Polygon must be specified with exact format 'POLYGON((RA DEC, RA DEC, ...))'"
                ) from None
        if len(vertices) > 1 and _same(vertices[0], vertices[-1]):
            vertices = vertices[:-1]
        if len(vertices) < 3 or any(not -90.0 <= d <= 90.0 for _r, d in vertices):
            raise GeometryError("A polygon needs at least three vertices with -90 <= dec <= 90")
        return vertices
    if text.strip().upper().startswith("POLYGON"):
        raise GeometryError(
            "Polygon must be specified with exact format 'POLYGON((RA DEC, RA DEC, ...))'"
        )
    raise GeometryError("Point must be specified with exact format 'POINT(RA DEC)'")
