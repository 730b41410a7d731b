"""Google Places API (New) client: find a shop's listing and read it.

    async with PlacesClient(api_key, http_ctx, budget=200) as places:
        artifact = await places.enrich(shop)     # core.artifacts.PlacesArtifact

- The key travels only in the ``X-Goog-Api-Key`` header; it never appears in a URL, a log
  line or an error message.
- ``enrich`` makes ONE billable call per shop: a Text Search with the "enrich" field mask
  (see sources/data/places_fields.toml for masks and SKUs), or, when the place id is already
  known (``shop.place_id`` or the PlaceIdCache), a cheaper Place Details call by id.
- Outcomes are values: found / not_found / not_measured (no key, budget spent) / error
  (key refused, quota, network, an answer too large or of the wrong shape). ``enrich`` never
  raises. After the key is refused once, no more calls are made.
- Answers are checked at the boundary (sources/places_http.py ``checked_place`` /
  ``checked_places``): malformed candidates are skipped, and the code past it (matching,
  probes) only sees place objects of the expected shape.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx

from core.artifacts import PlacesArtifact
from core.http import HttpContext, make_client
from core.shop import Shop
from sources.places_cache import MemoryPlaceIdCache, PlaceIdCache
from sources.places_fields import field_mask, load_places_config
from sources.places_http import (
    PlaceNotFound,
    PlacesBudget,
    PlacesFailure,
    call_places,
    checked_place,
    checked_places,
)
from sources.places_match import best_candidate, is_match, match_confidence

PLACES_BASE_URL = "https://places.googleapis.com"
LANGUAGE = "fr"
REGION = "BE"
SEARCH_RESULTS = 5  # candidates compared per shop
BIAS_RADIUS_M = 500.0  # locationBias circle around a shop with known coordinates
NO_KEY_REASON = "pas de clé API Google Places"
BUDGET_REASON = "budget Places épuisé"
HTTP_TIMEOUT = httpx.Timeout(20.0, connect=10.0)

Sleep = Callable[[float], Awaitable[None]]


class PlacesClient:
    def __init__(
        self, api_key: str | None, http_ctx: HttpContext, budget: int | PlacesBudget | None = None,
        base_url: str = PLACES_BASE_URL, *, cache: PlaceIdCache | None = None,
        mask: str = "enrich", sleep: Sleep = asyncio.sleep, max_attempts: int = 3,
    ) -> None:
        self._key = (api_key or "").strip() or None
        self._ctx = http_ctx
        self.budget = budget if isinstance(budget, PlacesBudget) else PlacesBudget(budget)
        self.base_url = base_url.rstrip("/")
        self.cache = cache if cache is not None else MemoryPlaceIdCache()
        self.fields = load_places_config().masks[mask]
        self._sleep, self._max_attempts = sleep, max_attempts
        self._client: httpx.AsyncClient | None = None
        self._fatal: str | None = None  # set when the key is refused: stop calling

    async def __aenter__(self) -> PlacesClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def call(self, method: str, path: str, mask: str, body: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
        """One billable request (retries included); raises PlacesFailure / PlaceNotFound."""
        if self._key is None:
            raise PlacesFailure(NO_KEY_REASON, status="not_measured")
        if self._fatal:
            raise PlacesFailure(self._fatal)
        if not self.budget.take():
            raise PlacesFailure(BUDGET_REASON, status="not_measured")
        if self._client is None:
            self._client = make_client(self._ctx, timeout=HTTP_TIMEOUT)
        try:
            return await call_places(
                self._client, method, self.base_url + path, self._key, mask, body,
                max_attempts=self._max_attempts, sleep=self._sleep)
        except PlacesFailure as failure:
            if failure.key_refused:
                self._fatal = failure.reason
            raise

    async def enrich(self, shop: Shop) -> PlacesArtifact:
        try:
            known_id = shop.place_id or self.cache.get(shop.id)
            if known_id:
                place = await self._details_or_none(known_id)
                if place is not None:
                    return self._found(shop, place, match_confidence(shop, place))
            return await self._search(shop)
        except PlacesFailure as failure:
            return PlacesArtifact(status=failure.status, reason=failure.reason)

    async def _details_or_none(self, place_id: str) -> dict[str, Any] | None:
        try:
            answer = await self.call("GET", f"/v1/places/{quote(place_id, safe='')}",
                                     field_mask(self.fields))
        except PlaceNotFound:
            return None  # the listing was removed or merged: search again
        return checked_place(answer)

    async def _search(self, shop: Shop) -> PlacesArtifact:
        answer = await self.call("POST", "/v1/places:searchText",
                                 field_mask(self.fields, "places."), search_body(shop))
        place, confidence = best_candidate(shop, checked_places(answer))
        if place is None:
            return PlacesArtifact(status="not_found", reason="aucun résultat Google Places")
        if not is_match(confidence):
            return PlacesArtifact(
                status="not_found", match_confidence=confidence,
                reason=f"aucun résultat assez proche (meilleur : {confidence:.2f})")
        return self._found(shop, dict(place), confidence)

    def _found(self, shop: Shop, place: dict[str, Any], confidence: float) -> PlacesArtifact:
        if place.get("id"):
            self.cache.put(shop.id, str(place["id"]))
        return PlacesArtifact(status="found", place=place, match_confidence=confidence)


def search_body(shop: Shop) -> dict[str, Any]:
    where = " ".join(p for p in (shop.postcode, shop.city) if p)
    text = ", ".join(p for p in (shop.name, shop.address, where) if p)
    body: dict[str, Any] = {"textQuery": text, "languageCode": LANGUAGE, "regionCode": REGION,
                            "maxResultCount": SEARCH_RESULTS}
    if shop.lat is not None and shop.lon is not None:
        body["locationBias"] = {"circle": {
            "center": {"latitude": shop.lat, "longitude": shop.lon}, "radius": BIAS_RADIUS_M}}
    return body
