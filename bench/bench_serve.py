"""Dashboard page times on a territory: 100 communes × 300 shops × 5 scans (150,000 results).

    python bench/bench_serve.py           # fills /tmp/bench-serve.db once, then measures
    python bench/bench_serve.py --db postgresql://postgres@127.0.0.1:55432/bench --fill
    python bench/bench_serve.py --communes 10 --shops 50 --scans 3 --db /tmp/small.db --fill

Filling writes the tables in bulk (one transaction per scan, no identity matching: the same
shop keeps its identity key by construction), then closes every scan with the real
`scoring.aggregate_commune` and `Store.finish_scan`, so the per-scan aggregates are the
ones a real scan writes. Results look like real ones (~3 KB: steps, ~20 signals, evidence);
each commune has an ecosystem section as a scan gathers it (150 mapped features, findings,
shops far from parking, catchment areas), shown on its commune page.
Pages are requested in process through Starlette's TestClient. Each page gets the wall time
of the whole request (query, template, response) and its CPU time (the process time it used,
all threads: what it costs on an idle core, the stable figure on a shared machine), p50 and
p95; the first request of each page is reported apart. Pages ask for random communes and
shops, so a commune page is mostly built anew; "commune (seen before)" asks for one page
again and again (the dashboard keeps the pages of finished scans). With PostgreSQL the CPU
is the dashboard's only (the server's is another process).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.steps import STEPS  # noqa: E402
from output import _tables as t  # noqa: E402
from output.dashboard import create_app  # noqa: E402
from output.store import Store, utc_now  # noqa: E402
from scoring import aggregate_commune, load_rubric  # noqa: E402
from scoring.model import SECTORS  # noqa: E402

STREETS_PER_COMMUNE = 60
SIGNALS = ["web_presence.website", "web_presence.https", "web_presence.mobile_viewport",
           "web_presence.opening_hours", "web_presence.phone", "web_presence.email",
           "web_presence.social_links", "google_listing.found", "google_listing.hours",
           "google_listing.phone", "google_listing.photo_count", "google_listing.business_status",
           "online_ordering.webshop", "online_ordering.payment_methods",
           "click_and_collect.pickup", "click_and_collect.local_delivery",
           "reviews.google_rating", "reviews.google_review_count", "reviews.schema_rating",
           "web_presence.language"]
SNIPPET = ("Commandez en ligne et retirez votre commande en magasin dès le lendemain, "
           "paiement Bancontact ou Visa, livraison gratuite dans la commune. ")
REQUESTS_PER_PAGE = 40
ECOSYSTEM_FEATURES = {"car_park": 40, "bicycle_parking": 30, "charging_station": 10,
                      "parcel_locker": 8, "postal_point": 4, "pedestrian_street": 6,
                      "marketplace": 2, "attraction": 30, "school": 12, "wifi": 8}


def shop_result(commune: int, index: int, scan: int, levels: list[int],
                rng: random.Random) -> dict[str, Any]:
    street = f"Rue {index % STREETS_PER_COMMUNE + 1} de Commune{commune:03d}"
    website = f"https://shop{index}.commune{commune:03d}.example.be/" if index % 5 else None
    steps = {step: {"score": level * 22 + rng.randint(0, 10), "level": level,
                    "status": "measured" if (website or i % 2) else "not_measured",
                    "reason": None} for i, (step, level) in enumerate(zip(STEPS, levels,
                                                                          strict=True))}
    for observed in steps.values():
        if observed["status"] != "measured":
            observed.update(score=None, level=None, reason="no_website")
    evidence = {name: [{"url": (website or "https://maps.google.com/?cid=1") + "page",
                        "snippet": SNIPPET[: rng.randint(60, len(SNIPPET))],
                        "pattern": "keyword", "confidence": 0.9}]
                for name in rng.sample(SIGNALS, 6)}
    return {
        "id": f"s-{commune:03d}-{index:04d}", "name": f"Commerce {index} de Commune{commune:03d}",
        "website": website, "address": f"{street} {index // STREETS_PER_COMMUNE + 1}",
        "postcode": f"{5000 + commune}", "city": f"Commune{commune:03d}",
        "lat": 50.0 + commune * 0.01 + index * 1e-5, "lon": 4.5 + index * 1e-5,
        "category": "shop=bakery", "sector": SECTORS[index % len(SECTORS)],
        "osm_id": f"node/{commune * 1000 + index}", "sources": ["osm"], "steps": steps,
        "signals": {name: rng.choice([True, False, None, 3, "OPERATIONAL"]) for name in SIGNALS},
        "evidence": evidence, "errors": [],
        "crawl": {"status": "ok" if website else "no_website", "pages": 4,
                  "render": "not_needed", "robots": "ok"},
        "places": {"status": "found", "reason": None, "place_id": f"pl-{commune}-{index}"},
        "identity_key": f"i-{commune:03d}-{index:04d}",
    }


def ecosystem(commune: int, shops: int, rng: random.Random) -> dict[str, Any]:
    """A commune's ecosystem section, shaped as scanner/ecosystem.py writes it."""
    lat, lon = 50.0 + commune * 0.01, 4.5
    features = [{"kind": kind, "name": f"{kind} {i}", "lat": lat + rng.uniform(0, 0.004),
                 "lon": lon + rng.uniform(0, 0.004), "tags": {}, "osm_id": f"node/{i}"}
                for kind, count in ECOSYSTEM_FEATURES.items() for i in range(count)]
    catchment = [{"kind": "catchment_area", "name": f"Zoning {i}", "lat": lat + 0.01 * i,
                  "lon": lon - 0.01, "tags": {}, "area_m2": 120_000.0 * (i + 1),
                  "outside": i == 2, "distance_m": 1500.0 * (i + 1),
                  "links": ["locker", "walk"][: i + 1], "nearest_locker_m": 900.0}
                 for i in range(3)]
    far = [{"id": f"s-{commune:03d}-{i:04d}", "name": f"Commerce {i} de Commune{commune:03d}",
            "street": f"Rue {i % STREETS_PER_COMMUNE + 1}", "distance_m": 320.0 + i}
           for i in range(0, min(shops, 200), 10)]
    counts = {"parcel_lockers": 8, "postal_points": 4, "car_parks": 40, "car_park_capacity": 900,
              "bicycle_parking": 30, "charging_stations": 10, "pedestrian_streets": 6,
              "marketplaces": 2, "attractions": 30, "catchment_areas": 3, "schools": 12,
              "wifi": 8}
    findings = [
        {"type": "strength", "key": "car_parks", "step": "find",
         "values": {"count": 40, "capacity": 900}},
        {"type": "strength", "key": "parcel_lockers", "step": "collect", "values": {"count": 8}},
        {"type": "strength", "key": "attractions", "step": "find", "values": {"count": 30}},
        {"type": "weak_link", "key": "far_from_parking", "step": "find",
         "values": {"count": len(far), "limit": 300}},
        {"type": "weak_link", "key": "catchment_unlinked", "step": "collect",
         "values": {"count": 1, "names": "Zoning 2"}}]
    return {"commune": f"Commune{commune:03d}", "population": 12_000 + commune,
            "counts": counts, "per_1000": {k: round(v / 12.0, 2) for k, v in counts.items()},
            "features": features, "far_from_parking_m": 300, "far_from_parking": far,
            "parking_unknown": 0, "catchment": catchment, "findings": findings}


