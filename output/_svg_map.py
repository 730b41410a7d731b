"""Shops on an inline SVG map: Web Mercator positions relative to the shops' bounding box.

Coordinates are "world pixels" at zoom REFERENCE_ZOOM minus the origin (top-left of the
box), so the browser can lay OpenStreetMap tiles under the dots when the user asks for them.
"""

from __future__ import annotations

import math
from typing import Any

REFERENCE_ZOOM = 20
TILE_SIZE = 256
MIN_SPAN = 800.0  # world pixels: a lone shop still gets a readable frame
PADDING_SHARE = 0.08  # blank margin around the dots
DOT_RADIUS_SHARE = 0.009  # dot radius relative to the larger side of the frame
MIN_ASPECT = 1.5  # width / height of the frame, at least
MAX_LATITUDE = 85.05112878  # Web Mercator limit


def world_xy(lat: float, lon: float) -> tuple[float, float]:
    scale = TILE_SIZE * 2**REFERENCE_ZOOM
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    sin_lat = math.sin(math.radians(lat))
    x = (lon + 180.0) / 360.0 * scale
    y = (0.5 - math.log((1 + sin_lat) / (1 - sin_lat)) / (4 * math.pi)) * scale
    return x, y


def map_frame(points: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Add `x`, `y` to each point ({"lat", "lon", ...}) and return the frame, or None."""
    placed = [p for p in points if _valid(p.get("lat"), p.get("lon"))]
    if not placed:
        return None
    coords = [world_xy(float(p["lat"]), float(p["lon"])) for p in placed]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    width, height = max(max(xs) - min(xs), MIN_SPAN), max(max(ys) - min(ys), MIN_SPAN)
    width = max(width, height * MIN_ASPECT)  # landscape frame: fills the page width
    pad = PADDING_SHARE * max(width, height)
    origin_x = (min(xs) + max(xs) - width) / 2 - pad
    origin_y = (min(ys) + max(ys) - height) / 2 - pad
    for point, (x, y) in zip(placed, coords, strict=True):
        point["x"], point["y"] = round(x - origin_x, 1), round(y - origin_y, 1)
    view_w, view_h = width + 2 * pad, height + 2 * pad
    return {
        "points": placed, "width": round(view_w, 1), "height": round(view_h, 1),
        "radius": round(DOT_RADIUS_SHARE * max(view_w, view_h), 1),
        "origin_x": origin_x, "origin_y": origin_y, "reference_zoom": REFERENCE_ZOOM,
        "tile_size": TILE_SIZE,
    }


def _valid(lat: Any, lon: Any) -> bool:
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return False
    return -90 <= lat <= 90 and -180 <= lon <= 180 and not (lat == 0 and lon == 0)
