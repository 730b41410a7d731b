"""Is this Places candidate our shop? A confidence from name, address and distance.

Weights, threshold and distances live in ``sources/data/places_fields.toml`` [match].
A component we cannot compute (no address, no coordinates) gives its weight to the others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from core.geo import haversine_m
from core.shop import Shop
from sources.places_fields import load_places_config
from sources.text import fold, strip_legal_forms


def distinctive(name: str) -> str:
    """The name without legal forms and generic words ('Boulangerie Dupont SRL' -> 'dupont')."""
    words = re.split(r"[\s'-]+", strip_legal_forms(name))
    generic = load_places_config().generic_words
    kept = [w for w in words if w and w not in generic]
    return " ".join(kept) if kept else " ".join(w for w in words if w)


def name_score(a: str, b: str) -> float:
    return fuzz.token_set_ratio(distinctive(a), distinctive(b)) / 100


def address_score(shop: Shop, formatted: str | None) -> float | None:
    """Street similarity and postcode; 0 when the house numbers differ (another door)."""
    if not formatted or not (shop.address or shop.postcode):
        return None
    target = fold(formatted)
    parts = []
    if shop.address:
        number = re.search(r"\d+", shop.address)
        if number and re.search(r"\d", target.split(",")[0]) \
                and not re.search(rf"\b{number.group()}\b", target):
            return 0.0
        parts.append(fuzz.partial_ratio(fold(shop.address), target) / 100)
    if shop.postcode:
        parts.append(1.0 if shop.postcode in target else 0.0)
    return sum(parts) / len(parts)


def distance_score(shop: Shop, location: Mapping[str, Any] | None, near_m: float,
                   far_m: float) -> float | None:
    if shop.lat is None or shop.lon is None or not location:
        return None
    try:
        metres = haversine_m(shop.lat, shop.lon, float(location["latitude"]),
                             float(location["longitude"]))
    except (KeyError, TypeError, ValueError):
        return None
    if metres <= near_m:
        return 1.0
    return max(0.0, 1.0 - (metres - near_m) / (far_m - near_m))


def match_confidence(shop: Shop, place: Mapping[str, Any]) -> float:
    """0..1; 0 when the names are too different whatever the rest says."""
    conf = load_places_config().match
    name = name_score(shop.name, (place.get("displayName") or {}).get("text") or "")
    if name < conf["name_floor"]:
        return 0.0
    scored = [(name, conf["name_weight"]),
              (address_score(shop, place.get("formattedAddress")), conf["address_weight"]),
              (distance_score(shop, place.get("location"), conf["near_m"], conf["far_m"]),
               conf["distance_weight"])]
    known = [(s, w) for s, w in scored if s is not None]
    return round(sum(s * w for s, w in known) / sum(w for _, w in known), 3)


Place = Mapping[str, Any]


def best_candidate(shop: Shop, places: Sequence[Place]) -> tuple[Place | None, float]:
    """The best-matching candidate (first one on a tie) and its confidence."""
    best: Place | None = None
    best_confidence = 0.0
    for place in places:
        confidence = match_confidence(shop, place)
        if best is None or confidence > best_confidence:
            best, best_confidence = place, confidence
    return best, best_confidence


def is_match(confidence: float) -> bool:
    return confidence >= load_places_config().match["threshold"]
