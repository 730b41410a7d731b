"""Every crawler request goes through the SSRF guard: literal IPs, loopback names, redirects."""

from __future__ import annotations

import pytest

from core.shop import Shop
from fixtures.farm import Farm, FarmResponse
from tests.helpers.crawler import CrawlerFactory


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


async def test_pinned_host_is_trusted_but_its_redirects_are_checked(
        farm: Farm, make_crawler: CrawlerFactory) -> None:
    """Pinned resolve targets are trusted (curl --resolve); a redirect hop to a private
    address, by literal IP or by a name resolving to loopback, is refused and never made."""
    secrets = {"/": f"http://127.0.0.1:{farm.http_port}/secret",
               "/fr": f"http://localhost:{farm.http_port}/secret"}
    farm.add_host("public-shop.be", lambda req: FarmResponse(
        302 if req.path in secrets else 404, b"", {"Location": secrets.get(req.path, "")}))
    crawler = await make_crawler(allow_private=False)
    for path in secrets:
        site = await crawler.crawl_site(Shop(name="P", website=f"https://public-shop.be{path}"))
        assert site.status == "refused" and site.errors[0].kind == "refused"
    assert farm.stats.paths("public-shop.be") == ["/robots.txt", "/", "/robots.txt", "/fr"]
    assert not any("secret" in path for _, _, path in farm.stats.log)
