"""SSRF: a shop list or a website must never make the scanner reach the machine it runs on or
its private network, unless --allow-private-addresses says so.

Through the crawler (Crawler.crawl_site) and through the command line (smartcommerce scan).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.errors import EXIT_LOW_COVERAGE
from core.http import HttpContext
from core.network import is_public_address
from core.shop import Shop
from fixtures.farm import Farm, FarmRequest, FarmResponse
from fixtures.fault_farm import METADATA_TARGET, PRIVATE_TARGET, FaultFarm, redirect_chain_to
from output.store import Store
from scanner.cli import app
from scanner.gather.crawler import Crawler
from scanner.gather.settings import CrawlSettings

FAST = {"connect_timeout": 2.0, "read_timeout": 2.0, "total_timeout_per_shop": 8.0,
        "per_host_delay": 0.0, "render": False, "max_retries": 0}
LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def hello(req: FarmRequest) -> FarmResponse:
    if req.path == "/robots.txt":
        return FarmResponse(404, b"")
    return FarmResponse(200, b"<html><body><h1>Service interne</h1></body></html>")


@pytest.fixture
def loopback_farm() -> Iterator[Farm]:
    with Farm() as farm:
        for name in LOOPBACK_NAMES:
            farm.add_host(name, hello)
        yield farm


def private_urls(port: int) -> list[str]:
    """Every spelling of 'this machine' or 'the private network' we know of."""
    return [
        f"http://127.0.0.1:{port}/", f"http://localhost:{port}/", f"http://LOCALHOST:{port}/",
        f"http://2130706433:{port}/", f"http://0x7f000001:{port}/",
        f"http://127.1:{port}/", f"http://[::ffff:127.0.0.1]:{port}/", f"http://[::1]:{port}/",
        f"http://0.0.0.0:{port}/", "http://10.0.0.1/", "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/",
    ]


async def crawl(url: str, ctx: HttpContext) -> tuple[str, list[str]]:
    settings = CrawlSettings.layered(None, FAST)
    async with Crawler(settings, ctx) as crawler:
        site = await crawler.crawl_site(Shop(name="Piège", website=url))
    return site.status, [e.kind for e in site.errors]


async def test_private_targets_refused_by_the_crawler(loopback_farm: Farm) -> None:
    for url in private_urls(loopback_farm.http_port):
        status, kinds = await crawl(url, HttpContext(allow_private=False))
        assert (status, kinds[:1]) == ("refused", ["refused"]), url
    # httpx rejects octal spellings before any connection: an error, and nothing reached.
    status, _ = await crawl(f"http://0177.0.0.1:{loopback_farm.http_port}/",
                            HttpContext(allow_private=False))
    assert status in ("refused", "error")
    assert sum(loopback_farm.stats.requests.values()) == 0


async def test_private_targets_reached_when_allowed(loopback_farm: Farm) -> None:
    # The same URLs on loopback do answer: the refusal above is the guard's doing.
    for url in (f"http://127.0.0.1:{loopback_farm.http_port}/",
                f"http://localhost:{loopback_farm.http_port}/"):
        status, _ = await crawl(url, HttpContext(allow_private=True))
        assert status == "ok", url
    assert loopback_farm.stats.requests["127.0.0.1"] > 0


@pytest.mark.parametrize("ip", ["64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "64:ff9b::7f00:1",
                                "2002:a9fe:a9fe::1", "2002:7f00:1::1"])
def test_nat64_and_6to4_addresses_embedding_private_ipv4_are_not_public(ip: str) -> None:
    assert not is_public_address(ip)


@pytest.mark.parametrize("target", [PRIVATE_TARGET, METADATA_TARGET])
async def test_redirect_chain_to_private_address_refused(target: str) -> None:
    with FaultFarm() as farm:
        farm.add_host("vitrine-publique.be", redirect_chain_to(target))
        ctx = farm.http_context(allow_private=False)
        status, _ = await crawl("https://vitrine-publique.be/", ctx)
        paths = farm.stats.paths("vitrine-publique.be")
    assert status == "refused"
    assert "/etape-2" in paths  # the public hops were followed, the private one refused


# -- through the command line --------------------------------------------------------------------
def scan_cli(tmp: Path, url: str, *flags: str) -> dict:
    shops = tmp / "liste.csv"
    shops.write_text(f"nom,site web\nService interne,{url}\n", "utf-8")
    config = tmp / "rapide.toml"
    config.write_text("[crawl]\nconnect_timeout = 2.0\nread_timeout = 2.0\n"
                      "total_timeout_per_shop = 8.0\nper_host_delay = 0.0\nmax_retries = 0\n")
    db = f"sqlite:///{tmp}/ssrf.db"
    result = CliRunner().invoke(app, [
        "scan", "--shops", str(shops), "--db", db, "--out", str(tmp / "out"), "--no-places",
        "--no-render", "--quiet", "--format", "json", "--config", str(config), *flags])
    # 3: the scan is complete but its one shop could not be measured (README "Exit codes")
    assert result.exit_code in (0, EXIT_LOW_COVERAGE), result.output
    with Store(db) as store:
        (row,) = list(store.iter_shop_results(store.get_scan("latest")["id"]))
    return row


def test_cli_refuses_loopback_without_the_flag(loopback_farm: Farm, tmp_path: Path) -> None:
    row = scan_cli(tmp_path, f"http://127.0.0.1:{loopback_farm.http_port}/")
    assert row["crawl"]["status"] == "refused"
    assert row["errors"][0]["kind"] == "refused"
    assert sum(loopback_farm.stats.requests.values()) == 0


def test_cli_reaches_loopback_with_the_flag(loopback_farm: Farm, tmp_path: Path) -> None:
    row = scan_cli(tmp_path, f"http://127.0.0.1:{loopback_farm.http_port}/",
                   "--allow-private-addresses")
    assert row["crawl"]["status"] == "ok"
    assert loopback_farm.stats.requests["127.0.0.1"] > 0
