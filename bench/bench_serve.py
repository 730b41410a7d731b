"""Dashboard page times on a territory: 100 communes × 300 shops × 5 scans (150,000 results).

    python bench/bench_serve.py           # fills /tmp/bench-serve.db once, then measures
    python bench/bench_serve.py --db postgresql://postgres@127.0.0.1:55432/bench --fill
    python bench/bench_serve.py --communes 10 --shops 50 --scans 3 --db /tmp/small.db --fill

Filling writes the tables in bulk (one transaction per scan, no identity matching: the same
shop keeps its identity key by construction), then closes every scan with the real
`scoring.aggregate_commune` and `Store.finish_scan`, so the per-scan aggregates are the
ones a real scan writes. Results look like real ones (~5 KB: steps, ~20 signals, evidence).
Pages are requested in process through Starlette's TestClient; times are wall times of the
whole request (query, template, response), first request of each page reported apart; CPU is
the process time the request used (what it would take on an idle core).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
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
            store.finish_scan(scan_id, aggregate_commune(results, rubric))
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
            first, rest = times[0], sorted(times[1:])
            figures[name] = {"first": first, "p50": statistics.median(rest),
                             "p95": rest[max(0, round(0.95 * len(rest)) - 1)], "n": len(rest),
                             "cpu": statistics.median(cpu[1:])}
    return figures


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
    print("| page | first request ms | p50 ms | p95 ms | CPU p50 ms | requests |")
    print("|---|---|---|---|---|---|")
    for name, f in measure(store, args.communes, args.shops, args.scans).items():
        print(f"| {name} | {f['first']:.0f} | {f['p50']:.0f} | {f['p95']:.0f} | {f['cpu']:.0f} "
              f"| {f['n']:.0f} |")
    store.close()


if __name__ == "__main__":
    main()
