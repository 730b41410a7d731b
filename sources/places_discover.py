"""List a commune's shops from Google Places (API New): one Text Search per place type,
restricted to the commune's bounding box, following nextPageToken up to ``max_pages``.

    calls = discovery_call_estimate(types)          # worst case, before spending
    shops = await discover_places(client, bbox, types)

Each page is one billable call and takes one unit of the client's PlacesBudget; when the
budget runs out the shops found so far are returned. Place objects are shape-checked first
(sources/places_http.py ``checked_places``): a malformed one is skipped, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from core.shop import Shop
from sources.places import PlacesClient
from sources.places_fields import estimate_cost, field_mask, load_places_config
from sources.places_http import PlacesFailure, checked_places

SEARCH_PATH = "/v1/places:searchText"
# Google wants a query text even with includedType; a generic French word keeps it neutral.
TYPE_QUERY = {"store": "magasin", "restaurant": "restaurant", "cafe": "café", "bar": "bar",
              "meal_takeaway": "à emporter", "bakery": "boulangerie", "hair_salon": "coiffeur",
              "beauty_salon": "institut de beauté", "pharmacy": "pharmacie"}


def default_types() -> list[str]:
    return list(load_places_config().discover["types"])


def discovery_call_estimate(types: Sequence[str]) -> tuple[int, float]:
    """(worst-case billable calls, list price in USD) for discovering these types."""
    config = load_places_config()
    calls = len(types) * int(config.discover["max_pages"])
    return calls, estimate_cost(calls, "text_search", config.masks["discover"])


async def discover_places(client: PlacesClient, bbox: tuple[float, float, float, float],
                          types: Sequence[str] | None = None) -> list[Shop]:
    config = load_places_config()
    mask = field_mask(config.masks["discover"], "places.") + ",nextPageToken"
    found: dict[str, Shop] = {}
    for place_type in types or default_types():
        token: str | None = None
        for _page in range(int(config.discover["max_pages"])):
            body = _body(place_type, bbox, int(config.discover["page_size"]), token)
            try:
                answer = await client.call("POST", SEARCH_PATH, mask, body)
                places = checked_places(answer)  # malformed entries skipped
            except PlacesFailure as failure:
                if failure.status == "not_measured" or failure.key_refused:
                    return list(found.values())
                break  # this type failed (quota, malformed answer...): try the next one
            for place in places:
                if place.get("businessStatus") in config.discover["skip_status"]:
                    continue
                shop = shop_from_place(place)
                if shop is not None:
                    found.setdefault(shop.place_id or shop.name, shop)
            token = answer.get("nextPageToken")
            if not token or not isinstance(token, str):
                break
    return list(found.values())


def _body(place_type: str, bbox: tuple[float, float, float, float], page_size: int,
          token: str | None) -> dict[str, Any]:
    south, west, north, east = bbox
    body: dict[str, Any] = {
        "textQuery": TYPE_QUERY.get(place_type, place_type.replace("_", " ")),
        "includedType": place_type, "strictTypeFiltering": True,
        "languageCode": "fr", "regionCode": "BE", "pageSize": page_size,
        "locationRestriction": {"rectangle": {
            "low": {"latitude": south, "longitude": west},
            "high": {"latitude": north, "longitude": east}}},
    }
    if token:
        body["pageToken"] = token
    return body


def _component(place: dict[str, Any], kind: str) -> str | None:
    for component in place.get("addressComponents") or []:
        if kind in (component.get("types") or []):
            return component.get("longText") or component.get("shortText")
    return None


def shop_from_place(place: dict[str, Any]) -> Shop | None:
    """A Places (New) place object -> Shop (None without a name)."""
    name = ((place.get("displayName") or {}).get("text") or "").strip()
    if not name:
        return None
    street, number = _component(place, "route"), _component(place, "street_number")
    address = " ".join(p for p in (street, number) if p) or None
    formatted = place.get("formattedAddress") or ""
    if address is None and formatted:
        address = formatted.split(",")[0].strip() or None
    postcode = _component(place, "postal_code")
    if postcode is None:
        match = re.search(r"\b(\d{4})\b", formatted)
        postcode = match.group(1) if match else None
    location = place.get("location") or {}
    website = place.get("websiteUri")
    return Shop(
        name=name, website=website, address=address, postcode=postcode,
        city=_component(place, "locality"), phone=place.get("nationalPhoneNumber"),
        category=f"places:{place.get('primaryType') or (place.get('types') or ['?'])[0]}",
        lat=location.get("latitude"), lon=location.get("longitude"),
        place_id=place.get("id"), website_source="places" if website else None,
        sources=["places"],
    )