def fill(store: Store, communes: int, shops: int, scans: int) -> None:
    rubric = load_rubric()
    rng = random.Random(16)
    for commune in range(communes):
        levels = [[rng.randint(0, 4) for _ in STEPS] for _ in range(shops)]
        for scan in range(scans):
            for shop_levels in levels:  # a slow drift: a few shops move at each scan
                step = rng.randrange(len(STEPS))
                if rng.random() < 0.15:
                    shop_levels[step] = max(0, min(4, shop_levels[step] + rng.choice((-1, 1))))
            results = [shop_result(commune, i, scan, levels[i], rng) for i in range(shops)]
            scan_id = _insert_scan(store, commune, scan, results)
            section = aggregate_commune(results, rubric)
            section["ecosystem"] = ecosystem(commune, shops, rng)
            store.finish_scan(scan_id, section)
        print(f"\r{commune + 1}/{communes} communes", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def _insert_scan(store: Store, commune: int, scan: int, results: list[dict[str, Any]]) -> str:
    scan_id = f"scan-bench-{commune:03d}-{scan}"
    started = f"2026-{scan + 1:02d}-{commune % 28 + 1:02d}T08:00:00+00:00"
    now = utc_now()
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.scans).values(
            id=scan_id, label=f"Scan {scan + 1}", commune=f"Commune{commune:03d}",
            status="running", started_at=started, settings_json="{}"))
        conn.execute(sa.insert(t.scan_planned_shops), [
            {"scan_id": scan_id, "shop_id": r["id"], "position": i,
             "shop_json": json.dumps({"id": r["id"], "name": r["name"]})}
            for i, r in enumerate(results)])
        conn.execute(sa.insert(t.shop_results), [
            {"scan_id": scan_id, "shop_id": r["id"], "position": i,
             "identity_key": r["identity_key"], "saved_at": now,
             "result_json": json.dumps(r, ensure_ascii=False)}
            for i, r in enumerate(results)])
    return scan_id


