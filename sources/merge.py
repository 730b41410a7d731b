"""Merge the shops of several sources into one list: one Shop per point of sale.

Two records are the same shop when (see ``same_shop``):
1. they share an identifier (OSM id, Google place id, KBO number); or
2. nothing contradicts it — two known house numbers that differ, or more than
   ``FAR_M`` apart — and
   a. the names are close (``NAME_SIMILAR``, rapidfuzz token_set_ratio without legal forms
      and generic words) and one more clue agrees: same street address, within ``NEAR_M``,
      same phone, same website domain, or same postcode; or
   b. the names differ (a legal name against a commercial name) but they are at the same
      address or within ``SAME_SPOT_M``, AND share a phone number or a website domain.
Consequences: two shops at one address with different names stay apart; branches of a chain
(same brand and website, different addresses) stay apart.

Field values come from the first source in ``SOURCE_PRIORITY`` that has one; ``provenance``
says which; ``conflicts`` lists website / opening hours / phone values that disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from rapidfuzz import fuzz

from sources.geo import haversine_m
from sources.model import Shop
from sources.normalise import address_key, house_number, phone_key, website_domain
from sources.places_match import distinctive

SOURCE_PRIORITY = ("csv", "osm", "places", "kbo")
NAME_SIMILAR = 0.85  # distinctive-name similarity for "same name"
NEAR_M = 60.0  # same name and this close: same shop
SAME_SPOT_M = 25.0  # different names this close: same building
FAR_M = 250.0  # further apart: never the same shop
ID_FIELDS = ("osm_id", "place_id", "kbo_number")
CONFLICT_FIELDS: dict[str, Callable[[str], object]] = {
    "website": lambda v: website_domain(v) or v.rstrip("/").lower(),
    "opening_hours": lambda v: " ".join(v.replace(" ", "").lower().split(";")),
    "phone": lambda v: phone_key(v) or v,
}
MERGED_FIELDS = [f.name for f in fields(Shop)
                 if f.name not in ("name", "sources", "provenance", "conflicts", "id")]


@dataclass(slots=True)
class MergeResult:
    shops: list[Shop] = field(default_factory=list)
    overlaps: Counter[frozenset[str]] = field(default_factory=Counter)  # sources -> shops


def _distance(a: Shop, b: Shop) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    return haversine_m(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]


def _shared_id(a: Shop, b: Shop) -> bool:
    return any(getattr(a, f) and getattr(a, f) == getattr(b, f) for f in ID_FIELDS)


def _contradicted(a: Shop, b: Shop, distance: float | None) -> bool:
    na, nb = house_number(a.address), house_number(b.address)
    if na and nb and na != nb:
        return True
    if a.postcode and b.postcode and a.postcode != b.postcode:
        return True
    return distance is not None and distance > FAR_M


def same_shop(a: Shop, b: Shop) -> bool:
    if _shared_id(a, b):
        return True
    distance = _distance(a, b)
    if _contradicted(a, b, distance):
        return False
    same_address = bool(address_key(a.address)) and address_key(a.address) == address_key(
        b.address)
    same_phone = bool(phone_key(a.phone)) and phone_key(a.phone) == phone_key(b.phone)
    same_domain = bool(website_domain(a.website)) and website_domain(a.website) == website_domain(
        b.website)
    names_close = fuzz.token_set_ratio(distinctive(a.name), distinctive(b.name)) / 100 \
        >= NAME_SIMILAR
    if names_close:
        near = distance is not None and distance <= NEAR_M
        same_postcode = bool(a.postcode) and a.postcode == b.postcode
        return same_address or near or same_phone or same_domain or same_postcode
    same_spot = same_address or (distance is not None and distance <= SAME_SPOT_M)
    return same_spot and (same_phone or same_domain)


def _source_rank(shop: Shop) -> int:
    ranks = [SOURCE_PRIORITY.index(s) for s in shop.sources if s in SOURCE_PRIORITY]
    return min(ranks, default=len(SOURCE_PRIORITY))


def _combine(records: list[Shop]) -> Shop:
    records = sorted(records, key=_source_rank)  # stable: equal ranks keep input order
    merged = Shop(name=records[0].name, id="pending")
    merged.provenance["name"] = _first_source(records[0])
    for name in MERGED_FIELDS:
        for record in records:
            value = getattr(record, name)
            if value not in (None, ""):
                setattr(merged, name, value)
                merged.provenance[name] = record.provenance.get(name, _first_source(record))
                break
    merged.sources = [s for s in SOURCE_PRIORITY if any(s in r.sources for r in records)]
    merged.sources += sorted({s for r in records for s in r.sources} - set(merged.sources))
    merged.conflicts = _conflicts(records)
    if merged.website and not merged.website_source:
        merged.website_source = merged.provenance.get("website")
    merged.id = ""
    merged.__post_init__()  # stable id from the merged identifiers
    return merged


def _first_source(shop: Shop) -> str:
    return shop.sources[0] if shop.sources else "unknown"


def _conflicts(records: list[Shop]) -> dict[str, list[str]]:
    conflicts: dict[str, list[str]] = {}
    for name, key in CONFLICT_FIELDS.items():
        values: dict[object, str] = {}
        for record in records:
            for value in [getattr(record, name)] + record.conflicts.get(name, []):
                if value:
                    values.setdefault(key(value), value)
        if len(values) > 1:
            conflicts[name] = list(values.values())
    return conflicts


GRID_DEG = 0.004  # ~300-450 m cells for the spatial blocking (> FAR_M)


def _blocking_keys(shop: Shop) -> set[tuple[str, object]]:
    """Keys a possible duplicate must share with this shop (to avoid comparing all pairs).
    Every clue of same_shop is a key: id, phone, domain, street address, grid neighbourhood;
    the "close names + same postcode" rule needs a shared name word (a typo in the only
    distinctive word with no other clue is missed: the price of not comparing all pairs)."""
    keys: set[tuple[str, object]] = {(f, getattr(shop, f)) for f in ID_FIELDS if getattr(shop, f)}
    keys.update(("phone", k) for k in [phone_key(shop.phone)] if k)
    keys.update(("domain", k) for k in [website_domain(shop.website)] if k)
    keys.update(("word", w) for w in distinctive(shop.name).split())
    keys.update(("address", k) for k in [address_key(shop.address)] if k)
    if shop.lat is not None and shop.lon is not None:
        keys.add(("cell", _cell(shop.lat, shop.lon)))
    return keys


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return round(lat / GRID_DEG), round(lon / GRID_DEG)


def _lookup_keys(shop: Shop) -> set[tuple[str, object]]:
    keys = _blocking_keys(shop)
    if shop.lat is not None and shop.lon is not None:
        y, x = _cell(shop.lat, shop.lon)
        keys.update(("cell", (y + dy, x + dx)) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    return keys


def merge_shops(shops: Iterable[Shop]) -> MergeResult:
    """Group records of the same shop (any source, any order) and combine each group."""
    groups: list[list[Shop]] = []
    index: dict[tuple[str, object], set[int]] = {}
    for shop in sorted(shops, key=_source_rank):
        candidates = sorted({g for k in _lookup_keys(shop) for g in index.get(k, ())})
        target = next((g for g in candidates if any(same_shop(shop, o) for o in groups[g])),
                      None)
        if target is None:
            groups.append([shop])
            target = len(groups) - 1
        else:
            groups[target].append(shop)
        for key in _blocking_keys(shop):
            index.setdefault(key, set()).add(target)
    result = MergeResult(shops=[_combine(group) for group in groups])
    result.overlaps.update(frozenset(s.sources) for s in result.shops)
    return result


def keep_in_commune(shops: Iterable[Shop], bbox: tuple[float, float, float, float] | None,
                    postcodes: Iterable[str] = ()) -> tuple[list[Shop], int]:
    """Shops inside the commune: inside the bbox when they have coordinates, else with one
    of its postcodes; a shop with neither clue is kept. Returns (kept, dropped count)."""
    codes = set(postcodes)
    kept, dropped = [], 0
    for shop in shops:
        if bbox is not None and shop.lat is not None and shop.lon is not None:
            south, west, north, east = bbox
            inside = south <= shop.lat <= north and west <= shop.lon <= east
        elif codes and shop.postcode:
            inside = shop.postcode in codes
        else:
            inside = True
        if inside:
            kept.append(shop)
        else:
            dropped += 1
    return kept, dropped
