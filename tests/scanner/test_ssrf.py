"""Every crawler request goes through the SSRF guard: literal IPs, loopback names, redirects."""

from __future__ import annotations

import httpx
import pytest

from fixtures.farm import Farm, FarmResponse
from scanner.crawl_stats import CrawlStats
from scanner.fetch import Fetcher, FetchFailure
from scanner.http import HttpContext
from scanner.network import GuardedTransport
from scanner.slots import Slots
from sources.model import Shop
from tests.scanner.conftest import FAST, CrawlerFactory


@pytest.mark.parametrize("website", [
    "http://127.0.0.1/", "http://10.0.0.8/admin", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://192.168.1.1/", "http://0.0.0.0/", "http://localhost/",
    "http://localhost.localdomain/",
])
async def test_private_targets_are_refused(website: str, make_crawler: CrawlerFactory) -> None:
    crawler = await make_crawler(allow_private=False)
    site = await crawler.crawl_site(Shop(name="X", website=website))
    assert site.status in ("refused", "unreachable")  # unreachable: name without an address
    assert site.pages == []
    if site.status == "unreachable":
        assert site.errors[0].kind == "dns"
    else:
        assert site.errors[0].kind == "refused"


async def test_farm_host_refused_without_allow_private(farm: Farm,
                                                       make_crawler: CrawlerFactory) -> None:
    farm.add_host("loop.be", lambda req: FarmResponse(200, b"<p>secret</p>"))
    site = await (await make_crawler(allow_private=False)).crawl_site(
        Shop(name="L", website="https://loop.be/"))
    assert site.status == "refused"
    assert farm.stats.requests["loop.be"] == 0


async def test_redirect_hop_to_a_private_address_is_refused(farm: Farm) -> None:
    """public-shop.be stands for a public site (its transport allows the farm); the redirect
    target is a literal loopback address, reached through the strict default transport."""
    secret = f"http://127.0.0.1:{farm.http_port}/secret"
    farm.add_host("public-shop.be", lambda req: FarmResponse(302, b"", {"Location": secret}))
    resolve = {("public-shop.be", 443): ("127.0.0.1", farm.https_port)}
    public = GuardedTransport(resolve=resolve, allow_private=True, verify=str(farm.ca_pem))
    strict = GuardedTransport(allow_private=False)
    client = httpx.AsyncClient(transport=strict, mounts={"all://public-shop.be": public},
                               headers={"User-Agent": HttpContext().user_agent})
    async with client:
        fetcher = Fetcher(client, FAST, Slots(FAST), CrawlStats())
        with pytest.raises(FetchFailure) as failure:
            await fetcher.fetch_page("https://public-shop.be/")
    assert failure.value.kind == "refused"
    assert farm.stats.paths("public-shop.be") == ["/"]
    assert sum(farm.stats.requests.values()) == 1  # /secret was never requested
