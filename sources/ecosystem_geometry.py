"""Plane geometry for the ecosystem inventory: polygon area and centroid, point-to-line distance.

Shapes inside a commune span a few kilometres, so each computation projects its points on a
local plane (equirectangular, centred on the shape or on the point asked about): the error is
far below a metre at that scale. Distances between two points use core.geo.haversine_m.

Points are (lat, lon) tuples; rings are lists of points (closed or not).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from core.geo import EARTH_RADIUS_M

Point = tuple[float, float]  # (lat, lon)


def _projector(lat0: float, lon0: float) -> Callable[[Point], tuple[float, float]]:
    cos0 = math.cos(math.radians(lat0))

    def project(point: Point) -> tuple[float, float]:
        return (EARTH_RADIUS_M * math.radians(point[1] - lon0) * cos0,
                EARTH_RADIUS_M * math.radians(point[0] - lat0))
    return project


def _signed_area_xy(xy: Sequence[tuple[float, float]]) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(xy, [*xy[1:], xy[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2.0


def ring_area_m2(ring: Sequence[Point]) -> float:
    """Area of one ring in m² (shoelace on the local plane); 0 below three points."""
    if len(ring) < 3:
        return 0.0
    project = _projector(*ring[0])
    return abs(_signed_area_xy([project(p) for p in ring]))


def polygon_area_m2(outers: Sequence[Sequence[Point]],
                    inners: Sequence[Sequence[Point]] = ()) -> float:
    """Outer rings minus holes, in m²."""
    return max(0.0, sum(ring_area_m2(r) for r in outers) - sum(ring_area_m2(r) for r in inners))


def ring_centroid(ring: Sequence[Point]) -> Point | None:
    """The centre of mass of a ring's surface; the mean of its points when it is degenerate."""
    if not ring:
        return None
    project = _projector(*ring[0])
    xy = [project(p) for p in ring]
    area = _signed_area_xy(xy)
    if len(ring) < 3 or abs(area) < 1e-6:
        return mean_point(ring)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(xy, [*xy[1:], xy[0]], strict=True):
        cross = x1 * y2 - x2 * y1
        cx, cy = cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    cx, cy = cx / (6 * area), cy / (6 * area)
    lat0, lon0 = ring[0]
    lat = lat0 + math.degrees(cy / EARTH_RADIUS_M)
    lon = lon0 + math.degrees(cx / (EARTH_RADIUS_M * math.cos(math.radians(lat0))))
    return lat, lon


def largest_ring_centroid(outers: Sequence[Sequence[Point]]) -> Point | None:
    rings = [r for r in outers if r]
    if not rings:
        return None
    return ring_centroid(max(rings, key=ring_area_m2))


def mean_point(points: Sequence[Point]) -> Point | None:
    if not points:
        return None
    return (math.fsum(p[0] for p in points) / len(points),
            math.fsum(p[1] for p in points) / len(points))


def distance_to_line_m(point: Point, line: Sequence[Point]) -> float | None:
    """Shortest distance in metres from a point to a polyline (or a ring's outline)."""
    if not line:
        return None
    project = _projector(*point)
    xy = [project(p) for p in line]
    if len(xy) == 1:
        return math.hypot(*xy[0])
    return min(_distance_to_segment(a, b) for a, b in zip(xy, xy[1:], strict=False))


def _distance_to_segment(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from the origin (the point asked about) to the segment ab."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(a[0] * dx + a[1] * dy) / length2))
    return math.hypot(a[0] + t * dx, a[1] + t * dy)


def inside_ring(point: Point, ring: Sequence[Point]) -> bool:
    """Ray casting: is the point inside the closed ring (a pedestrian square, an area)?"""
    if len(ring) < 4 or ring[0] != ring[-1]:
        return False
    lat, lon = point
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(ring, ring[1:], strict=False):
        if (lat1 > lat) != (lat2 > lat):
            crossing = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            inside ^= lon < crossing
    return inside


def distance_to_bbox_m(point: Point, bbox: tuple[float, float, float, float]) -> float:
    """Metres from a point to a (south, west, north, east) box; 0 inside it."""
    south, west, north, east = bbox
    nearest = (min(max(point[0], south), north), min(max(point[1], west), east))
    project = _projector(*point)
    return math.hypot(*project(nearest))


def assemble_rings(ways: Sequence[Sequence[Point]]) -> list[list[Point]]:
    """Closed rings from a multipolygon's member ways: a closed way is a ring; open ways are
    joined end to end (either direction), as OSM splits a long boundary into several ways.
    Pieces that never close are dropped (an incomplete download)."""
    rings = [list(way) for way in ways if len(way) >= 4 and way[0] == way[-1]]
    pieces = [list(way) for way in ways if len(way) >= 2 and way[0] != way[-1]]
    while pieces:
        ring = pieces.pop()
        while ring[0] != ring[-1]:
            joined = _take_next(ring[-1], pieces)
            if joined is None:
                break
            ring += joined[1:]
        if ring[0] == ring[-1] and len(ring) >= 4:
            rings.append(ring)
    return rings


def _take_next(end: Point, pieces: list[list[Point]]) -> list[Point] | None:
    for index, piece in enumerate(pieces):
        if piece[0] == end:
            return pieces.pop(index)
        if piece[-1] == end:
            return pieces.pop(index)[::-1]
    return None

