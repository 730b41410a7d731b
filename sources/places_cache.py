"""Remember which Google place each shop is, so a rescan fetches details by id (cheaper).

A cache maps our stable shop id (``Shop.id``) to a Places ``id``. Two implementations:
``MemoryPlaceIdCache`` (one run) and ``JsonPlaceIdCache`` (a small JSON file next to the scan
output, e.g. ``smartcommerce-out/place_ids.json``, rewritten atomically on each change).
Anything with ``get`` / ``put`` works, e.g. a store-backed adapter.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
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


class JsonPlaceIdCache:
    """``{"s-…": "ChIJ…"}`` in a JSON file; a missing or broken file starts empty."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        self._ids = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, shop_id: str) -> str | None:
        return self._ids.get(shop_id)

    def put(self, shop_id: str, place_id: str) -> None:
        if self._ids.get(shop_id) == place_id:
            return
        self._ids[shop_id] = place_id
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".place_ids.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(self._ids, out, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
