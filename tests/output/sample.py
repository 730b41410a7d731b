"""Hand-made shop results for report tests: a small commune with a few hostile inputs.

Steps and signals are written by hand; the commune section comes from the real
scoring.aggregate_commune over them.
"""

from __future__ import annotations

from typing import Any

from core.shop import Shop
from core.steps import STEPS
from output.store import Store
from scoring import aggregate_commune, load_rubric

COMMUNE = "Marche-en-Famenne"
HOSTILE_NAME = "<script>alert('name')</script> Chez Zoé & Fils"
HOSTILE_SNIPPET = "Commandez </script><img src=x onerror=alert(1)> ici"
BASE_LAT, BASE_LON = 50.2268, 5.3442

# name, sector, street, levels per step (None = not measured), has website
SHOPS: list[tuple[str, str, str, list[int | None], bool]] = [
    ("Boulangerie Dupont", "food_retail", "Rue Haute", [3, 2, 1, 2, 3], True),
    ("Boucherie Lambert", "food_retail", "Rue Haute", [2, 3, 0, 0, 2], True),
    (HOSTILE_NAME, "nonfood_retail", "Rue Haute", [1, 1, 0, 0, 1], True),
    ("Librairie du Centre", "nonfood_retail", "Place aux Foires", [4, 4, 3, 3, 4], True),
    ("Café de la Place", "horeca", "Place aux Foires", [0, 2, 1, None, 2], False),
    ("Salon Coiffure Anne", "personal_services", "Place aux Foires", [2, 2, 3, 0, 3], True),
    ("Pharmacie Centrale", "health", "Rue du Commerce", [3, 3, 0, 1, 2], True),
    ("Fleurs et Jardin", "nonfood_retail", "Rue du Commerce", [0, 1, 0, 0, 0], False),
    ("=HYPERLINK(\"http://evil.test\",\"x\")", "other", "Rue du Commerce", [1, 0, 0, 0, 0], True),
]


def shop_for(index: int) -> Shop:
    name, sector, street, _levels, has_site = SHOPS[index]
    website = f"https://shop{index}.example.be/" if has_site else None
    return Shop(name=name, sector=sector, address=f"{street} {index + 1}", postcode="6900",
                city="Marche-en-Famenne", website=website, osm_id=f"node/{1000 + index}",
                lat=BASE_LAT + index * 0.0007, lon=BASE_LON + (index % 3) * 0.001,
                category="shop=bakery", sources=["osm"])


def result_for(index: int, shift: int = 0, closed: bool = False) -> dict[str, Any]:
    shop = shop_for(index)
    levels = SHOPS[index][3]
    steps = {}
    for step, level in zip(STEPS, levels, strict=True):
        if level is None:
            steps[step] = {"score": None, "level": None, "status": "not_measured",
                           "reason": "pas de site web"}
        else:
            level = max(0, min(4, level + shift))
            steps[step] = {"score": level * 22 + 5, "level": level, "status": "measured",
                           "reason": None}
    has_site = shop.website is not None
    proof = {"url": shop.website, "snippet": "https", "pattern": "scheme", "confidence": 1.0}
    evidence = {"web_presence.https": [proof]} if has_site else {}
    if index == 2:
        evidence["online_ordering.webshop"] = [
            {"url": "javascript:alert(document.cookie)", "snippet": HOSTILE_SNIPPET,
             "pattern": "cart", "confidence": 0.6}]
    return {
        "id": shop.id, "name": shop.name, "website": shop.website, "address": shop.address,
        "postcode": shop.postcode, "city": shop.city, "lat": shop.lat, "lon": shop.lon,
        "category": shop.category, "sector": shop.sector, "sources": shop.sources,
        "osm_id": shop.osm_id,
        "steps": steps,
        "signals": {"web_presence.website": has_site, "web_presence.https": has_site,
                    "web_presence.mobile_viewport": levels[0] is not None and levels[0] >= 2,
                    "web_presence.opening_hours": False,
                    "web_presence.title": "-2+3" if index == 1 else shop.name,
                    "web_presence.social_links": ["facebook", "instagram"],
                    "google_listing.found": levels[1] > 0,
                    "google_listing.hours": levels[1] > 1,
                    "google_listing.photo_count": levels[1] * 3,
                    "google_listing.business_status":
                        "CLOSED_PERMANENTLY" if closed else "OPERATIONAL",
                    "reviews.google_rating": 4.2 if levels[4] else None},
        "evidence": evidence,
        "errors": [] if has_site else [{"url": "", "kind": "other", "message": "no website"}],
        "crawl": {"status": "ok" if has_site else "no_website", "pages": 3 if has_site else 0,
                  "render": "not_needed", "robots": "ok"},
        "places": {"status": "found", "reason": None, "place_id": f"pl-{index}"},
    }


def build_scan(store: Store, *, shift: int = 0, count: int | None = None,
               finish: bool = True, label: str = "Scan test", commune: str = COMMUNE,
               drop: tuple[int, ...] = (), closed: tuple[int, ...] = ()) -> str:
    indexes = [i for i in range(count or len(SHOPS)) if i not in drop]
    shops = [shop_for(i) for i in indexes]
    scan_id = store.begin_scan(label=label, commune=commune,
                               settings={"places_budget": 50, "render": False}, shops=shops)
    for i in indexes:
        store.save_shop_result(scan_id, result_for(i, shift, closed=i in closed))
    if finish:
        store.finish_scan(scan_id, aggregate_commune(store.iter_shop_results(scan_id),
                                                     load_rubric()))
    return scan_id
