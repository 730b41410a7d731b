"""Hand-made shops and shop results in the stored shape (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from core.shop import Shop


def make_shop(name: str, **fields: Any) -> Shop:
    return Shop(name=name, **fields)


def make_result(shop: Shop, levels: dict[str, int | None] | None = None,
                **extra: Any) -> dict[str, Any]:
    """A hand-made shop result dict in the docs/architecture.md shape."""
    levels = levels or {}
    steps = {}
    for step in ("web_presence", "google_listing", "online_ordering", "click_and_collect",
                 "reviews"):
        level = levels.get(step, 1)
        steps[step] = {"score": None if level is None else level * 25, "level": level,
                       "status": "measured" if level is not None else "not_measured",
                       "reason": None}
    result = {
        "id": shop.id, "name": shop.name, "website": shop.website, "address": shop.address,
        "postcode": shop.postcode, "city": shop.city, "lat": shop.lat, "lon": shop.lon,
        "category": shop.category, "sector": shop.sector or "other", "sources": shop.sources,
        "steps": steps,
        "signals": {"web_presence.https": bool(shop.website)},
        "evidence": {},
        "errors": [],
        "crawl": {"status": "ok" if shop.website else "no_website", "pages": 1,
                  "render": "not_needed", "robots": "ok"},
        "places": {"status": "found", "reason": None, "place_id": shop.place_id},
    }
    result.update(extra)
    return result
