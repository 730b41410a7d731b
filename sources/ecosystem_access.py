"""Where one shop stands in its commune's ecosystem: the facts probes turn into signals.

    access = accessibility_of(shop.lat, shop.lon, ecosystem)
    access.parking_m              # metres to the nearest car park, None when unknown

Distances are haversine metres to the feature's point (ways and relations: their centre).
"On a pedestrian street": the street's line passes within ``pedestrian_street_max_m`` of the
shop (sources/data/ecosystem.toml), or the shop stands inside a pedestrian square mapped as a
closed way; a street known only by its centre counts when that centre is that close.
Unknown stays None: a shop without coordinates, or a kind with nothing mapped in the
commune, is never "far away".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from core.artifacts import AccessibilityArtifact
from core.geo import haversine_m
from sources.ecosystem import Ecosystem, Feature
from sources.ecosystem_geometry import distance_to_line_m, inside_ring
from sources.ecosystem_rules import RULES_FILE

NO_COORDINATES = "commerce sans coordonnées"
COLLECTION_KINDS = ("parcel_locker", "postal_point")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AccessSettings:
    pedestrian_street_max_m: float = 25.0
    attraction_radius_m: float = 500.0


def load_metre_settings(path: Path, section: str, kind: type[T]) -> T:
    """A dataclass of distances from ``[section]`` of a rules file: each a positive number."""
    table = tomllib.loads(path.read_text("utf-8")).get(section, {})
    values = {}
    for key in kind.__dataclass_fields__:  # type: ignore[attr-defined]
        value = table.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{path.name}: [{section}] {key} must be a positive number of metres")
        values[key] = float(value)
    return kind(**values)


@cache
def load_access_settings(path: Path = RULES_FILE) -> AccessSettings:
    return load_metre_settings(path, "access", AccessSettings)


def nearest_m(lat: float, lon: float, features: list[Feature]) -> float | None:
    return min((haversine_m(lat, lon, f.lat, f.lon) for f in features), default=None)


def _pedestrian_street(lat: float, lon: float, streets: list[Feature], limit: float
                       ) -> tuple[bool | None, str | None]:
    if not streets:
        return None, None
    for street in streets:
        if inside_ring((lat, lon), street.line):  # a pedestrian square mapped as an area
            return True, street.name
        distance = distance_to_line_m((lat, lon), street.line) if street.line \
            else haversine_m(lat, lon, street.lat, street.lon)
        if distance is not None and distance <= limit:
            return True, street.name
    return False, None


def accessibility_of(lat: float | None, lon: float | None, eco: Ecosystem,
                     settings: AccessSettings | None = None) -> AccessibilityArtifact:
    settings = settings or load_access_settings()
    if lat is None or lon is None:
        return AccessibilityArtifact("not_measured", NO_COORDINATES)
    on_street, street = _pedestrian_street(lat, lon, eco.of_kind("pedestrian_street"),
                                           settings.pedestrian_street_max_m)
    attractions = eco.of_kind("attraction")
    nearby = sum(1 for f in attractions
                 if haversine_m(lat, lon, f.lat, f.lon) <= settings.attraction_radius_m)
    return AccessibilityArtifact(
        "measured",
        parking_m=nearest_m(lat, lon, eco.of_kind("car_park")),
        bicycle_parking_m=nearest_m(lat, lon, eco.of_kind("bicycle_parking")),
        collection_point_m=nearest_m(lat, lon, [f for f in eco.features
                                                if f.kind in COLLECTION_KINDS]),
        on_pedestrian_street=on_street, pedestrian_street=street,
        attractions_nearby=nearby if attractions else None)
