"""When are two records the same shop? (the rule is explained in sources/merge.py)

``ShopFacts`` holds the comparable keys of one record, computed once: merging compares each
record with many others, and phone parsing, domain extraction and name folding are the
expensive part.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from core.geo import haversine_m
from core.shop import Shop
from core.text import shop_domain
from sources.normalise import address_key, house_number, phone_key
from sources.places_match import distinctive

NAME_SIMILAR = 0.85  # distinctive-name similarity for "same name"
NEAR_M = 60.0  # same name and this close: same shop
SAME_SPOT_M = 25.0  # different names this close: same building
FAR_M = 250.0  # further apart: never the same shop
ID_FIELDS = ("osm_id", "place_id", "kbo_number")
GRID_DEG = 0.004  # ~300-450 m cells for the spatial blocking (> FAR_M)


@dataclass(frozen=True, slots=True)
class ShopFacts:
    ids: frozenset[tuple[str, str]]
    name: str  # distinctive words
    address: str | None
    number: str | None
    postcode: str | None
    phone: str | None
    domain: str | None
    lat: float | None
    lon: float | None

    @classmethod
    def of(cls, shop: Shop) -> ShopFacts:
        return cls(
            ids=frozenset((f, getattr(shop, f)) for f in ID_FIELDS if getattr(shop, f)),
            name=distinctive(shop.name), address=address_key(shop.address),
            number=house_number(shop.address), postcode=shop.postcode or None,
            phone=phone_key(shop.phone), domain=shop_domain(shop.website),
            lat=shop.lat, lon=shop.lon,
        )

    def cell(self) -> tuple[int, int] | None:
        if self.lat is None or self.lon is None:
            return None
        return round(self.lat / GRID_DEG), round(self.lon / GRID_DEG)

    def blocking_keys(self) -> set[tuple[str, object]]:
        """Keys a possible duplicate must share (every clue of same_facts is one; the
        "close names + same postcode" rule needs a shared name word: a typo in the only
        distinctive word with no other clue is missed, the price of not comparing all pairs).
        """
        keys: set[tuple[str, object]] = set(self.ids)
        keys.update(("word", w) for w in self.name.split())
        for kind, value in (("phone", self.phone), ("domain", self.domain),
                            ("address", self.address), ("cell", self.cell())):
            if value:
                keys.add((kind, value))
        return keys

    def lookup_keys(self) -> set[tuple[str, object]]:
        keys = self.blocking_keys()
        cell = self.cell()
        if cell:
            keys.update(("cell", (cell[0] + dy, cell[1] + dx))
                        for dy in (-1, 0, 1) for dx in (-1, 0, 1))
        return keys


def _distance(a: ShopFacts, b: ShopFacts) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return haversine_m(a.lat, a.lon, b.lat, b.lon)


def _contradicted(a: ShopFacts, b: ShopFacts, distance: float | None) -> bool:
    if a.number and b.number and a.number != b.number:
        return True
    if a.postcode and b.postcode and a.postcode != b.postcode:
        return True
    return distance is not None and distance > FAR_M


def same_facts(a: ShopFacts, b: ShopFacts) -> bool:
    if a.ids & b.ids:
        return True
    distance = _distance(a, b)
    if _contradicted(a, b, distance):
        return False
    same_address = bool(a.address) and a.address == b.address
    same_phone = bool(a.phone) and a.phone == b.phone
    same_domain = bool(a.domain) and a.domain == b.domain
    if fuzz.token_set_ratio(a.name, b.name) / 100 >= NAME_SIMILAR:
        near = distance is not None and distance <= NEAR_M
        same_postcode = bool(a.postcode) and a.postcode == b.postcode
        return same_address or near or same_phone or same_domain or same_postcode
    same_spot = same_address or (distance is not None and distance <= SAME_SPOT_M)
    return same_spot and (same_phone or same_domain)


def same_shop(a: Shop, b: Shop) -> bool:
    return same_facts(ShopFacts.of(a), ShopFacts.of(b))
