"""robots.txt: obeyed, fetched once per site, failure policy, Crawl-delay, our user agent."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest

from core.shop import Shop
from fixtures.farm import Farm, FarmRequest, FarmResponse
from scanner.gather.crawler import Crawler
from tests.helpers.clock import FakeClock
from tests.helpers.crawler import FAST, CrawlerFactory, page, write_site

LINKS = {"Contact": "/contact", "Boutique": "/boutique", "Horaires": "/horaires"}


def shop_site(tmp_path: Path, robots: str) -> Path:
    return write_site(tmp_path / "site", {
        "index.html": page("Épicerie", links=LINKS), "contact.html": page("Contact"),
        "boutique.html": page("Boutique"), "horaires.html": page("Horaires"),
        "robots.txt": robots,
    })


async def test_disallowed_page_is_never_requested(farm: Farm, tmp_path: Path,
                                                  make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("epicerie.be", shop_site(tmp_path, "User-agent: *\nDisallow: /boutique\n"))
    site = await (await make_crawler()).crawl_site(Shop(name="E", website="https://epicerie.be/"))
    paths = farm.stats.paths("epicerie.be")
    assert "/boutique" not in paths
    assert {"/contact", "/horaires"} <= set(paths)
    assert site.status == "ok" and site.errors == []  # skipped before ranking: not an error


async def test_group_for_our_user_agent_wins(farm: Farm, tmp_path: Path,
                                             make_crawler: CrawlerFactory) -> None:
    robots = "User-agent: *\nAllow: /\n\nUser-agent: SmartCommerceScanner\nDisallow: /\n"
    farm.add_static_site("epicerie.be", shop_site(tmp_path, robots))
    site = await (await make_crawler()).crawl_site(Shop(name="E", website="https://epicerie.be/"))
    assert site.status == "blocked_by_robots"
    assert farm.stats.paths("epicerie.be") == ["/robots.txt"]


async def test_concurrent_crawls_share_one_robots_fetch(farm: Farm, tmp_path: Path,
                                                        make_crawler: CrawlerFactory) -> None:
    static = shop_site(tmp_path, "User-agent: *\nDisallow:\n")
    from fixtures.static_site import StaticSite

    site_handler = StaticSite(static)

    def slow_robots(req: FarmRequest) -> FarmResponse:
        response = site_handler(req)
        if req.path == "/robots.txt":
            response.delay = 0.3  # every crawl is waiting while the first fetch is pending
        return response

    farm.add_host("chaine.be", slow_robots)
    crawler = await make_crawler()
    shops = [Shop(name=f"Chaîne {i}", website="https://chaine.be/") for i in range(6)]
    sites = await asyncio.gather(*(crawler.crawl_site(s) for s in shops))
    assert all(s.status == "ok" for s in sites)
    assert farm.stats.paths("chaine.be").count("/robots.txt") == 1


async def test_robots_server_error_skips_the_site(farm: Farm, make_crawler: CrawlerFactory) -> None:
    farm.add_host("panne.be", lambda req: FarmResponse(503 if req.path == "/robots.txt" else 200,
                                                       page("Panne").encode()))
    site = await (await make_crawler(max_retries=0)).crawl_site(
        Shop(name="P", website="https://panne.be/"))
    assert site.status == "http_error"  # a failing server, reported as such
    assert site.robots is not None and site.robots.status == "error"
    assert site.errors[0].kind == "http_status" and "503" in site.errors[0].message
    assert farm.stats.paths("panne.be") == ["/robots.txt"]  # the home page is not requested


async def test_robots_forbidden_means_no_robots(farm: Farm, make_crawler: CrawlerFactory) -> None:
    farm.add_host("prive.be", lambda req: FarmResponse(403 if req.path == "/robots.txt" else 200,
                                                       page("Privé").encode()))
    site = await (await make_crawler()).crawl_site(Shop(name="P", website="https://prive.be/"))
    assert site.status == "ok" and site.robots is not None and site.robots.status == "missing"


async def test_crawl_delay_spaces_requests(farm: Farm, make_crawler: CrawlerFactory) -> None:
    """On a fake clock: the crawler waits out Crawl-delay between page starts (no real wait)."""
    fake = FakeClock()
    links = {"Contact": "/contact", "Boutique": "/shop", "Horaires": "/horaires"}

    def handler(req: FarmRequest) -> FarmResponse:
        if req.path == "/robots.txt":
            return FarmResponse(200, b"User-agent: *\nCrawl-delay: 0.3\n",
                                {"Content-Type": "text/plain"})
        return FarmResponse(200, page(req.path, links=links).encode())

    farm.add_host("lent.be", handler)
    crawler = await make_crawler(clock=fake.clock())
    site = await crawler.crawl_site(Shop(name="L", website="http://lent.be/"))
    assert site.robots is not None and site.robots.crawl_delay == 0.3
    assert len(site.pages) == 4
    # four page starts after robots.txt: at least three waits of 0.3 s (FAST has no own delay)
    assert fake.now - 1000.0 >= 3 * 0.3 - 1e-9, fake.slept


async def test_user_agent_names_the_tool_and_a_contact(farm: Farm,
                                                      make_crawler: CrawlerFactory) -> None:
    seen: list[str] = []

    def handler(req: FarmRequest) -> FarmResponse:
        seen.append(req.headers.get("user-agent", ""))
        return FarmResponse(404)

    farm.add_host("ua.be", handler)
    crawler = await make_crawler(user_agent="MonOutil/2.0", contact_url="https://example.org/c")
    await crawler.crawl_site(Shop(name="U", website="https://ua.be/"))
    assert seen and set(seen) == {"MonOutil/2.0 (+https://example.org/c)"}


async def test_a_robots_fetch_left_behind_is_cancelled_quietly(
        farm: Farm, caplog: pytest.LogCaptureFixture) -> None:
    """A shop that times out while its robots.txt is still coming: closing the crawler
    cancels that fetch, and nothing is logged as 'Task exception was never retrieved'."""
    def handler(req: FarmRequest) -> FarmResponse:
        if req.path == "/robots.txt":
            time.sleep(1.5)
        return FarmResponse(200, page("Lent").encode())

    farm.add_host("robots-lent.be", handler)
    settings = replace(FAST, total_timeout_per_shop=0.3)
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        async with Crawler(settings, farm.http_context(True)) as crawler:
            site = await crawler.crawl_site(Shop(name="L", website="http://robots-lent.be/"))
        left = [t for t in asyncio.all_tasks() if "RobotsCache._load" in repr(t.get_coro())]
        assert all(t.done() for t in left), left  # nothing still fetching after the close
        await asyncio.sleep(0.3)
        gc.collect()
        await asyncio.sleep(0)
    assert site.errors and site.errors[-1].kind == "timeout"
    assert not [r for r in caplog.records if "never retrieved" in r.getMessage()
                or "destroyed but it is pending" in r.getMessage()]
