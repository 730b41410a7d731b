"""crawl_site end to end against the loopback farm: statuses, key pages, https, robots."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.http import HttpContext
from core.shop import Shop
from fixtures.farm import Farm, FarmRequest, FarmResponse
from scanner.gather.crawler import Crawler
from tests.helpers.crawler import FAST, CrawlerFactory, page, write_site

HOME_LINKS = {"Contact": "/contact", "Notre boutique en ligne": "/boutique",
              "À propos": "/a-propos", "Horaires": "/horaires", "Mentions légales": "/legal",
              "Facebook": "https://www.facebook.com/dupont"}


def bakery(tmp_path: Path, robots: str = "User-agent: *\nDisallow:\n") -> Path:
    return write_site(tmp_path / "bakery", {
        "index.html": page("Boulangerie Dupont", links=HOME_LINKS),
        "contact.html": page("Contact", "Rue Haute 12, 5000 Namur"),
        "boutique.html": page("Boutique", "Commandez en ligne"),
        "a-propos.html": page("À propos"),
        "horaires.html": page("Horaires", "Mardi au samedi 7h-18h"),
        "legal.html": page("Mentions légales"),
        "robots.txt": robots,
        "site.toml": 'scheme = "https"\nredirect_http = true\n',
    })


async def test_home_and_key_pages_with_roles(farm: Farm, tmp_path: Path,
                                              make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("dupont.be", bakery(tmp_path))
    crawler = await make_crawler()
    site = await crawler.crawl_site(Shop(name="Dupont", website="https://dupont.be"))
    assert site.status == "ok", site.errors
    roles = {p.role: p.final_url for p in site.pages}
    assert roles["home"] == "https://dupont.be/"
    assert roles["contact"] == "https://dupont.be/contact"
    assert roles["shop"] == "https://dupont.be/boutique"
    assert roles["about"] == "https://dupont.be/a-propos"
    assert roles["hours"] == "https://dupont.be/horaires"
    assert site.social_links == ["https://www.facebook.com/dupont"]
    assert site.https is True and site.http_redirects_to_https is True
    assert site.robots is not None and site.robots.status == "ok" and site.robots.home_allowed
    assert "/legal" not in farm.stats.paths("dupont.be")  # no keyword: not worth a request
    assert not any("facebook" in p for p in farm.stats.paths("dupont.be"))
    assert crawler.stats.pages_fetched == len(site.pages) == 5


async def test_http_site_redirecting_to_https(farm: Farm, tmp_path: Path,
                                              make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("dupont.be", bakery(tmp_path))
    site = await (await make_crawler()).crawl_site(Shop(name="D", website="dupont.be"))
    assert site.status == "ok"
    assert site.home is not None and site.home.redirects == ["http://dupont.be/"]
    assert site.https is True and site.http_redirects_to_https is True


async def test_plain_http_site(farm: Farm, tmp_path: Path, make_crawler: CrawlerFactory) -> None:
    root = write_site(tmp_path / "plain", {"index.html": page("Chez Marie")})
    farm.add_static_site("marie.be", root)
    site = await (await make_crawler()).crawl_site(Shop(name="M", website="http://marie.be/"))
    assert site.status == "ok" and site.https is False and site.http_redirects_to_https is False
    assert site.robots is not None and site.robots.status == "missing"  # 404 -> allow all


async def test_no_website_and_social_only(make_crawler: CrawlerFactory) -> None:
    crawler = await make_crawler()
    assert (await crawler.crawl_site(Shop(name="A"))).status == "no_website"
    site = await crawler.crawl_site(Shop(name="B", website="https://www.facebook.com/b.shop"))
    assert site.status == "social_only"
    assert site.social_links == ["https://www.facebook.com/b.shop"] and site.pages == []
    assert crawler.stats.requests == 0


async def test_home_disallowed_by_robots(farm: Farm, tmp_path: Path,
                                         make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("dupont.be", bakery(tmp_path, "User-agent: *\nDisallow: /\n"))
    site = await (await make_crawler()).crawl_site(Shop(name="D", website="https://dupont.be/"))
    assert site.status == "blocked_by_robots"
    assert site.robots is not None and site.robots.home_allowed is False
    assert farm.stats.paths("dupont.be") == ["/robots.txt"]


async def test_home_http_error(farm: Farm, tmp_path: Path, make_crawler: CrawlerFactory) -> None:
    farm.add_host("broken.be", lambda req: FarmResponse(404 if req.path == "/robots.txt" else 410,
                                                        b"<h1>Gone</h1>"))
    site = await (await make_crawler()).crawl_site(Shop(name="B", website="https://broken.be/"))
    assert site.status == "http_error"
    assert site.home is not None and site.home.status == 410
    assert [e.kind for e in site.errors] == ["http_status"]


async def test_unreachable_and_refused(farm: Farm, make_crawler: CrawlerFactory) -> None:
    crawler = await make_crawler(allow_private=False)
    refused = await crawler.crawl_site(Shop(name="R", website="http://127.0.0.1:1/"))
    assert refused.status == "refused" and refused.errors[0].kind == "refused"
    dns = await crawler.crawl_site(Shop(name="U", website="https://nowhere.invalid/"))
    assert dns.status == "unreachable" and dns.errors[0].kind == "dns"


async def test_connection_refused_is_unreachable() -> None:
    closed_port = HttpContext(resolve={("closed.be", 443): ("127.0.0.1", 1)}, allow_private=True)
    async with Crawler(FAST, closed_port) as crawler:
        site = await crawler.crawl_site(Shop(name="C", website="https://closed.be/"))
    assert site.status == "unreachable" and site.errors[0].kind == "connect"


async def test_total_timeout_keeps_home(farm: Farm, tmp_path: Path,
                                        make_crawler: CrawlerFactory) -> None:
    def slow_key_pages(req: FarmRequest) -> FarmResponse:
        if req.path == "/":
            return FarmResponse(200, page("Home", links={"Contact": "/contact"}).encode())
        if req.path == "/robots.txt":
            return FarmResponse(404)
        return FarmResponse(200, b"<p>x</p>", delay=5)

    farm.add_host("slow.be", slow_key_pages)
    crawler = await make_crawler(total_timeout_per_shop=1.0, read_timeout=10.0)
    site = await crawler.crawl_site(Shop(name="S", website="https://slow.be/"))
    assert site.status == "ok" and [p.role for p in site.pages] == ["home"]
    assert site.errors[-1].kind == "timeout"


async def test_a_bug_becomes_an_error_not_an_exception(farm: Farm, tmp_path: Path,
                                                       make_crawler: CrawlerFactory) -> None:
    class BrokenStore:
        def get_validators(self, url: str) -> None:
            raise RuntimeError("database is locked")

        def save_validators(self, *args: object) -> None:
            raise AssertionError("not reached")

    farm.add_static_site("dupont.be", bakery(tmp_path))
    crawler = await make_crawler(validators=BrokenStore())
    site = await crawler.crawl_site(Shop(name="D", website="https://dupont.be/"))
    assert site.status == "error"
    assert site.errors[-1].kind == "other" and "database is locked" in site.errors[-1].message


async def test_a_chain_sharing_one_site_stays_within_the_host_limit(
        farm: Farm, tmp_path: Path, make_crawler: CrawlerFactory) -> None:
    from fixtures.static_site import StaticSite

    static = StaticSite(bakery(tmp_path))

    def slow(req: FarmRequest) -> FarmResponse:
        response = static(req)
        response.delay = 0.02
        return response

    farm.add_host("chaine.be", slow)
    crawler = await make_crawler()
    shops = [Shop(name=f"Chaîne {i}", website="https://chaine.be/") for i in range(8)]
    sites = await asyncio.gather(*(crawler.crawl_site(shop) for shop in shops))
    assert all(site.status == "ok" and len(site.pages) == 5 for site in sites)
    assert farm.stats.peak_in_flight["chaine.be"] == 2


async def test_site_redirecting_to_facebook_is_social_only(farm: Farm,
                                                           make_crawler: CrawlerFactory) -> None:
    facebook = "https://www.facebook.com/boucherie.leroy"
    farm.add_host("leroy.be", lambda req: FarmResponse(
        404 if req.path == "/robots.txt" else 301, b"", {"Location": facebook}))
    farm.add_host("www.facebook.com", lambda req: FarmResponse(200, b"<p>facebook</p>"))
    site = await (await make_crawler()).crawl_site(Shop(name="L", website="http://leroy.be/"))
    assert site.status == "social_only" and site.social_links == [facebook]
    assert site.pages == [] and site.errors == []
    assert farm.stats.requests["www.facebook.com"] == 0


async def test_a_finished_sites_cookies_are_sent_back_then_dropped(
        farm: Farm, make_crawler: CrawlerFactory) -> None:
    """Cookies work within a site's crawl; one jar serves the whole scan, so a finished site's
    cookies leave it (5,000 sites' cookies would be checked on every request)."""
    seen: dict[str, list[str]] = {}

    def cookie_site(name: str):
        def answer(req: FarmRequest) -> FarmResponse:
            seen.setdefault(name, []).append(req.headers.get("cookie", ""))
            if req.path == "/robots.txt":
                return FarmResponse(404, b"")
            links = '<a href="/contact">Contact</a><a href="/horaires">Horaires</a>'
            headers = {"Content-Type": "text/html", "Set-Cookie": f"visit={name}; Path=/"}
            return FarmResponse(200, f"<html><body>{links}</body></html>".encode(), headers)
        return answer

    farm.add_host("fromagerie.be", cookie_site("fromagerie"))
    farm.add_host("www.boucherie.be", cookie_site("boucherie"))
    crawler = await make_crawler()
    for website in ("http://fromagerie.be/", "http://www.boucherie.be/"):
        site = await crawler.crawl_site(Shop(name="C", website=website))
        assert site.status == "ok", site.errors
        assert crawler._client is not None and len(crawler._client.cookies.jar) == 0
    assert "visit=fromagerie" in seen["fromagerie"][-1]  # sent back during the crawl
    assert not any("fromagerie" in sent for sent in seen["boucherie"])
