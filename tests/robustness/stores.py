"""Finished scans built without the network: real probes, scoring and store on given pages.

    with Store(url) as store:
        scan_id = finished_scan(store, [(shop, html), ...], label="Hostile")
"""

from __future__ import annotations

from typing import Any

from core.artifacts import FetchedPage, PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.shop import Shop
from output.store import Store
from scanner.judge import judge_shop
from scoring import aggregate_commune, load_rubric


def shop_result(shop: Shop, html: str | None, place: dict[str, Any] | None = None
                ) -> dict[str, Any]:
    """The stored result of one shop whose home page is ``html`` (None: no website)."""
    url = shop.website or "https://exemple.invalid/"
    if html is None:
        site = SiteArtifacts(website=None, status="no_website")
    else:
        page = FetchedPage(url=url, final_url=url, status=200,
                           headers={"content-type": "text/html"}, html=html, role="home")
        site = SiteArtifacts(website=shop.website, status="ok", pages=[page], https=True)
    places = (PlacesArtifact(status="found", place=place, match_confidence=0.9) if place
              else PlacesArtifact(status="not_measured", reason="désactivé"))
    return judge_shop(ShopArtifacts(shop=shop, site=site, places=places), load_rubric())


def finished_scan(store: Store, shops: list[tuple[Shop, str | None]], label: str = "Test",
                  commune: str | None = "Testville") -> str:
    scan_id = store.begin_scan(label=label, commune=commune, settings={},
                               shops=[shop for shop, _ in shops])
    for shop, html in shops:
        store.save_shop_result(scan_id, shop_result(shop, html))
    store.finish_scan(scan_id, aggregate_commune(store.iter_shop_results(scan_id), load_rubric()))
    return scan_id
