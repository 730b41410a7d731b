"""OpenStreetMap features -> Shop: the commerce rule, tag mapping and offline files.

Inputs: elements of an Overpass JSON answer (nodes with lat/lon; ways and relations with
``center`` from ``out center``) or features of an overpass-turbo GeoJSON export (properties
holding the tags plus ``@id``; older exports nest them under ``tags``).

Files saved or edited by hand can hold anything: an element or feature that is not an object,
or whose tags are not an object, is skipped and counted (``OsmParseResult.skipped``); tag
values that are not text are dropped (numbers are kept as text); coordinates that are not
finite numbers within the globe are dropped (None).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import UserInputError
from core.shop import Shop
from sources.text import normalise_website

RULES_FILE = Path(__file__).parent / "data" / "osm_commerce.toml"
CATEGORY_KEYS = ("shop", "amenity", "craft", "healthcare", "office")
WEBSITE_TAGS = ("website", "contact:website", "url")
PHONE_TAGS = ("phone", "contact:phone", "contact:mobile")
EMAIL_TAGS = ("email", "contact:email")
FACEBOOK_TAGS = ("contact:facebook", "facebook")
INSTAGRAM_TAGS = ("contact:instagram", "instagram")
ANY_VALUE = "*"
MAX_COORDINATE_NESTING = 4  # GeoJSON MultiPolygon: polygons > rings > positions > numbers


class OsmFileError(UserInputError):
    """An --osm-file that is neither an Overpass JSON answer nor a GeoJSON export."""


@dataclass(frozen=True, slots=True)
class CommerceRules:
    include: Mapping[str, frozenset[str]]
    exclude: Mapping[str, frozenset[str]]

    def category_of(self, tags: Mapping[str, str]) -> str | None:
        """'shop=bakery' when the tags make a commerce, else None (see osm_commerce.toml)."""
        for key, values in self.exclude.items():
            if tags.get(key) in values:
                return None
        for key in CATEGORY_KEYS:
            value = tags.get(key)
            allowed = self.include.get(key, frozenset())
            if value and (value in allowed or ANY_VALUE in allowed):
                return f"{key}={value}"
        return None


def load_commerce_rules(path: Path = RULES_FILE) -> CommerceRules:
    data = tomllib.loads(path.read_text("utf-8"))
    sections = {}
    for section in ("include", "exclude"):
        table = data.get(section)
        if not isinstance(table, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in table.values()
        ):
            raise ValueError(f"{path.name}: [{section}] must map tag keys to lists of values")
        sections[section] = {k: frozenset(v) for k, v in table.items()}
    unknown = set(sections["include"]) - set(CATEGORY_KEYS)
    if unknown:
        raise ValueError(f"{path.name}: [include] has unknown keys {sorted(unknown)}")
    return CommerceRules(sections["include"], sections["exclude"])


@dataclass(slots=True)
class OsmParseResult:
    shops: list[Shop] = field(default_factory=list)
    unnamed: int = 0  # commerce features without name nor brand, skipped
    not_commerce: int = 0  # features the rule rejected
    boundaries: list[dict[str, Any]] = field(default_factory=list)  # admin boundary elements
    duplicates: int = 0  # same element twice (overpass-turbo exports a way as polygon + centre)
    skipped: int = 0  # malformed elements or features (not an object, tags not an object)
    _seen: set[str] = field(default_factory=set, repr=False)


def _first(tags: Mapping[str, str], keys: Iterable[str]) -> str | None:
    for key in keys:
        value = (tags.get(key) or "").strip()
        if value:
            return value.split(";")[0].strip()
    return None


def shop_from_tags(
    osm_id: str, tags: Mapping[str, str], lat: float | None, lon: float | None, category: str
) -> Shop | None:
    name = (tags.get("name") or tags.get("brand") or "").strip()
    if not name:
        return None
    street, number = tags.get("addr:street"), tags.get("addr:housenumber")
    address = " ".join(p for p in (street, number) if p) or None
    try:
        website = normalise_website(_first(tags, WEBSITE_TAGS))
    except ValueError:
        website = None  # a broken tag: the shop stays, without website
    return Shop(
        name=name, website=website, address=address, postcode=tags.get("addr:postcode"),
        city=tags.get("addr:city"), phone=_first(tags, PHONE_TAGS), email=_first(tags, EMAIL_TAGS),
        category=category, lat=lat, lon=lon, opening_hours=tags.get("opening_hours"),
        facebook=_first(tags, FACEBOOK_TAGS), instagram=_first(tags, INSTAGRAM_TAGS),
        brand=tags.get("brand"), osm_id=osm_id, website_source="osm" if website else None,
        sources=["osm"],
    )


def _add_feature(
    result: OsmParseResult, rules: CommerceRules, osm_id: str, tags: Mapping[str, str],
    lat: float | None, lon: float | None,
) -> None:
    if osm_id and osm_id in result._seen:
        result.duplicates += 1
        return
    result._seen.add(osm_id)
    category = rules.category_of(tags)
    if category is None:
        result.not_commerce += 1
        return
    shop = shop_from_tags(osm_id, tags, lat, lon, category)
    if shop is None:
        result.unnamed += 1
    else:
        result.shops.append(shop)


def parse_overpass_elements(
    elements: Iterable[Any], rules: CommerceRules | None = None
) -> OsmParseResult:
    rules = rules or load_commerce_rules()
    result = OsmParseResult()
    for element in elements:
        raw_tags = element.get("tags") if isinstance(element, dict) else None
        if not isinstance(element, dict) or not isinstance(raw_tags or {}, dict):
            result.skipped += 1
            continue
        tags = _text_tags(raw_tags or {})
        if tags.get("boundary") == "administrative" and element.get("type") == "relation":
            result.boundaries.append(dict(element))
            continue
        center = element.get("center")
        lat, lon = _lat_lon(center if isinstance(center, dict) else element)
        _add_feature(result, rules, _element_id(element), tags, lat, lon)
    return result


def parse_geojson(data: Mapping[str, Any], rules: CommerceRules | None = None) -> OsmParseResult:
    rules = rules or load_commerce_rules()
    result = OsmParseResult()
    features = data.get("features")
    for feature in features if isinstance(features, list) else []:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or not isinstance(props or {}, dict):
            result.skipped += 1
            continue
        props = props or {}
        raw_tags = props["tags"] if isinstance(props.get("tags"), dict) else props
        tags = _text_tags({k: v for k, v in raw_tags.items() if not str(k).startswith("@")})
        osm_id = props.get("@id") or feature.get("id") or (
            f"{props.get('type')}/{props.get('id')}" if props.get("id") else "")
        lat, lon = _geometry_center(feature.get("geometry"))
        _add_feature(result, rules, str(osm_id), tags, lat, lon)
    return result


def _text_tags(raw: Mapping[Any, Any]) -> dict[str, str]:
    """OSM tag values are text; a number written by hand is kept as text, anything else
    (null, true, lists, objects) is dropped."""
    tags: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            tags[str(key)] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            tags[str(key)] = str(value)
    return tags


def _element_id(element: Mapping[str, Any]) -> str:
    """'node/123', or '' when type or id is missing or odd (then never counted a duplicate)."""
    kind, number = element.get("type"), element.get("id")
    if isinstance(kind, str) and isinstance(number, (int, str)) and not isinstance(number, bool):
        return f"{kind}/{number}"
    return ""


def _lat_lon(point: Mapping[str, Any]) -> tuple[float | None, float | None]:
    return _coordinate(point.get("lat"), 90.0), _coordinate(point.get("lon"), 180.0)


def _geometry_center(geometry: Any) -> tuple[float | None, float | None]:
    """Point -> itself; line/polygon -> mean of its vertices (good enough inside a commune).
    Positions that are not two finite numbers are ignored; (None, None) when none is left."""
    if not isinstance(geometry, dict):
        return None, None
    points = list(_positions(geometry.get("coordinates"), MAX_COORDINATE_NESTING))
    if not points:
        return None, None
    lon = math.fsum(p[0] for p in points) / len(points)
    lat = math.fsum(p[1] for p in points) / len(points)
    return _coordinate(lat, 90.0), _coordinate(lon, 180.0)


def _positions(coords: Any, depth: int) -> Iterator[tuple[float, float]]:
    """The [lon, lat] positions in GeoJSON coordinates, at most ``depth`` lists deep."""
    if not isinstance(coords, list) or depth < 0:
        return
    if len(coords) >= 2 and all(_coordinate(c, math.inf) is not None for c in coords[:2]):
        yield float(coords[0]), float(coords[1])
        return
    for part in coords:
        yield from _positions(part, depth - 1)


def _coordinate(value: Any, limit: float) -> float | None:
    """A finite number within [-limit, limit], else None (text, true, NaN, inf, 500°…)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) and -limit <= number <= limit else None


def load_osm_file(path: str | Path, rules: CommerceRules | None = None) -> OsmParseResult:
    """Shops from a saved Overpass JSON answer or an overpass-turbo GeoJSON export."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: bad UTF-8 or JSON, a 5000-digit number
        raise OsmFileError(f"{path.name} : fichier OSM illisible ({exc})") from exc
    except RecursionError:
        raise OsmFileError(f"{path.name} : fichier OSM illisible (imbrication trop "
                           "profonde)") from None
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        return parse_overpass_elements(data["elements"], rules)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        if not isinstance(data.get("features"), list):
            raise OsmFileError(f"{path.name} : export GeoJSON sans liste 'features'")
        return parse_geojson(data, rules)
    if isinstance(data, dict) and data.get("type") in ("node", "way", "relation"):
        return parse_overpass_elements([data], rules)  # a single element
    raise OsmFileError(
        f"{path.name} : ni une réponse Overpass (clé 'elements') ni un export GeoJSON"
    )
