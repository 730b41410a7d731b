"""Accessibility in the commune: the shop's place among car parks, lockers and the centre.

Pure: it reads ``artifacts.access`` (core.artifacts.AccessibilityArtifact, gathered once per
scan from OpenStreetMap by scanner/ecosystem.py) and the shop's category. The signals join
the steps where they belong in the canvas:

- "find" (google_listing, the map listing people follow to come): distance to the nearest
  car park and bicycle parking, on a pedestrian street, attractions nearby, and
  ``parking_access`` judged by the category rules of probes/data/accessibility.toml;
- "collect" (click_and_collect): distance to the nearest parcel locker or postal point.

Unknown stays None: never "far away".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.artifacts import AccessibilityArtifact
from core.result import Evidence, Signal
from probes.context import ProbeContext

DATA_FILE = Path(__file__).parent / "data" / "accessibility.toml"
OSM_PATTERN = "OpenStreetMap (écosystème de la commune)"
SIGNALS: dict[str, tuple[str, ...]] = {
    "google_listing": ("parking_distance_m", "bicycle_parking_distance_m",
                       "on_pedestrian_street", "attractions_nearby", "parking_access"),
    "click_and_collect": ("collection_point_distance_m",),
}


@dataclass(frozen=True, slots=True)
class ParkingRules:
    near_m: float
    bulky_near_m: float
    bulky: frozenset[str]
    walk_in: frozenset[str]


@cache
def load_parking_rules(path: Path = DATA_FILE) -> ParkingRules:
    table = tomllib.loads(path.read_text("utf-8")).get("parking", {})
    for key in ("near_m", "bulky_near_m"):
        if not isinstance(table.get(key), int | float) or table[key] <= 0:
            raise ValueError(f"{path.name}: [parking] {key} must be a positive number")
    lists = {}
    for key in ("bulky_categories", "walk_in_categories"):
        values = table.get(key)
        if not isinstance(values, list) or not all(isinstance(v, str) and "=" in v
                                                   for v in values):
            raise ValueError(f"{path.name}: [parking] {key} must list 'key=value' tags")
        lists[key] = frozenset(values)
    return ParkingRules(float(table["near_m"]), float(table["bulky_near_m"]),
                        lists["bulky_categories"], lists["walk_in_categories"])


def parking_access(access: AccessibilityArtifact, category: str | None,
                   rules: ParkingRules) -> bool | None:
    """True / False / None (not judged, or unknown) per the rules of the data file."""
    tags = {part.strip() for part in (category or "").split(";")}
    if tags & rules.walk_in and access.on_pedestrian_street:
        return None
    if access.parking_m is None:
        return None
    limit = rules.bulky_near_m if tags & rules.bulky else rules.near_m
    return access.parking_m <= limit


def _metres(value: float | None, what: str) -> Signal:
    if value is None:
        return Signal(None)
    proof = Evidence(None, f"{what} : {round(value)} m", OSM_PATTERN)
    return Signal(round(value, 1), 1.0, [proof])


def signals_by_step(ctx: ProbeContext) -> dict[str, dict[str, Signal]]:
    """The accessibility signals, by step; empty when the ecosystem was not gathered."""
    access = ctx.artifacts.access
    if access.status != "measured":
        return {}
    street = access.pedestrian_street
    on_street = Signal(access.on_pedestrian_street, 1.0, [
        Evidence(None, f"rue piétonne : {street}", OSM_PATTERN)] if street else [])
    return {
        "google_listing": {
            "parking_distance_m": _metres(access.parking_m, "parking le plus proche"),
            "bicycle_parking_distance_m": _metres(access.bicycle_parking_m,
                                                  "parking vélo le plus proche"),
            "on_pedestrian_street": on_street,
            "attractions_nearby": Signal(access.attractions_nearby),
            "parking_access": Signal(parking_access(access, ctx.artifacts.shop.category,
                                                    load_parking_rules())),
        },
        "click_and_collect": {
            "collection_point_distance_m": _metres(access.collection_point_m,
                                                   "casier ou point poste le plus proche"),
        },
    }
