"""Scan the fault commune (fixtures/fault_farm.py) and print fault → outcome → time.

    python bench/fault_scan.py                  # crawler only: one line per fault with its time
    python bench/fault_scan.py --pipeline       # the whole scan (run_scan) into a temporary store
    python bench/fault_scan.py --pipeline --json out.json --skip nested_100k_divs

Every fault site must end with a result or an explicit error. The robustness tests run this
script as a child process (so that a hang can be killed and its peak memory measured).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.shop import Shop  # noqa: E402
from fixtures.fault_farm import FaultFarm, add_fault_sites, fault_name_of, fault_shops  # noqa: E402

#: Short timeouts so that the slow sites are cut quickly (seconds).
FAULT_CRAWL_OVERRIDES: dict[str, Any] = {
    "connect_timeout": 2.0, "read_timeout": 3.0, "total_timeout_per_shop": 6.0,
    "per_host_delay": 0.0, "retry_backoff_base": 0.05, "retry_max_delay": 2.0,
    "render": False, "autothrottle": False,
}

Row = dict[str, Any]  # fault, status, errors, pages, seconds (+ steps for the pipeline)


async def crawl_faults(farm: FaultFarm, shops: list[Shop]) -> list[Row]:
    """Crawl every fault shop concurrently with the crawler alone."""
    from scanner.gather.crawler import Crawler
    from scanner.gather.settings import CrawlSettings

    settings = CrawlSettings.layered(None, FAULT_CRAWL_OVERRIDES)

    async def one(crawler: Crawler, shop: Shop) -> Row:
        started = time.monotonic()
        site = await crawler.crawl_site(shop)
        return {"fault": fault_name_of(shop.website), "status": site.status,
                "errors": [{"kind": e.kind, "message": e.message} for e in site.errors],
                "pages": len(site.pages), "seconds": time.monotonic() - started}

    async with Crawler(settings, farm.http_context(allow_private=False)) as crawler:
        return list(await asyncio.gather(*(one(crawler, shop) for shop in shops)))


def scan_faults(farm: FaultFarm, shops: list[Shop], tmp: Path) -> list[Row]:
    """The whole pipeline over the fault commune; one row per stored shop result."""
    from output.store import Store
    from scanner.pipeline import ScanConfig, run_scan
    from sources.csv_list import write_shop_list

    shops_file = tmp / "faults.csv"
    write_shop_list(shops, shops_file)
    config = ScanConfig(shops_file=shops_file, http_ctx=farm.http_context(allow_private=False),
                        no_places=True, no_render=True, db_url=f"sqlite:///{tmp}/faults.db",
                        out_dir=tmp / "out", quiet=True, formats=("json",),
                        crawl_overrides=FAULT_CRAWL_OVERRIDES)
    started = time.monotonic()
    outcome = asyncio.run(run_scan(config))
    elapsed = time.monotonic() - started
    with Store(config.db_url) as store:
        return [{"fault": fault_name_of(r.get("website")), "id": r["id"],
                 "status": r["crawl"]["status"], "errors": r.get("errors") or [],
                 "pages": r["crawl"]["pages"], "steps": r["steps"], "seconds": elapsed,
                 "scan_id": outcome.scan_id}
                for r in store.iter_shop_results(outcome.scan_id)]


def print_table(rows: list[Row], total: float) -> None:
    print(f"{'fault':28} {'outcome':18} {'pages':>5} {'time':>6}  first error")
    for row in sorted(rows, key=lambda r: r["fault"]):
        first = row["errors"][0] if row["errors"] else None
        text = f"{first['kind']}: {first['message']}" if first else ""
        print(f"{row['fault']:28} {row['status']:18} {row['pages']:5} {row['seconds']:6.2f}  "
              f"{text[:80]}")
    print(f"\n{len(rows)} shops in {total:.1f} s, peak RSS {peak_rss_mb():.0f} MB")


def peak_rss_mb() -> float:
    """This program's own peak. Not ru_maxrss alone: Linux carries over the peak of the image a
    process exec'd from, so started by a 500 MB pytest it would report pytest's 500 MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):  # high-water mark of this memory map, in kB
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pipeline", action="store_true", help="run the whole scan")
    parser.add_argument("--json", type=Path, help="also write the rows and figures here")
    parser.add_argument("--skip", action="append", default=[], help="a fault to leave out")
    parser.add_argument("--only", action="append", default=[], help="scan only these faults")
    args = parser.parse_args(argv)
    with FaultFarm() as farm, tempfile.TemporaryDirectory() as tmp:
        add_fault_sites(farm)
        shops = [s for s in fault_shops(farm) if fault_name_of(s.website) not in args.skip
                 and (not args.only or fault_name_of(s.website) in args.only)]
        started = time.monotonic()
        if args.pipeline:
            rows = scan_faults(farm, shops, Path(tmp))
        else:
            rows = asyncio.run(crawl_faults(farm, shops))
        total = time.monotonic() - started
        requests = dict(farm.stats.requests)
    print_table(rows, total)
    if args.json:
        args.json.write_text(json.dumps({
            "rows": rows, "shop_ids": [s.id for s in shops], "seconds": total,
            "peak_rss_mb": peak_rss_mb(), "requests": requests}, indent=1), "utf-8")


if __name__ == "__main__":
    main()