def measure(store: Store, communes: int, shops: int, scans: int) -> dict[str, dict[str, float]]:
    rng = random.Random(7)
    pages = {
        "territory": lambda: "/",
        "territory (sector)": lambda: f"/?sector={rng.choice(SECTORS)}",
        "commune": lambda: f"/commune?name=Commune{rng.randrange(communes):03d}",
        "commune (street)": lambda: (f"/commune?name=Commune{rng.randrange(communes):03d}"
                                     f"&street=Rue+{rng.randrange(STREETS_PER_COMMUNE) + 1}"),
        "commune (seen before)": lambda: f"/commune?name=Commune{communes // 2:03d}",
        "shop": lambda: (f"/shop/i-{rng.randrange(communes):03d}-"
                         f"{rng.randrange(shops):04d}"),
        "compare": lambda: f"/compare?name=Commune{rng.randrange(communes):03d}",
        "export xlsx": lambda: (f"/export/scan-bench-{rng.randrange(communes):03d}-"
                                f"{scans - 1}/xlsx"),
    }
    figures: dict[str, dict[str, float]] = {}
    with TestClient(create_app(store)) as client:
        for name, url in pages.items():
            times, cpu = [], []
            count = 5 if name.startswith("export") else REQUESTS_PER_PAGE
            for _ in range(count + 1):
                started, started_cpu = time.perf_counter(), time.process_time()
                answer = client.get(url())
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                assert answer.status_code == 200, (url, answer.status_code)
            figures[name] = {"first": times[0], "first_cpu": cpu[0], "n": len(times) - 1,
                             "p50": percentile(times[1:], 0.5), "p95": percentile(times[1:], 0.95),
                             "cpu": percentile(cpu[1:], 0.5), "cpu95": percentile(cpu[1:], 0.95)}
    return figures


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p50 of an even count: the lower middle)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="/tmp/bench-serve.db")
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--shops", type=int, default=300)
    parser.add_argument("--scans", type=int, default=5)
    parser.add_argument("--fill", action="store_true", help="fill even if the store has scans")
    args = parser.parse_args()
    store = Store(args.db)
    with store.engine.connect() as conn:
        existing = conn.execute(sa.select(sa.func.count()).select_from(t.scans)).scalar()
    if args.fill or not existing:
        started = time.perf_counter()
        fill(store, args.communes, args.shops, args.scans)
        print(f"filled {args.communes} × {args.shops} × {args.scans} in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    with store.engine.connect() as conn:
        results = conn.execute(sa.select(sa.func.count()).select_from(t.shop_results)).scalar()
    print(f"store: {store.dialect}, {results} shop results")
    print("| page | first: wall / CPU ms | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms "
          "| requests |")
    print("|---|---|---|---|---|---|---|")
    for name, f in measure(store, args.communes, args.shops, args.scans).items():
        print(f"| {name} | {f['first']:.0f} / {f['first_cpu']:.0f} | {f['p50']:.0f} "
              f"| {f['p95']:.0f} | {f['cpu']:.0f} | {f['cpu95']:.0f} | {f['n']:.0f} |")
    store.close()


if __name__ == "__main__":
    main()
