"""The legacy Places API (``--places-api legacy``), for Google Cloud projects that still have
it (it is closed to new projects), through the official ``googlemaps`` client.

Limits, said plainly: the ``googlemaps`` client uses ``requests``, not our guarded httpx
transport (no resolve override, no SSRF guard), and the legacy API takes the key as a URL
parameter (``key=``), which ``googlemaps`` adds itself. We never log its URLs. Because it
cannot go through the fixture farm's resolve override, only the conversion of legacy
answers is tested (with Google's own sample answers), not the calls.

Legacy answers are converted to the Places API (New) shape that probes read, so the rest of
the tool does not know which API was used.

``googlemaps`` is the optional extra ``legacy`` (``pip install '.[legacy]'``), imported only
when a LegacyPlacesClient is made; without it the scan stops with one line saying how to get it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.artifacts import PlacesArtifact
from core.errors import UserInputError
from core.shop import Shop
from sources.places_http import known_status
from sources.places_match import best_candidate, is_match

LEGACY_DETAIL_FIELDS = [
    "place_id", "name", "formatted_address", "geometry/location", "business_status", "type",
    "url", "website", "formatted_phone_number", "international_phone_number",
    "opening_hours", "rating", "user_ratings_total", "photo", "takeout", "delivery",
    "curbside_pickup", "dine_in", "editorial_summary",
]
LEGACY_MISSING = ("--places-api legacy demande le paquet googlemaps : "
                  "pip install 'smart-commerce-scanner[legacy]'")
STATUS = {"OPERATIONAL": "OPERATIONAL", "CLOSED_TEMPORARILY": "CLOSED_TEMPORARILY",
          "CLOSED_PERMANENTLY": "CLOSED_PERMANENTLY"}


def legacy_to_new(result: dict[str, Any]) -> dict[str, Any]:
    """A legacy place result -> a Places (New) place object (only the fields we know)."""
    place: dict[str, Any] = {"id": result.get("place_id")}
    if result.get("name"):
        place["displayName"] = {"text": result["name"]}
    if result.get("formatted_address") or result.get("vicinity"):
        place["formattedAddress"] = result.get("formatted_address") or result.get("vicinity")
    location = (result.get("geometry") or {}).get("location") or {}
    if "lat" in location:
        place["location"] = {"latitude": location["lat"], "longitude": location["lng"]}
    simple = {"business_status": "businessStatus", "website": "websiteUri",
              "formatted_phone_number": "nationalPhoneNumber",
              "international_phone_number": "internationalPhoneNumber", "rating": "rating",
              "user_ratings_total": "userRatingCount", "url": "googleMapsUri", "types": "types"}
    for old, new in simple.items():
        if result.get(old) is not None:
            place[new] = result[old]
    if place.get("types"):
        place["primaryType"] = place["types"][0]
    hours = result.get("opening_hours") or {}
    if hours.get("weekday_text") or hours.get("periods"):
        place["regularOpeningHours"] = {"weekdayDescriptions": hours.get("weekday_text", []),
                                        "periods": hours.get("periods", [])}
    if result.get("photos"):
        place["photos"] = [{"name": p.get("photo_reference")} for p in result["photos"]]
    summary = (result.get("editorial_summary") or {}).get("overview")
    if summary:
        place["editorialSummary"] = {"text": summary}
    for flag in ("takeout", "delivery", "curbside_pickup", "dine_in"):
        if flag in result:
            place[_camel(flag)] = result[flag]
    return {k: v for k, v in place.items() if v is not None}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def artifact_from_legacy(shop: Shop, results: list[dict[str, Any]]) -> PlacesArtifact:
    """Match a legacy Text Search / Find Place answer's results to the shop."""
    places = [legacy_to_new(r) for r in results]
    place, confidence = best_candidate(shop, places)
    if place is None:
        return PlacesArtifact(status="not_found", reason="aucun résultat Google Places")
    if not is_match(confidence):
        return PlacesArtifact(status="not_found", match_confidence=confidence,
                              reason=f"aucun résultat assez proche (meilleur : {confidence:.2f})")
    return PlacesArtifact(status="found", place=dict(place), match_confidence=confidence)


def _import_googlemaps() -> Any:
    """The optional ``googlemaps`` client (extra ``legacy``), or a one-line error saying how
    to install it."""
    try:
        # Lazy: an optional dependency (pip extra "legacy") that goes around our guarded HTTP
        # layer; only --places-api legacy loads it.
        import googlemaps
        import googlemaps.exceptions
    except ImportError:
        raise UserInputError(LEGACY_MISSING) from None
    return googlemaps


class LegacyPlacesClient:
    """``enrich(shop)`` with the legacy API: Text Search, then Place Details of the match."""

    def __init__(self, api_key: str, **client_options: Any) -> None:
        googlemaps = _import_googlemaps()
        self._errors = googlemaps.exceptions
        self._client = googlemaps.Client(key=api_key, **client_options)

    async def enrich(self, shop: Shop) -> PlacesArtifact:
        gm_errors = self._errors
        query = ", ".join(p for p in (shop.name, shop.address, shop.postcode, shop.city) if p)
        try:
            found = await asyncio.to_thread(self._client.places, query=query, language="fr",
                                            region="be")
            artifact = artifact_from_legacy(shop, found.get("results") or [])
            if artifact.status == "found" and artifact.place:
                details = await asyncio.to_thread(
                    self._client.place, artifact.place["id"], fields=LEGACY_DETAIL_FIELDS,
                    language="fr")
                artifact.place = legacy_to_new(details.get("result") or {}) or artifact.place
            return artifact
        except gm_errors.ApiError as exc:  # status text only: the key is in no message
            status = known_status(exc.status) or "erreur"
            return PlacesArtifact(status="error",
                                  reason=f"Google Places (ancienne API) : {status}")
        except (gm_errors.TransportError, gm_errors.Timeout, gm_errors.HTTPError):
            return PlacesArtifact(status="error", reason="Google Places (ancienne API) injoignable")

    async def aclose(self) -> None:
        return None
