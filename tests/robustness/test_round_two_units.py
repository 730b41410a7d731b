"""Regression tests for hardening round two (issue 15), one module at a time.

Each test reproduces one fault of the adversarial run; the number is the issue's.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from core.artifacts import FetchedPage, SiteArtifacts
from core.network import is_public_address
from core.shop import Shop
from fixtures.farm import Farm
from probes import inspect_html
from probes.document import parsed_page_of
from scanner.gather.crawler import Crawler
from sources.csv_list import ShopListError, read_shop_list
from sources.places_http import _failure_for
from tests.robustness.cli_farm import serve_pages
from tests.robustness.stores import shop_result
from tests.scanner.conftest import FAST


def links_of(url: str, html: str) -> list[str]:
    page = FetchedPage(url=url, final_url=url, status=200, headers={}, html=html, role="home")
    return [link.href for link in parsed_page_of(page).links]


# -- 2 and 3: site-relative links keep the host as typed and the port -----------------------
@pytest.mark.parametrize(("base", "expected"), [
    ("https://Boulangerie-Dupont.be/", "https://boulangerie-dupont.be/contact.html"),
    ("http://host.be:8089/", "http://host.be:8089/contact.html"),
    ("http://HOST.be:8089/a/b", "http://host.be:8089/contact.html"),
    ("https://user@shop.be./", "https://shop.be./contact.html"),
])
def test_site_relative_links_keep_host_and_port(base: str, expected: str) -> None:
    (href,) = links_of(base, "<a href='/contact.html'>Contact</a>")
    assert href.lower() == expected.lower()
    assert href.split("/")[2].split("@")[-1].lower() == expected.split("/")[2].lower()


# -- 5: a robots.txt over the size cap is read up to 500 KiB, never "allow all" ---------------
async def crawl(farm: Farm, website: str) -> SiteArtifacts:
    async with Crawler(FAST, farm.http_context()) as crawler:
        return await crawler.crawl_site(Shop(name="R", website=website))


async def test_huge_robots_txt_still_disallows(farm: Farm) -> None:
    robots = "User-agent: *\nDisallow: /\n" + "# padding line for a huge file\n" * 200_000
    assert len(robots) > FAST.max_body_bytes
    serve_pages(farm, "gros-robots.be", {"/robots.txt": robots, "/": "<html>x</html>"})
    site = await crawl(farm, "https://gros-robots.be/")
    assert site.status == "blocked_by_robots"
    assert farm.stats.paths("gros-robots.be") == ["/robots.txt"]


async def test_rules_past_500_kib_are_not_applied(farm: Farm) -> None:
    robots = "User-agent: *\nDisallow: /panier\n" + "#" * 600 * 1024 + "\nDisallow: /\n"
    serve_pages(farm, "long-robots.be", {"/robots.txt": robots, "/": "<html>x</html>"})
    site = await crawl(farm, "https://long-robots.be/")
    assert site.status != "blocked_by_robots"
    assert "/" in farm.stats.paths("long-robots.be")


# -- 7: an unclosed quote is a broken row, not a 20,000-character shop name ------------------
def test_unclosed_quote_is_reported_as_a_broken_row(tmp_path: Path) -> None:
    rows = "".join(f"Commerce {i},https://c{i}.be/\n" for i in range(1000))
    path = tmp_path / "liste.csv"
    path.write_text('nom,site web\nBon,https://bon.be/\n"Guillemet ouvert,x\n' + rows, "utf-8")
    result = read_shop_list(path)
    assert all(len(shop.name) < 200 for shop in result.shops)
    assert [e.row_number for e in result.errors] == [3]
    assert "guillemet" in result.errors[0].message.lower()


def test_a_cell_with_a_few_line_breaks_is_still_a_shop(tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_text('nom,adresse\n"Chez Paul","Rue Haute 1\n6720 Habay"\n', "utf-8")
    (shop,) = read_shop_list(path).shops
    assert shop.address == "Rue Haute 1\n6720 Habay"


# -- 10: JSON-LD nested 200,000 levels deep is skipped ---------------------------------------
def test_deep_json_ld_is_skipped() -> None:
    deep = '{"a":' * 200_000 + "1" + "}" * 200_000
    html = (f"<html><head><title>Profond</title><script type='application/ld+json'>{deep}"
            "</script></head><body><p>Bonjour</p></body></html>")
    result = shop_result(Shop(name="Profond", website="https://profond.be/"), html)
    assert [s["status"] for s in result["steps"].values()].count("error") == 0
    assert inspect_html(html, "https://profond.be/")["signals"]


# -- 12: Places free text, IPv4-compatible IPv6, XLSX bombs -----------------------------------
def test_places_free_status_text_is_never_copied() -> None:
    body = b'{"error": {"code": 400, "status": "KEY AIzaSECRET echoed", "message": "x"}}'
    assert "AIzaSECRET" not in _failure_for(400, body).reason
    known = b'{"error": {"code": 400, "status": "FAILED_PRECONDITION"}}'
    assert "FAILED_PRECONDITION" in _failure_for(400, known).reason


@pytest.mark.parametrize("address", ["::127.0.0.1", "::10.0.0.1", "::169.254.169.254",
                                     "::ffff:127.0.0.1", "64:ff9b::7f00:1"])
def test_ipv6_addresses_that_carry_a_private_ipv4_are_refused(address: str) -> None:
    assert not is_public_address(address)


def xlsx_bomb(rows: int) -> bytes:
    """A tiny zip whose sheet unpacks to ``rows`` rows of ten inline cells."""
    cells = "".join(f'<c r="{c}1" t="inlineStr"><is><t>x</t></is></c>' for c in "ABCDEFGHIJ")
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + f"<row>{cells}</row>" * rows
             + "</sheetData></worksheet>")
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="r1" Type="{ns}/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="S" '
            'sheetId="1" r:id="r1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="r1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_xlsx_bomb_is_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "bombe.xlsx"
    path.write_bytes(xlsx_bomb(180_000))
    assert path.stat().st_size < 400_000
    tracemalloc.start()
    try:
        with pytest.raises(ShopListError):
            read_shop_list(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024


def test_small_xlsx_list_still_reads(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["nom", "site web"])
    book.active.append(["Chez Paul", "https://chez-paul.be/"])
    book.save(tmp_path / "liste.xlsx")
    assert [s.name for s in read_shop_list(tmp_path / "liste.xlsx").shops] == ["Chez Paul"]
