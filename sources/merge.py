"""Merge the shops of several sources into one list: one Shop per point of sale.

Two records are the same shop when (see ``sources/merge_rules.py``):
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

from core.shop import Shop
from core.text import shop_domain
from sources.merge_rules import ShopFacts, same_facts
from sources.normalise import phone_key

SOURCE_PRIORITY = ("csv", "osm", "places", "kbo")
CONFLICT_FIELDS: dict[str, Callable[[str], object]] = {
    "website": lambda v: shop_domain(v) or v.rstrip("/").lower(),
    "opening_hours": lambda v: " ".join(v.replace(" ", "").lower().split(";")),
    "phone": lambda v: phone_key(v) or v,
}
MERGED_FIELDS = [f.name for f in fields(Shop)
                 if f.name not in ("name", "sources", "provenance", "conflicts", "id")]


@dataclass(slots=True)
class MergeResult:
    shops: list[Shop] = field(default_factory=list)
    overlaps: Counter[frozenset[str]] = field(default_factory=Counter)  # sources -> shops


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


def merge_shops(shops: Iterable[Shop]) -> MergeResult:
    """Group records of the same shop (any source, any order) and combine each group."""
    groups: list[list[Shop]] = []
    group_facts: list[list[ShopFacts]] = []
    index: dict[tuple[str, object], set[int]] = {}
    for shop in sorted(shops, key=_source_rank):
        facts = ShopFacts.of(shop)
        candidates = sorted({g for k in facts.lookup_keys() for g in index.get(k, ())})
        target = next((g for g in candidates
                       if any(same_facts(facts, other) for other in group_facts[g])), None)
        if target is None:
            groups.append([])
            group_facts.append([])
            target = len(groups) - 1
        groups[target].append(shop)
        group_facts[target].append(facts)
        for key in facts.blocking_keys():
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
