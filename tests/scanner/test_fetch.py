"""Fetching: body caps (gzip bomb), content types, redirects, encodings, conditional requests."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from core.shop import Shop
from fixtures.farm import Farm, FarmRequest, FarmResponse
from scanner.gather.encoding import decode_html, detect_encoding
from tests.helpers.crawler import CrawlerFactory, page, write_site

CAFE = "<html><body><p>Café crème, pâtisseries et boissons à emporter</p></body></html>"


def serve_home(farm: Farm, host: str, body: bytes, headers: dict[str, str]) -> None:
    def handler(req: FarmRequest) -> FarmResponse:
        if req.path == "/robots.txt":
            return FarmResponse(404)
        return FarmResponse(200, body, headers)

    farm.add_host(host, handler)


async def crawl_home(make_crawler: CrawlerFactory, host: str, **settings: object):  # noqa: ANN201
    crawler = await make_crawler(**settings)
    return await crawler.crawl_site(Shop(name=host, website=f"https://{host}/"))


async def test_gzip_bomb_is_cut_at_the_decompressed_cap(farm: Farm,
                                                        make_crawler: CrawlerFactory) -> None:
    bomb = gzip.compress(b"<p>" + b"0" * (20 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024  # small on the wire, 20 MB once decompressed
    serve_home(farm, "bomb.be", bomb, {"Content-Encoding": "gzip"})
    site = await crawl_home(make_crawler, "bomb.be", max_body_bytes=1024 * 1024)
    assert site.status == "error" and site.pages == []
    assert site.errors[0].kind == "too_large"


async def test_plain_body_over_the_cap(farm: Farm, make_crawler: CrawlerFactory) -> None:
    serve_home(farm, "big.be", b"<p>" + b"x" * 300_000, {})
    site = await crawl_home(make_crawler, "big.be", max_body_bytes=200_000)
    assert site.errors[0].kind == "too_large"
    ok = await crawl_home(make_crawler, "big.be", max_body_bytes=400_000)
    assert ok.status == "ok" and ok.home is not None and len(ok.home.html) == 300_003


async def test_gzip_page_under_the_cap_is_decoded(farm: Farm, make_crawler: CrawlerFactory) -> None:
    serve_home(farm, "gz.be", gzip.compress(CAFE.encode()), {"Content-Encoding": "gzip"})
    site = await crawl_home(make_crawler, "gz.be")
    assert site.home is not None and "Café crème" in site.home.html


async def test_not_a_web_page(farm: Farm, make_crawler: CrawlerFactory) -> None:
    serve_home(farm, "pdf.be", b"%PDF-1.4", {"Content-Type": "application/pdf"})
    site = await crawl_home(make_crawler, "pdf.be")
    assert site.status == "error" and site.errors[0].kind == "content_type"


async def test_each_redirect_hop_is_counted_and_capped(farm: Farm,
                                                       make_crawler: CrawlerFactory) -> None:
    def hops(req: FarmRequest) -> FarmResponse:
        if req.path == "/robots.txt":
            return FarmResponse(404)
        n = int(req.path.strip("/") or 0)
        return FarmResponse(302, b"", {"Location": f"/{n + 1}"})

    farm.add_host("loop.be", hops)
    site = await crawl_home(make_crawler, "loop.be", max_redirects=3)
    assert site.status == "error" and "redirects" in site.errors[0].message
    assert farm.stats.paths("loop.be") == ["/robots.txt", "/", "/1", "/2", "/3"]


@pytest.mark.parametrize("body, content_type, expected", [
    (CAFE.encode("latin-1"), "text/html; charset=ISO-8859-1", "Café crème"),
    (b'<meta charset="windows-1252">' + CAFE.encode("cp1252"), "text/html", "Café crème"),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
     + "Prix : 5 €".encode("iso-8859-15"), "text/html", "5 €"),
    (CAFE.encode("utf-8"), "text/html", "Café crème"),
    ("Œufs frais – 3 €".encode("cp1252"), "text/html", "Œufs frais – 3 €"),  # sniffed
    (b"\xef\xbb\xbf" + CAFE.encode("utf-8"), "text/html; charset=iso-8859-1", "Café crème"),
])
def test_encodings(body: bytes, content_type: str, expected: str) -> None:
    assert expected in decode_html(body, content_type)


def test_unknown_header_charset_falls_back_to_meta_then_sniff() -> None:
    assert detect_encoding(CAFE.encode("utf-8"), "text/html; charset=x-bogus") == "utf-8"
    assert detect_encoding("é".encode("cp1252"), "text/html; charset=x-bogus") == "cp1252"


async def test_encoding_through_the_crawler(farm: Farm, make_crawler: CrawlerFactory) -> None:
    serve_home(farm, "latin.be", CAFE.encode("latin-1"),
               {"Content-Type": "text/html; charset=iso-8859-1"})
    site = await crawl_home(make_crawler, "latin.be")
    assert site.home is not None and "Café crème" in site.home.html


class MemoryValidators:
    """A ValidatorCache kept in memory (the store implements the same two methods)."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[str | None, str | None, str]] = {}

    def get_validators(self, url: str) -> tuple[str | None, str | None, str] | None:
        return self.saved.get(url)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None,
                        html: str) -> None:
        self.saved[url] = (etag, last_modified, html)


