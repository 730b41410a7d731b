"""The shop record that every source produces and the merge returns.

A `Shop` is one physical point of sale. Fields are canonical (one value each);
`provenance` says which source gave each field and `conflicts` lists fields on
which sources disagreed.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

# Fields written to / read from shops.csv, in this order.
SHOP_CSV_FIELDS = (
    "id", "name", "website", "address", "postcode", "city", "phone", "email",
    "category", "sector", "lat", "lon", "opening_hours", "facebook", "instagram",
    "brand", "osm_id", "kbo_number", "place_id", "website_source", "sources", "conflicts",
)


@dataclass(slots=True)
class Shop:
    name: str
    website: str | None = None
    address: str | None = None  # street and number, e.g. "Rue Haute 12"
    postcode: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    category: str | None = None  # raw category, e.g. "shop=bakery" or "nace:47.24"
    sector: str | None = None  # see scoring.sectors
    lat: float | None = None
    lon: float | None = None
    opening_hours: str | None = None
    facebook: str | None = None
    instagram: str | None = None
    brand: str | None = None
    osm_id: str | None = None  # "node/123"
    kbo_number: str | None = None  # establishment or enterprise number
    place_id: str | None = None  # Google Places id
    website_source: str | None = None  # osm | kbo | places | csv | discovered
    sources: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)  # field -> source
    conflicts: dict[str, list[str]] = field(default_factory=dict)  # field -> values seen
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = stable_shop_id(self)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def stable_shop_id(shop: Shop) -> str:
    """A short id that stays the same when the same shop is listed again.

    Prefers a registry or map identifier; falls back on name + postcode + address.
    """
    if shop.osm_id:
        key = f"osm:{shop.osm_id}"
    elif shop.kbo_number:
        key = f"kbo:{shop.kbo_number}"
    elif shop.place_id:
        key = f"places:{shop.place_id}"
    else:
        key = "|".join(
            (s or "").strip().lower()
            for s in (shop.name, shop.postcode, shop.address, shop.website)
        )
    return "s-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
