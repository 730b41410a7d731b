"""OpenStreetMap features -> Shop: the commerce rule, tag mapping and offline files.

Inputs: elements of an Overpass JSON answer (nodes with lat/lon; ways and relations with
``center`` from ``out center``) or features of an overpass-turbo GeoJSON export (properties
holding the tags plus ``@id``; older exports nest them under ``tags``).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import UserInputError
from sources.model import Shop
from sources.text import normalise_website

RULES_FILE = Path(__file__).parent / "data" / "osm_commerce.toml"
CATEGORY_KEYS = ("shop", "amenity", "craft", "healthcare", "office")
WEBSITE_TAGS = ("website", "contact:website", "url")
PHONE_TAGS = ("phone", "contact:phone", "contact:mobile")
EMAIL_TAGS = ("email", "contact:email")
FACEBOOK_TAGS = ("contact:facebook", "facebook")
INSTAGRAM_TAGS = ("contact:instagram", "instagram")
ANY_VALUE = "*"


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
    elements: Iterable[Mapping[str, Any]], rules: CommerceRules | None = None
) -> OsmParseResult:
    rules = rules or load_commerce_rules()
    result = OsmParseResult()
    for element in elements:
        tags = element.get("tags") or {}
        if tags.get("boundary") == "administrative" and element.get("type") == "relation":
            result.boundaries.append(dict(element))
            continue
        center = element.get("center") or element
        lat, lon = center.get("lat"), center.get("lon")
        osm_id = f"{element.get('type')}/{element.get('id')}"
        _add_feature(result, rules, osm_id, tags, _float(lat), _float(lon))
    return result


def parse_geojson(data: Mapping[str, Any], rules: CommerceRules | None = None) -> OsmParseResult:
    rules = rules or load_commerce_rules()
    result = OsmParseResult()
    for feature in data.get("features") or []:
        props = feature.get("properties") or {}
        raw_tags = props["tags"] if isinstance(props.get("tags"), dict) else props
        tags = {k: str(v) for k, v in raw_tags.items() if not k.startswith("@")}
        osm_id = props.get("@id") or feature.get("id") or (
            f"{props.get('type')}/{props.get('id')}" if props.get("id") else "")
        lat, lon = _geometry_center(feature.get("geometry") or {})
        _add_feature(result, rules, str(osm_id), tags, lat, lon)
    return result


def _geometry_center(geometry: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """Point -> itself; line/polygon -> mean of its vertices (good enough inside a commune)."""
    points: list[list[float]] = []

    def collect(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            points.append(coords)
        else:
            for part in coords or []:
                collect(part)

    collect(geometry.get("coordinates"))
    if not points:
        return None, None
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    return lat, lon


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def load_osm_file(path: str | Path, rules: CommerceRules | None = None) -> OsmParseResult:
    """Shops from a saved Overpass JSON answer or an overpass-turbo GeoJSON export."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OsmFileError(f"{path.name} : fichier OSM illisible ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        return parse_overpass_elements(data["elements"], rules)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return parse_geojson(data, rules)
    if isinstance(data, dict) and data.get("type") in ("node", "way", "relation"):
        return parse_overpass_elements([data], rules)  # a single element
    raise OsmFileError(
        f"{path.name} : ni une réponse Overpass (clé 'elements') ni un export GeoJSON"
    )
