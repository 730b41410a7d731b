"""The commune as an ecosystem: parcel lockers, postal points, parking, the pedestrian centre,
attractions, catchment areas, schools and public Wi-Fi, from OpenStreetMap.

    eco = await fetch_ecosystem(commune, http_ctx)        # Overpass, inside the boundary
    eco = load_ecosystem_file("saved.json", "Namur")      # a saved answer, trusted as is
    eco.counts()        # {"parcel_lockers": 3, "car_parks": 5, "car_park_capacity": 180, ...}
    eco.to_json()       # {"commune", "counts", "features": [{"kind", "name", "lat", "lon", ...}]}

Which tags make which kind is data (sources/data/ecosystem.toml, see sources.ecosystem_rules).
A feature may be of several kinds (a marketplace with public Wi-Fi). Ways and relations are
placed at their centre (Overpass ``center``, or the centroid of their geometry); areas carry
their surface in m², pedestrian streets their line, to tell whether a shop stands on one.
Catchment areas found outside the boundary (within ``around_m``) carry ``outside = True``;
every catchment area carries its distance to the commune's centre (see ``centre_of``).

Counts are honest: a kind with nothing mapped counts 0 *mapped in OpenStreetMap*; nobody knows
what the street really holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.geo import haversine_m
from core.http import HttpContext
from sources.commune import Commune
from sources.ecosystem_geometry import (
    Point,
    assemble_rings,
    distance_to_bbox_m,
    largest_ring_centroid,
    mean_point,
    polygon_area_m2,
)
from sources.ecosystem_rules import (
    OUTSIDE_MARKER,
    EcosystemRules,
    build_ecosystem_query,
    load_ecosystem_rules,
)
from sources.osm_parse import OsmFileError, _coordinate, _element_id, _positions, _text_tags
from sources.overpass import DEFAULT_ENDPOINT, CommuneSelector, run_query

CENTRE_KINDS = ("marketplace", "pedestrian_street")  # what marks the commercial centre
CAPACITY_KEY = "car_park_capacity"


@dataclass(slots=True)
class Feature:
    kind: str
    name: str | None
    lat: float
    lon: float
    tags: dict[str, str]
    osm_id: str = ""
    area_m2: float | None = None
    line: list[Point] = field(default_factory=list)  # pedestrian streets: the way itself
    outside: bool = False
    distance_m: float | None = None  # catchment areas: to the commune's centre

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "name": self.name, "lat": round(self.lat, 7),
                               "lon": round(self.lon, 7), "tags": dict(self.tags),
                               "osm_id": self.osm_id}
        if self.area_m2 is not None:
            out["area_m2"] = round(self.area_m2)
        if self.kind == "catchment_area":
            out["outside"] = self.outside
            out["distance_m"] = None if self.distance_m is None else round(self.distance_m)
        return out


@dataclass(slots=True)
class Ecosystem:
    commune: str
    features: list[Feature] = field(default_factory=list)
    population: int | None = None  # from the boundary's population tag
    bbox: tuple[float, float, float, float] | None = None
    centre: Point | None = None

    def of_kind(self, kind: str) -> list[Feature]:
        return [f for f in self.features if f.kind == kind]

    def counts(self, rules: EcosystemRules | None = None) -> dict[str, int]:
        """Features per kind (the keys are the rules' ``counted``), and the car parks'
        tagged capacity right after the car parks."""
        counts: dict[str, int] = {}
        for key, kind in (rules or load_ecosystem_rules()).counted.items():
            counts[key] = len(self.of_kind(kind))
            if kind == "car_park":
                capacities = (_capacity(f.tags) for f in self.of_kind(kind))
                counts[CAPACITY_KEY] = sum(c for c in capacities if c is not None)
        return counts

    def to_json(self) -> dict[str, Any]:
        return {"commune": self.commune, "counts": self.counts(),
                "features": [f.to_json() for f in self.features]}


def _capacity(tags: Mapping[str, str]) -> int | None:
    text = (tags.get("capacity") or "").strip()
    return int(text) if text.isdigit() else None


# -- reading Overpass answers and GeoJSON exports ---------------------------------------------
def ecosystem_from_elements(elements: Iterable[Any], commune: str,
                            rules: EcosystemRules | None = None) -> Ecosystem:
    """An Overpass JSON answer (``out center`` or ``out geom``) -> Ecosystem."""
    rules = rules or load_ecosystem_rules()
    eco, seen, outside = Ecosystem(commune), set(), False
    for element in elements:
        if not isinstance(element, dict):
            continue
        if element.get("type") == OUTSIDE_MARKER:
            outside = True
            continue
        tags = _text_tags(element.get("tags") or {}) \
            if isinstance(element.get("tags") or {}, dict) else {}
        if tags.get("boundary") == "administrative" and element.get("type") == "relation":
            _adopt_boundary(eco, element, tags)
            continue
        osm_id = _element_id(element)
        if osm_id and osm_id in seen:
            continue
        seen.add(osm_id)
        outers, inners, line = _element_shapes(element)
        centre = _element_centre(element, outers, line)
        _add_features(eco, rules, osm_id, tags, centre, outers, inners, line, outside)
    return _finish(eco)


def ecosystem_from_geojson(data: Mapping[str, Any], commune: str,
                           rules: EcosystemRules | None = None) -> Ecosystem:
    """An overpass-turbo GeoJSON export -> Ecosystem (polygons: centroid and area)."""
    rules = rules or load_ecosystem_rules()
    eco, seen = Ecosystem(commune), set()
    features = data.get("features")
    for feature in features if isinstance(features, list) else []:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            continue
        raw = props["tags"] if isinstance(props.get("tags"), dict) else props
        tags = _text_tags({k: v for k, v in raw.items() if not str(k).startswith("@")})
        osm_id = str(props.get("@id") or feature.get("id") or "")
        if osm_id and osm_id in seen:
            continue  # overpass-turbo may export a way twice (polygon and centre point)
        seen.add(osm_id)
        outers, inners, line, centre = _geojson_shapes(feature.get("geometry"))
        _add_features(eco, rules, osm_id, tags, centre, outers, inners, line, False)
    return _finish(eco)


def _add_features(eco: Ecosystem, rules: EcosystemRules, osm_id: str, tags: dict[str, str],
                  centre: Point | None, outers: list[list[Point]], inners: list[list[Point]],
                  line: list[Point], outside: bool) -> None:
    if centre is None:
        return
    for kind in rules.kinds_of(tags):
        rule = rules.rule(kind)
        if outside and not rule.around_m:
            continue  # only the kinds looked for around the boundary may lie outside it
        area = polygon_area_m2(outers, inners) if rule.shape == "area" and outers else None
        name = (tags.get("name") or tags.get("operator") or "").strip() or None
        eco.features.append(Feature(kind, name, centre[0], centre[1], tags, osm_id, area,
                                    line if rule.shape == "line" else [], outside))


def _adopt_boundary(eco: Ecosystem, element: Mapping[str, Any], tags: Mapping[str, str]) -> None:
    bounds = element.get("bounds")
    if isinstance(bounds, dict):
        box = [_coordinate(bounds.get(k), 180.0) for k in ("minlat", "minlon", "maxlat", "maxlon")]
        if all(v is not None for v in box):
            eco.bbox = (box[0], box[1], box[2], box[3])  # type: ignore[assignment]
    population = (tags.get("population") or "").replace(" ", "")
    eco.population = int(population) if population.isdigit() and int(population) else None


def _point(value: Any) -> Point | None:
    if not isinstance(value, dict):
        return None
    lat, lon = _coordinate(value.get("lat"), 90.0), _coordinate(value.get("lon"), 180.0)
    return (lat, lon) if lat is not None and lon is not None else None


def _points(raw: Any) -> list[Point]:
    return [p for p in (_point(v) for v in raw) if p] if isinstance(raw, list) else []


def _element_shapes(element: Mapping[str, Any]
                    ) -> tuple[list[list[Point]], list[list[Point]], list[Point]]:
    """(outer rings, inner rings, line) of an ``out geom`` way or relation."""
    geometry = _points(element.get("geometry"))
    if geometry:
        closed = len(geometry) >= 4 and geometry[0] == geometry[-1]
        return ([geometry] if closed else []), [], geometry
    outers: list[list[Point]] = []
    inners: list[list[Point]] = []
    members = element.get("members")
    for member in members if isinstance(members, list) else []:
        way = _points(member.get("geometry")) if isinstance(member, dict) else []
        (inners if member.get("role") == "inner" else outers).append(way)
    outers, inners = assemble_rings(outers), assemble_rings(inners)
    return outers, inners, [p for ring in outers for p in ring]


def _element_centre(element: Mapping[str, Any], outers: list[list[Point]],
                    line: list[Point]) -> Point | None:
    for centre in (_point(element.get("center")), _point(element)):
        if centre:
            return centre
    if outers:
        return largest_ring_centroid(outers)
    if line:
        return mean_point(line)
    bounds = element.get("bounds")
    if isinstance(bounds, dict):
        return _point({"lat": _mid(bounds, "minlat", "maxlat"),
                       "lon": _mid(bounds, "minlon", "maxlon")})
    return None


def _mid(bounds: Mapping[str, Any], low: str, high: str) -> float | None:
    a, b = _coordinate(bounds.get(low), 180.0), _coordinate(bounds.get(high), 180.0)
    return None if a is None or b is None else (a + b) / 2


def _geojson_shapes(geometry: Any
                    ) -> tuple[list[list[Point]], list[list[Point]], list[Point], Point | None]:
    """(outers, inners, line, centre) of a GeoJSON geometry ([lon, lat] positions)."""
    if not isinstance(geometry, dict):
        return [], [], [], None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    outers: list[list[Point]] = []
    inners: list[list[Point]] = []
    for polygon in polygons if isinstance(polygons, list) else []:
        rings = [_latlon(ring) for ring in polygon] if isinstance(polygon, list) else []
        outers += rings[:1]
        inners += rings[1:]
    if outers:
        return outers, inners, outers[0], largest_ring_centroid(outers)
    line = [(lat, lon) for lon, lat in _positions(coords, 4)]
    return [], [], line, mean_point(line)


def _latlon(ring: Any) -> list[Point]:
    return [(lat, lon) for lon, lat in _positions(ring, 1)]


# -- centre and distances -----------------------------------------------------------------
def centre_of(eco: Ecosystem) -> Point | None:
    """The commercial centre: the mean of the marketplaces and pedestrian streets when mapped,
    else the middle of the boundary's box, else the mean of every feature inside."""
    marks = [(f.lat, f.lon) for f in eco.features if f.kind in CENTRE_KINDS]
    if marks:
        return mean_point(marks)
    if eco.bbox:
        south, west, north, east = eco.bbox
        return (south + north) / 2, (west + east) / 2
    return mean_point([(f.lat, f.lon) for f in eco.features if not f.outside])


def _finish(eco: Ecosystem) -> Ecosystem:
    eco.centre = centre_of(eco)
    for feature in eco.of_kind("catchment_area"):
        if eco.bbox and not feature.outside:  # a saved answer without marker: the box decides
            feature.outside = distance_to_bbox_m((feature.lat, feature.lon), eco.bbox) > 0
        if eco.centre:
            feature.distance_m = haversine_m(feature.lat, feature.lon, *eco.centre)
    return eco


# -- entry points -------------------------------------------------------------------------
async def fetch_ecosystem(commune: Commune, http_ctx: HttpContext,
                          endpoint: str = DEFAULT_ENDPOINT) -> Ecosystem:
    """The inventory inside the commune's OSM boundary, asked of Overpass in one query."""
    selector = CommuneSelector(nis=commune.nis) if commune.nis else \
        CommuneSelector(name=commune.name)
    answer = await run_query(build_ecosystem_query(selector), http_ctx, endpoint)
    eco = ecosystem_from_elements(answer["elements"], commune.name)
    eco.bbox = eco.bbox or commune.bbox
    return eco


def load_ecosystem_file(path: str | Path, commune: str) -> Ecosystem:
    """A saved Overpass JSON answer or overpass-turbo GeoJSON export, trusted to be the
    commune's (nothing is dropped for lying outside, except by a boundary the file holds)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise OsmFileError(f"{path.name} : fichier OSM illisible ({type(exc).__name__})") \
            from None
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        return ecosystem_from_elements(data["elements"], commune)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return ecosystem_from_geojson(data, commune)
    raise OsmFileError(f"{path.name} : ni une réponse Overpass (clé 'elements') "
                       "ni un export GeoJSON")
