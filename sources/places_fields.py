"""Field masks, SKU tiers and cost estimates for the Places API (New).

Everything comes from ``sources/data/places_fields.toml`` (validated on load).

    config = load_places_config()
    config.tier_of(config.masks["enrich"])                 # 'enterprise_atmosphere'
    estimate_cost(100, "text_search", config.masks["enrich"])   # 4.0 (USD)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CONFIG_FILE = Path(__file__).parent / "data" / "places_fields.toml"
TIERS = ("ids_only", "essentials", "pro", "enterprise", "enterprise_atmosphere")
ENDPOINTS = ("text_search", "nearby_search", "place_details")
MATCH_KEYS = ("name_weight", "address_weight", "distance_weight", "threshold", "name_floor",
              "near_m", "far_m")


@dataclass(frozen=True, slots=True)
class PlacesConfig:
    field_tier: dict[str, str]
    prices: dict[str, dict[str, float]]  # endpoint -> tier -> USD per 1000
    masks: dict[str, tuple[str, ...]]
    match: dict[str, float]
    generic_words: frozenset[str]
    discover: dict[str, Any]

    def tier_of(self, fields: tuple[str, ...]) -> str:
        """The SKU tier a request with these fields is billed at (the highest one)."""
        return max((self.field_tier[f.split(".")[0]] for f in fields), key=TIERS.index,
                   default="ids_only")


def _validate(data: dict[str, Any], name: str) -> PlacesConfig:
    field_tier: dict[str, str] = {}
    for tier, fields in data["tiers"].items():
        if tier not in TIERS:
            raise ValueError(f"{name}: unknown tier {tier!r}")
        for f in fields:
            if f in field_tier:
                raise ValueError(f"{name}: field {f!r} in two tiers")
            field_tier[f] = tier
    prices = data["prices_per_1000"]
    for endpoint in ENDPOINTS:
        if set(prices.get(endpoint, {})) != set(TIERS):
            raise ValueError(f"{name}: prices_per_1000.{endpoint} must list every tier")
    masks = {k: tuple(v) for k, v in data["masks"].items()}
    for mask_name, fields in masks.items():
        unknown = [f for f in fields if f not in field_tier]
        if unknown:
            raise ValueError(f"{name}: mask {mask_name!r} has fields without tier: {unknown}")
    match = {k: float(data["match"][k]) for k in MATCH_KEYS}
    generic = frozenset(data["generic_words"]["words"])
    discover = dict(data["discover"])
    if not discover.get("types") or int(discover.get("max_pages", 0)) < 1:
        raise ValueError(f"{name}: [discover] needs types and max_pages >= 1")
    return PlacesConfig(field_tier, prices, masks, match, generic, discover)


@lru_cache(maxsize=2)
def load_places_config(path: Path = CONFIG_FILE) -> PlacesConfig:
    return _validate(tomllib.loads(path.read_text("utf-8")), path.name)


def field_mask(fields: tuple[str, ...], prefix: str = "") -> str:
    """'places.id,places.displayName' for searches (prefix='places.'), 'id,displayName' else."""
    return ",".join(prefix + f for f in fields)


def estimate_cost(n_calls: int, endpoint: str = "text_search",
                  fields: tuple[str, ...] | None = None,
                  config: PlacesConfig | None = None) -> float:
    """List price in USD of n_calls requests (before Google's monthly free calls).
    Defaults: Text Search with the "enrich" mask, i.e. a first scan's enrichment."""
    config = config or load_places_config()
    fields = fields if fields is not None else config.masks["enrich"]
    return round(n_calls * config.prices[endpoint][config.tier_of(fields)] / 1000, 2)
