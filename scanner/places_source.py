"""Which Google listing source a scan uses: the Places API (New) client, the legacy one, or the
reason the listing is not measured (no key, --no-places); and the place ids a rescan reuses."""

from __future__ import annotations

import os
from typing import Protocol

from core.artifacts import PlacesArtifact
from core.env import PLACES_KEY_ENV
from core.errors import UserInputError
from core.http import HttpContext
from core.shop import Shop
from output.store import Store
from sources.places import PlacesClient
from sources.places_cache import MemoryPlaceIdCache, PlaceIdCache
from sources.places_legacy import LegacyPlacesClient

PLACES_APIS = ("new", "legacy")


class PlacesEnricher(Protocol):
    """PlacesClient (Places API New) or LegacyPlacesClient (googlemaps)."""

    async def enrich(self, shop: Shop) -> PlacesArtifact: ...
    async def aclose(self) -> None: ...


#: The Google listing source of a scan: a client, None (--no-places) or why it is not measured.
PlacesSource = PlacesEnricher | str | None


def known_place_ids(store: Store, label: str, commune: str | None) -> MemoryPlaceIdCache:
    """Place ids found by the last finished scan of the same list: a rescan asks Google for
    those places by id (Place Details, cheaper than a Text Search)."""
    cache = MemoryPlaceIdCache()
    previous = [scan for scan in store.list_scans(commune)
                if scan.get("finished_at") and scan.get("label") == label]
    if previous:
        for result in store.iter_shop_results(previous[-1]["id"]):
            place_id = result.get("place_id")
            if place_id and (result.get("places") or {}).get("status") == "found":
                cache.put(str(result["id"]), str(place_id))
    return cache


def check_places_api(places_api: str) -> None:
    """Refuse a bad --places-api before anything is scanned."""
    if places_api not in PLACES_APIS:
        raise UserInputError(f"--places-api : « new » ou « legacy », pas « {places_api} »")


def places_source(places_api: str, key: str | None, http_ctx: HttpContext,
                  budget: int | None, known: PlaceIdCache | None = None) -> PlacesSource:
    """A Places client, or a string saying why the listing is not measured (no key)."""
    check_places_api(places_api)
    if not key:
        return f"pas de clé API Google Places ({PLACES_KEY_ENV} non définie)"
    if places_api == "legacy":
        try:
            return LegacyPlacesClient(key)  # googlemaps itself is imported lazily by this client
        except ValueError:  # googlemaps checks the key's form ("AIza…") before any call
            raise UserInputError(f"clé Google Places mal formée ({PLACES_KEY_ENV}) : une clé "
                                 "commence par « AIza »") from None
    return PlacesClient(api_key=key, http_ctx=http_ctx, budget=budget, cache=known)


def places_key(explicit: str | None) -> str | None:
    """The key given by the caller, else the environment's."""
    return explicit or os.environ.get(PLACES_KEY_ENV) or None
