"""Remember which Google place each shop is, so a rescan fetches details by id (cheaper).

A cache maps our stable shop id (``Shop.id``) to a Places ``id``: ``MemoryPlaceIdCache`` for
one run; anything with ``get`` / ``put`` works, e.g. a store-backed adapter.
"""

from __future__ import annotations

from typing import Protocol


class PlaceIdCache(Protocol):
    def get(self, shop_id: str) -> str | None: ...
    def put(self, shop_id: str, place_id: str) -> None: ...


class MemoryPlaceIdCache:
    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def get(self, shop_id: str) -> str | None:
        return self._ids.get(shop_id)

    def put(self, shop_id: str, place_id: str) -> None:
        self._ids[shop_id] = place_id
