"""Assemble the shop result dict (docs/architecture.md) from what was gathered and judged."""

from __future__ import annotations

from typing import Any

from core.artifacts import ShopArtifacts
from core.result import ProbeReport


def build_shop_result(
    artifacts: ShopArtifacts, report: ProbeReport, steps: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    shop, site, places = artifacts.shop, artifacts.site, artifacts.places
    place_id = (places.place or {}).get("id") if places.place else None
    return {
        "id": shop.id,
        "name": shop.name,
        "website": shop.website,
        "website_source": shop.website_source,
        "address": shop.address,
        "postcode": shop.postcode,
        "city": shop.city,
        "phone": shop.phone,
        "lat": shop.lat,
        "lon": shop.lon,
        "category": shop.category,
        "sector": artifacts.sector or shop.sector,
        "brand": shop.brand,
        "osm_id": shop.osm_id,
        "kbo_number": shop.kbo_number,
        "place_id": place_id or shop.place_id,
        "sources": list(shop.sources),
        "conflicts": dict(shop.conflicts),
        "steps": steps,
        "signals": report.flat_signals(),
        "evidence": report.flat_evidence(),
        "errors": [{"url": e.url, "kind": e.kind, "message": e.message} for e in site.errors],
        "crawl": {
            "status": site.status,
            "pages": len(site.pages),
            "not_modified": sum(page.not_modified for page in site.pages),
            "render": site.render,
            "robots": site.robots.status if site.robots else None,
            "final_url": site.home.final_url if site.home else None,
        },
        "places": {"status": places.status, "reason": places.reason, "place_id": place_id,
                   "match_confidence": places.match_confidence},
    }