async def test_rescan_gets_304_and_reuses_cached_html(farm: Farm, tmp_path: Path,
                                                      make_crawler: CrawlerFactory) -> None:
    root = write_site(tmp_path / "s", {"index.html": page("Fleurs", links={"Contact": "/contact"}),
                                       "contact.html": page("Contact")})
    farm.add_static_site("fleurs.be", root)
    cache = MemoryValidators()
    first = await (await make_crawler(validators=cache)).crawl_site(
        Shop(name="F", website="https://fleurs.be/"))
    assert set(cache.saved) == {"https://fleurs.be/", "https://fleurs.be/contact"}
    rescanner = await make_crawler(validators=cache)
    second = await rescanner.crawl_site(Shop(name="F", website="https://fleurs.be/"))
    assert [p.not_modified for p in second.pages] == [True, True]
    # A 304 stands for the 200 it revalidates: probes judge it the same way.
    assert [p.status for p in second.pages] == [200, 200]
    assert all(p.headers["content-type"].startswith("text/html") for p in second.pages)
    assert [p.html for p in second.pages] == [p.html for p in first.pages]
    assert rescanner.stats.not_modified == 2
    assert rescanner.stats.bytes_received < 100  # only the robots.txt 404 page had a body
    assert second.status == "ok"


async def test_validators_without_html_are_not_used(farm: Farm, tmp_path: Path,
                                                    make_crawler: CrawlerFactory) -> None:
    root = write_site(tmp_path / "s", {"index.html": page("Fleurs")})
    farm.add_static_site("fleurs.be", root)
    cache = MemoryValidators()
    await (await make_crawler(validators=cache)).crawl_site(Shop(name="F", website="https://fleurs.be/"))
    etag = cache.saved["https://fleurs.be/"][0]
    cache.saved["https://fleurs.be/"] = (etag, None, None)  # the store may keep no html
    site = await (await make_crawler(validators=cache)).crawl_site(
        Shop(name="F", website="https://fleurs.be/"))
    assert site.home is not None and not site.home.not_modified and site.home.status == 200
    assert "Fleurs" in site.home.html


@pytest.mark.parametrize("body, content_type, expected", [
    # A CMS moved to UTF-8 under an old declaration: the bytes win.
    (CAFE.encode("utf-8"), "text/html; charset=ISO-8859-1", "Café crème"),
    (b'<meta charset="windows-1251">' + "Корзина 5 €".encode(), None, "Корзина 5 €"),
    # Declared UTF-8, written in cp1252 (no UTF-8 sequence at all).
    (b'<meta charset="utf-8">' + "Prix : 5 € – café".encode("cp1252"), None, "5 € – café"),
    # A <meta> cannot mean UTF-16: the page is read as UTF-8.
    (b'<meta charset="utf-16">' + CAFE.encode("utf-8"), None, "Café crème"),
    # A real legacy page stays legacy.
    (b'<meta charset="windows-1251">' + "Корзина".encode("cp1251"), None, "Корзина"),
    (b'<meta charset="shift_jis">' + "カート".encode("shift_jis"), None, "カート"),
])
def test_declarations_the_bytes_contradict(body: bytes, content_type: str | None,
                                           expected: str) -> None:
    assert expected in decode_html(body, content_type)
