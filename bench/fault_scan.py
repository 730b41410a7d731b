"""Crawl the fault commune (fixtures/fault_farm.py) and print fault → outcome → time.

    python bench/fault_scan.py            # crawler only, short timeouts
    python bench/fault_scan.py --pipeline # the whole scan (run_scan) into a temporary store

Every fault site must end with a result or an explicit error; the table shows which and how long.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures.fault_farm import FaultFarm, add_fault_sites, fault_name_of, fault_shops  # noqa: E402
from scanner.crawler import Crawler  # noqa: E402
from scanner.settings import CrawlSettings  # noqa: E402
from sources.model import Shop  # noqa: E402

#: Short timeouts so that the slow sites are cut quickly (seconds).
FAULT_CRAWL_OVERRIDES: dict[str, Any] = {
    "connect_timeout": 2.0, "read_timeout": 3.0, "total_timeout_per_shop": 6.0,
    "per_host_delay": 0.0, "retry_backoff_base": 0.05, "retry_max_delay": 2.0,
    "render": False, "autothrottle": False,
}


async def crawl_faults(farm: FaultFarm, shops: list[Shop]) -> list[tuple[str, str, str, float]]:
    """(fault, site status, first error, seconds) for every shop, crawled concurrently."""
    settings = CrawlSettings.layered(None, FAULT_CRAWL_OVERRIDES)

    async def one(crawler: Crawler, shop: Shop) -> tuple[str, str, str, float]:
        started = time.monotonic()
        site = await crawler.crawl_site(shop)
        first = f"{site.errors[0].kind}: {site.errors[0].message}" if site.errors else ""
        return fault_name_of(shop.website), site.status, first, time.monotonic() - started

    async with Crawler(settings, farm.http_context()) as crawler:
        return list(await asyncio.gather(*(one(crawler, shop) for shop in shops)))


def run_pipeline(farm: FaultFarm, shops: list[Shop]) -> list[tuple[str, str, str, float]]:
    from scanner.pipeline import ScanConfig, run_scan
    from sources.csv_list import write_shop_list

    with tempfile.TemporaryDirectory() as tmp:
        shops_file = Path(tmp) / "faults.csv"
        write_shop_list(shops, shops_file)
        config = ScanConfig(shops_file=shops_file, http_ctx=farm.http_context(), no_places=True,
                            no_render=True, db_url=f"sqlite:///{tmp}/faults.db",
                            out_dir=Path(tmp) / "out", quiet=True,
                            crawl_overrides=FAULT_CRAWL_OVERRIDES)
        started = time.monotonic()
        outcome = asyncio.run(run_scan(config))
        elapsed = time.monotonic() - started
        from output.store import Store

        store = Store(config.db_url)
        try:
            rows = []
            for result in store.iter_shop_results(outcome.scan_id):
                errors = result.get("errors") or []
                first = f"{errors[0]['kind']}: {errors[0]['message']}" if errors else ""
                rows.append((fault_name_of(result.get("website")), result["crawl"]["status"],
                             first, elapsed))
            return rows
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", action="store_true", help="run the whole scan")
    args = parser.parse_args()
    with FaultFarm() as farm:
        add_fault_sites(farm)
        shops = fault_shops(farm)
        started = time.monotonic()
        rows = run_pipeline(farm, shops) if args.pipeline else asyncio.run(crawl_faults(farm,
                                                                                       shops))
        total = time.monotonic() - started
    print(f"{'fault':28} {'outcome':18} {'time':>6}  first error")
    for fault, status, first, seconds in sorted(rows):
        print(f"{fault:28} {status:18} {seconds:6.2f}  {first[:90]}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{len(rows)} shops in {total:.1f} s, peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
