"""Per-host slots under a burst, the global cap, and AutoThrottle's steps."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from core.http import make_client
from fixtures.farm import Farm, FarmRequest, FarmResponse
from scanner.gather.fetch import Fetcher
from scanner.gather.settings import CrawlSettings
from scanner.gather.slots import Slots
from scanner.gather.stats import CrawlStats
from tests.helpers.crawler import FAST


async def burst(farm: Farm, settings: CrawlSettings, urls: list[str]) -> Slots:
    slots = Slots(settings)
    async with make_client(farm.http_context(), max_connections=64) as client:
        fetcher = Fetcher(client, settings, slots, CrawlStats())
        await asyncio.gather(*(fetcher.get(url) for url in urls))
    return slots


async def test_per_host_limit_holds_under_a_burst(farm: Farm) -> None:
    for host in ("a.be", "b.be"):
        farm.add_host(host, lambda req: FarmResponse(200, b"ok", delay=0.05))
    urls = [f"https://{h}/p{i}" for i in range(15) for h in ("a.be", "b.be")]
    await burst(farm, FAST, urls)
    assert farm.stats.requests["a.be"] == farm.stats.requests["b.be"] == 15
    assert farm.stats.peak_in_flight["a.be"] == 2  # reached, never passed
    assert farm.stats.peak_in_flight["b.be"] == 2


async def test_global_limit_across_hosts(farm: Farm) -> None:
    lock, state = threading.Lock(), {"now": 0, "peak": 0}

    def counted(req: FarmRequest) -> FarmResponse:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        try:
            threading.Event().wait(0.05)
            return FarmResponse(200, b"ok")
        finally:
            with lock:
                state["now"] -= 1

    hosts = [f"h{i}.be" for i in range(6)]
    for host in hosts:
        farm.add_host(host, counted)
    settings = replace(FAST, global_concurrency=3, per_host_concurrency=2)
    await burst(farm, settings, [f"http://{h}/{i}" for h in hosts for i in range(4)])
    assert state["peak"] == 3


def test_autothrottle_follows_latency_within_bounds() -> None:
    settings = CrawlSettings(per_host_delay=0.2, autothrottle_max_delay=5.0,
                             autothrottle_target_concurrency=2.0)
    slots = Slots(settings)
    slots._slot("x.be")  # a host in use
    assert slots.current_delay("x.be") == 0.2
    slots.observe("x.be", latency=4.0, ok=True)  # target 2.0 -> mean of 0.2 and 2.0
    assert slots.current_delay("x.be") == 1.1
    slots.observe("x.be", latency=0.0, ok=False)  # errors never speed up
    assert slots.current_delay("x.be") == 1.1
    slots.observe("x.be", latency=0.0, ok=True)  # fast again: halves towards 0 ...
    assert slots.current_delay("x.be") == 0.55
    for _ in range(10):
        slots.observe("x.be", latency=0.0, ok=True)
    assert slots.current_delay("x.be") == 0.2  # ... but never under the floor
    for _ in range(20):
        slots.observe("x.be", latency=60.0, ok=True)
    assert slots.current_delay("x.be") == 5.0  # nor over the maximum


def test_crawl_delay_raises_the_floor_and_is_capped() -> None:
    slots = Slots(CrawlSettings(per_host_delay=0.1, max_crawl_delay=3.0))
    slots.set_crawl_delay("y.be", 1.0)
    assert slots.current_delay("y.be") == 1.0
    slots.set_crawl_delay("z.be", 120.0)
    assert slots.current_delay("z.be") == 3.0


def test_autothrottle_off_keeps_the_delay() -> None:
    slots = Slots(CrawlSettings(per_host_delay=0.3, autothrottle=False))
    slots._slot("x.be")
    slots.observe("x.be", latency=9.0, ok=True)
    assert slots.current_delay("x.be") == 0.3


async def test_rate_ceiling_spaces_a_burst(farm: Farm) -> None:
    farm.add_host("chaine.be", lambda req: FarmResponse(200, b"ok"))
    settings = replace(FAST, per_host_max_rate=5.0, per_host_concurrency=4)
    started = asyncio.get_running_loop().time()
    await burst(farm, settings, [f"https://chaine.be/{i}" for i in range(10)])
    elapsed = asyncio.get_running_loop().time() - started
    assert farm.stats.requests["chaine.be"] == 10
    assert elapsed >= 0.9  # 5 at once (the bucket), then one every 0.2 s
