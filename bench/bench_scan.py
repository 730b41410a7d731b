"""Crawl benchmark: our full scan (and the crawler alone) against a Scrapy spider, same farm.

    python bench/bench_scan.py                       # 300 shops: scan, crawler, scrapy
    python bench/bench_scan.py --shops 5000 --runs scan   # memory check (peak RSS ≤ 300 MB)

A synthetic commune (bench/synthetic_farm.py, its own process) serves N shops on distinct
127.1.x.y addresses with 6 real-looking pages of 20–300 KB and ``--latency`` added per answer.
Each run is a separate process, so its wall time, CPU and peak RSS are its own:

* ``scan``: ``scanner.pipeline.run_scan`` on a shop CSV (fetch, all probes, SQLite store,
  JSON report), without Google Places and without rendering;
* ``crawler``: ``Crawler.crawl_site`` alone, ``global_concurrency`` shops at a time;
* ``scrapy``: a Scrapy spider (benchmark-only extra) fetching robots.txt, the home page and 4
  same-site links per shop, with the same concurrency and per-host delay settings.

Printed per run: wall time, pages/s, CPU ms per page, peak RSS, the ideal lower bound
(requests × latency / global concurrency), the highest number of concurrent requests any one
shop saw (counted by the farm); then the ratio scan / Scrapy.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic_farm import shop_host, shop_ip  # noqa: E402

RUNS = ("scan", "crawler", "scrapy")
#: --probe-processes N (default: the scanner's automatic choice).
_PROBE_PROCESSES: dict[str, Any] = {}
TARGET_RATIO = 1.5  # full scan wall time ≤ 1.5 × Scrapy's
TARGET_RSS_MB_5000 = 300


# -- workers (each run in its own process) ------------------------------------------------------
def _usage() -> dict[str, float]:
    """CPU of this run, its probe workers included (and of the scanning process alone); peak
    RSS of the scanning process and of its largest worker."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = own.ru_utime + own.ru_stime
    return {"cpu_s": own_cpu + workers.ru_utime + workers.ru_stime, "main_cpu_s": own_cpu,
            "peak_rss_mb": own.ru_maxrss / 1024,
            "worker_peak_rss_mb": workers.ru_maxrss / 1024}


def _resolve_map(shops: int, port: int) -> dict[tuple[str, int], tuple[str, int]]:
    return {(shop_host(i), 80): (shop_ip(i), port) for i in range(shops)}


def _bench_settings() -> Any:
    from scanner.gather.settings import CrawlSettings

    return CrawlSettings.layered(None, {"render": False})


async def _run_pipeline(shops: int, port: int, workdir: Path) -> dict[str, Any]:
    from core.http import HttpContext
    from scanner.pipeline import ScanConfig, run_scan

    shop_file = workdir / "shops.csv"
    with shop_file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "website"])
        writer.writerows([f"Commerce {i:05d}", f"http://{shop_host(i)}/"] for i in range(shops))
    config = ScanConfig(
        shops_file=shop_file, db_url=f"sqlite:///{workdir / 'bench.db'}", no_places=True,
        no_render=True, quiet=True, out_dir=workdir / "out", formats=("json",),
        http_ctx=HttpContext(resolve=_resolve_map(shops, port), allow_private=True),
        crawl_overrides=_PROBE_PROCESSES,
    )
    outcome = await run_scan(config)
    return {"shops_done": outcome.shops_done, "errors": outcome.errors}


async def _run_crawler(shops: int, port: int) -> dict[str, Any]:
    from core.http import HttpContext
    from core.shop import Shop
    from scanner.gather.crawler import Crawler

    settings = _bench_settings()
    pending = iter(range(shops))
    statuses: dict[str, int] = {}
    http = HttpContext(resolve=_resolve_map(shops, port), allow_private=True)
    async with Crawler(settings, http) as crawler:
        async def worker() -> None:
            for i in pending:
                site = await crawler.crawl_site(Shop(name=f"C{i}", website=f"http://{shop_host(i)}/"))
                statuses[site.status] = statuses.get(site.status, 0) + 1

        await asyncio.gather(*(worker() for _ in range(settings.global_concurrency)))
        return {"statuses": statuses, "pages": crawler.stats.pages_fetched,
                "retries": crawler.stats.retries}


def _run_scrapy(shops: int, port: int) -> dict[str, Any]:
    from urllib.parse import urlsplit

    import scrapy
    from scrapy.crawler import CrawlerProcess

    settings = _bench_settings()
    counts = {"pages": 0}

    class ShopSpider(scrapy.Spider):  # type: ignore[misc]
        name = "bench"
        start_urls = [f"http://{shop_ip(i)}:{port}/" for i in range(shops)]

        def parse(self, response: Any) -> Any:
            counts["pages"] += 1
            host, links = urlsplit(response.url).netloc, []
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href)
                if urlsplit(url).netloc == host and url != response.url and url not in links:
                    links.append(url)
                if len(links) == 4:
                    break
            for url in links:
                yield scrapy.Request(url, callback=self.parse_page)

        def parse_page(self, response: Any) -> None:
            counts["pages"] += 1

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": settings.global_concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.per_host_concurrency,
        "DOWNLOAD_DELAY": settings.per_host_delay, "ROBOTSTXT_OBEY": True,
        "USER_AGENT": settings.user_agent_header, "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False, "DOWNLOAD_TIMEOUT": settings.read_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_body_bytes,
    })
    process.crawl(ShopSpider)
    process.start()
    return {"pages": counts["pages"]}


