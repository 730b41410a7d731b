"""Whatever a shop list says a website is, Crawler.crawl_site returns a result and never raises.

No DNS is asked: every name ends in .invalid or is refused before any lookup.
"""

from __future__ import annotations

import logging

import pytest

from core.http import HttpContext
from core.shop import Shop
from scanner.gather.crawler import Crawler
from scanner.gather.settings import CrawlSettings

FAST = {"connect_timeout": 1.0, "read_timeout": 1.0, "total_timeout_per_shop": 5.0,
        "render": False, "max_retries": 0}

MALFORMED = [
    "http://[::1/",
    "http://[boutique.invalid]/",
    "https://boutique.invalid:99999/",
    "http://boutique.invalid:0/", "ftp://boutique.invalid/", "http:///x", "http://\x00.invalid/",
    "http://a..invalid/", "https://" + "a" * 300 + ".invalid/", "javascript:alert(1)",
    "http://①②⑦.0.0.1/", "http://boutique.invalid/\r\nX-Injected: 1", "//boutique.invalid",
    "mailto:info@boutique.invalid", "   ", "http://%zz.invalid/", "http://[::ffff:10.0.0.1]/",
]


@pytest.mark.parametrize("website", MALFORMED)
async def test_crawl_site_never_raises(website: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL)
    async with Crawler(CrawlSettings.layered(None, FAST), HttpContext()) as crawler:
        site = await crawler.crawl_site(Shop(name="Adresse bizarre", website=website))
    assert site.status in ("error", "refused", "unreachable", "no_website"), site.status
    if site.status != "no_website":
        assert site.errors and site.errors[0].message
