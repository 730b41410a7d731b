"""Rendering JavaScript-only sites: with Debian's Chromium, without it, and switched off."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.shop import Shop
from fixtures.farm import Farm
from scanner.gather.settings import DEFAULT_CHROMIUM_PATH
from tests.helpers.crawler import CrawlerFactory, page, write_site

PROBE_PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"

SHELL = ('<!doctype html><html><head><meta charset="utf-8"><title>Lune</title></head><body>'
         '<div id="root"></div><script src="/static/app.js"></script></body></html>')
APP_JS = """
fetch('/private/stock.json').catch(() => null);
document.getElementById('root').innerHTML =
  '<h1>Pâtisserie Lune</h1><p>' + 'Entremets, macarons et gâteaux sur commande. '.repeat(12) +
  '</p><a href="/contact">Contactez-nous</a><a href="/commander">Commander en ligne</a>';
"""


def js_site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "lune", {
        "index.html": SHELL, "static/app.js": APP_JS, "private/stock.json": "{}",
        "contact.html": page("Contact", "Place du Marché 3"),
        "commander.html": page("Commander", "Retrait en magasin"),
        "robots.txt": "User-agent: *\nDisallow: /private/\n",
    })


def chromium_path() -> str:
    path = os.environ.get("SMARTCOMMERCE_CHROMIUM") or DEFAULT_CHROMIUM_PATH
    if not os.access(path, os.X_OK):
        pytest.skip(f"no Chromium at {path}")
    return path


@pytest.mark.browser
async def test_js_site_is_rendered_through_our_client(farm: Farm, tmp_path: Path,
                                                      make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("lune.be", js_site(tmp_path))
    crawler = await make_crawler(render=True, chromium_path=chromium_path(), render_timeout=20.0)
    site = await crawler.crawl_site(Shop(name="Lune", website="https://lune.be/"))
    assert site.render == "rendered", site.errors
    home = site.home
    assert home is not None and home.rendered and "Pâtisserie Lune" in home.html
    # links that only exist after JavaScript ran were followed
    assert {p.role for p in site.pages} == {"home", "contact", "shop"}
    paths = farm.stats.paths("lune.be")
    assert "/static/app.js" in paths  # the browser's requests went through our client ...
    assert "/private/stock.json" not in paths  # ... which obeys robots.txt
    assert crawler.stats.renders == 1
    assert farm.stats.peak_in_flight["lune.be"] <= 2


async def test_missing_chromium_keeps_static_results(farm: Farm, tmp_path: Path,
                                                     make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("lune.be", js_site(tmp_path))
    crawler = await make_crawler(render=True, chromium_path=str(tmp_path / "no-chromium"))
    site = await crawler.crawl_site(Shop(name="Lune", website="https://lune.be/"))
    assert site.status == "ok" and site.render == "unavailable"
    assert site.home is not None and not site.home.rendered and 'id="root"' in site.home.html
    again = await crawler.crawl_site(Shop(name="Lune bis", website="https://lune.be/"))
    assert again.render == "unavailable"


@pytest.mark.parametrize("name", ["fr_wix_js_only.html", "fr_squarespace_js_only.html",
                                  "nl_lightspeed_js_only.html"])
async def test_js_only_shop_platform_home_goes_to_the_renderer(
        name: str, farm: Farm, tmp_path: Path, make_crawler: CrawlerFactory) -> None:
    """A Wix, Squarespace or Lightspeed shell is sent to Chromium (missing here: 'unavailable')."""
    shell = (PROBE_PAGES / name).read_text(encoding="utf-8")
    farm.add_static_site("coquille.be", write_site(tmp_path / "shell", {"index.html": shell}))
    crawler = await make_crawler(render=True, chromium_path=str(tmp_path / "no-chromium"))
    site = await crawler.crawl_site(Shop(name="Coquille", website="https://coquille.be/"))
    assert site.status == "ok" and site.render == "unavailable"


@pytest.mark.browser
async def test_chromium_that_does_not_start(farm: Farm, tmp_path: Path,
                                            make_crawler: CrawlerFactory) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n", "utf-8")
    fake.chmod(0o755)
    farm.add_static_site("lune.be", js_site(tmp_path))
    crawler = await make_crawler(render=True, chromium_path=str(fake), render_timeout=10.0)
    site = await crawler.crawl_site(Shop(name="Lune", website="https://lune.be/"))
    assert site.status == "ok" and site.render == "unavailable"


async def test_render_disabled(farm: Farm, tmp_path: Path, make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("lune.be", js_site(tmp_path))
    site = await (await make_crawler(render=False)).crawl_site(
        Shop(name="Lune", website="https://lune.be/"))
    assert site.render == "disabled" and site.status == "ok"


async def test_static_site_needs_no_render(farm: Farm, tmp_path: Path,
                                           make_crawler: CrawlerFactory) -> None:
    farm.add_static_site("statique.be", write_site(tmp_path / "s", {"index.html": page("Ok")}))
    crawler = await make_crawler(render=True, chromium_path=str(tmp_path / "none"))
    site = await crawler.crawl_site(Shop(name="S", website="https://statique.be/"))
    assert site.render == "not_needed"


@pytest.mark.browser
async def test_render_timeout_keeps_static_html(farm: Farm, tmp_path: Path,
                                                make_crawler: CrawlerFactory) -> None:
    from fixtures.farm import FarmRequest, FarmResponse
    from fixtures.static_site import StaticSite

    static = StaticSite(js_site(tmp_path))

    def slow_script(req: FarmRequest) -> FarmResponse:
        response = static(req)
        if req.path.endswith(".js"):
            response.delay = 3.0
        return response

    farm.add_host("lune.be", slow_script)
    crawler = await make_crawler(render=True, chromium_path=chromium_path(), render_timeout=1.0,
                                 max_retries=0)
    site = await crawler.crawl_site(Shop(name="Lune", website="https://lune.be/"))
    assert site.status == "ok" and site.render == "failed"
    assert site.home is not None and not site.home.rendered and 'id="root"' in site.home.html