def worker_main(run: str, shops: int, port: int) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="smartcommerce-bench-") as tmp:
        if run == "scan":
            details = asyncio.run(_run_pipeline(shops, port, Path(tmp)))
        elif run == "crawler":
            details = asyncio.run(_run_crawler(shops, port))
        else:
            details = _run_scrapy(shops, port)
    result = {"run": run, "wall_s": time.perf_counter() - started, **_usage(), **details}
    print(json.dumps(result), flush=True)


# -- driver ---------------------------------------------------------------------------------------
def _control(address: str, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://{address}{path}", timeout=10) as answer:  # noqa: S310
        data: dict[str, Any] = json.loads(answer.read())
        return data


def _start_farm(shops: int, latency: float) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    farm = subprocess.Popen(
        [sys.executable, "-m", "bench.synthetic_farm", "--shops", str(shops),
         "--latency", str(latency)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert farm.stdout is not None
    return farm, json.loads(farm.stdout.readline())


def _one_run(run: str, shops: int, farm_info: dict[str, Any], latency: float,
             concurrency: int) -> dict[str, Any]:
    _control(farm_info["control"], "/reset")
    extra = [f"--probe-processes={v}" for v in _PROBE_PROCESSES.values()]
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", run, "--shops", str(shops),
         "--port", str(farm_info["port"]), *extra], cwd=ROOT, capture_output=True, text=True,
        check=False)
    if done.returncode != 0:
        raise SystemExit(f"{run} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    farm = _control(farm_info["control"], "/stats")
    requests = farm["requests"]
    result.update(requests=requests, robots=farm["robots"],
                  max_peak_in_flight=farm["max_peak_in_flight"],
                  ideal_s=requests * latency / concurrency)
    return result


def _print(results: list[dict[str, Any]], shops: int, latency: float, limit: int) -> None:
    print(f"\n{shops} shops, {latency * 1000:.0f} ms latency per answer, "
          f"per-host limit {limit}\n")
    print(f"{'run':8} {'wall s':>7} {'req':>6} {'pages/s':>8} {'CPU ms/page':>11} "
          f"{'main ms':>7} {'RSS MB':>7} {'wRSS MB':>7} {'ideal s':>7} {'peak/host':>9}")
    for r in results:
        pages = r["requests"] - r["robots"]
        print(f"{r['run']:8} {r['wall_s']:7.1f} {r['requests']:6d} {pages / r['wall_s']:8.1f} "
              f"{r['cpu_s'] * 1000 / max(pages, 1):11.1f} "
              f"{r.get('main_cpu_s', r['cpu_s']) * 1000 / max(pages, 1):7.1f} "
              f"{r['peak_rss_mb']:7.0f} "
              f"{r.get('worker_peak_rss_mb', 0):7.0f} "
              f"{r['ideal_s']:7.1f} {r['max_peak_in_flight']:9d}")
    by_run = {r["run"]: r for r in results}
    if "scan" in by_run and "scrapy" in by_run:
        ratio = by_run["scan"]["wall_s"] / by_run["scrapy"]["wall_s"]
        verdict = "OK" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(f"\nscan / Scrapy wall time: {ratio:.2f} (target ≤ {TARGET_RATIO}) {verdict}")
    ours = [r["max_peak_in_flight"] for r in results if r["run"] != "scrapy"]
    if ours:
        worst = max(ours)
        print(f"highest concurrent requests one host saw from us: {worst} (limit {limit}) "
              f"{'OK' if worst <= limit else 'OVER LIMIT'}")
    for r in results:
        extra = {k: v for k, v in r.items() if k in ("statuses", "shops_done", "errors")}
        if extra:
            print(f"{r['run']}: {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Crawl benchmark (see module docstring).")
    parser.add_argument("--shops", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", default=",".join(RUNS), help="comma list of " + ", ".join(RUNS))
    parser.add_argument("--worker", choices=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--probe-processes", type=int, default=None,
                        help="probe worker processes for the scan run (default: automatic)")
    args = parser.parse_args()
    if args.probe_processes is not None:
        _PROBE_PROCESSES["probe_processes"] = args.probe_processes
    if args.worker:
        worker_main(args.worker, args.shops, args.port)
        return
    settings = _bench_settings()
    farm, info = _start_farm(args.shops, args.latency)
    try:
        results = [_one_run(run, args.shops, info, args.latency, settings.global_concurrency)
                   for run in args.runs.split(",")]
    finally:
        farm.terminate()
        farm.wait(timeout=10)
    _print(results, args.shops, args.latency, settings.per_host_concurrency)


if __name__ == "__main__":
    main()
