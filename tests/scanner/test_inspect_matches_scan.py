"""`inspect URL` crawls through the scanner's own fetch path: it sees what a scan sees.

Three demo sites are scanned (the real pipeline: crawl, Places, judge, store, scan.json) and
inspected; every signal measured on the site must be the same. Signals that come from the
Google listing are left out: inspect does not query Google.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.shop import Shop
from scanner.cli.inspect import inspect_url
from scanner.demo import start_demo
from scanner.gather.settings import CrawlSettings
from scanner.pipeline import ScanConfig, run_scan
from sources.csv_list import write_shop_list

# A bookshop with a webshop, a bike shop in Dutch with click & collect, a hardware store on
# plain http: three different sites of the demo commune.
SITES = {
    "https://librairie-hennaut.be/": ("Librairie Hennaut", "shop=books"),
    "https://fietsen-vandenbroeck.be/": ("Fietsen Vandenbroeck", "shop=bicycle"),
    "http://www.quincaillerie-lambert.be/": ("Quincaillerie Lambert", "shop=hardware"),
}


def _from_google(signal: str) -> bool:
    step, name = signal.split(".", 1)
    return step == "google_listing" or name.startswith(("places_", "google_"))


def _site_signals(signals: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in signals.items() if not _from_google(k)}


async def test_inspect_and_scan_give_the_same_signals(tmp_path: Path) -> None:
    shops = [Shop(name=name, website=url, category=category, postcode="6999",
                  city="Bellemarche") for url, (name, category) in SITES.items()]
    write_shop_list(shops, tmp_path / "shops.csv")
    with start_demo() as demo:
        config = ScanConfig(shops_file=tmp_path / "shops.csv", out_dir=tmp_path / "out",
                            db_url=f"sqlite:///{tmp_path / 'scan.db'}", formats=("json",),
                            crawl_overrides={**demo.crawl_overrides, "render": False},
                            http_ctx=demo.http_ctx, places_api_key=demo.places_api_key,
                            quiet=True)
        await run_scan(config)
        settings = CrawlSettings.layered(None, {**demo.crawl_overrides, "render": False})
        inspected = {url: await inspect_url(url, demo.http_ctx, settings) for url in SITES}
    scanned = json.loads((tmp_path / "out" / "scan.json").read_text("utf-8"))["shops"]
    assert len(scanned) == len(SITES)
    for shop in scanned:
        assert shop["crawl"]["status"] == "ok", shop["name"]
        seen = inspected[shop["website"]]
        assert seen["input"]["pages"], shop["name"]
        assert _site_signals(seen["signals"]) == _site_signals(shop["signals"]), shop["name"]
        assert any(v not in (None, False, [], "") for v in _site_signals(seen["signals"]).values())
