"""The dashboard in real headless Chromium, served by uvicorn with a token.

The store holds two scans of the demo commune (the real demo scan, then a rescan in which a
few shops moved, written through Store.save_shop_result) and the scans of two hand-made
communes (tests/output/dashboard/conftest.py). Every page must render with no console error
and no request leaving the dashboard; links lead from the territory to a commune, a shop and
a comparison; the arrows are `output.diff`'s counts; nothing overflows a 390 px screen.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from core.shop import Shop
from core.steps import STEPS
from output._ecosystem_view import ecosystem_view
from output.dashboard import create_app
from output.dashboard.texts import dashboard_messages
from output.diff import diff_scans
from output.store import Store
from scanner.demo import start_demo
from scanner.pipeline import ScanConfig, run_scan
from scoring import aggregate_commune, load_rubric
from tests.helpers.dashboard import TOKEN, build_territory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("SMARTCOMMERCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE_WIDTH = 390


def demo_rescan(store: Store, first_id: str) -> str:
    """A second demo scan: the first one's results with a few shops moved and one gone."""
    results = list(store.iter_shop_results(first_id))
    first = store.get_scan(first_id)
    assert first is not None
    shops = [Shop(name=r["name"], id=r["id"], address=r.get("address"),
                  postcode=r.get("postcode"), city=r.get("city"), website=r.get("website"),
                  osm_id=r.get("osm_id"), place_id=r.get("place_id")) for r in results[1:]]
    scan_id = store.begin_scan(label="Rescan", commune=first["commune"], settings={},
                               shops=shops)
    for index, result in enumerate(results[1:]):
        result = {k: v for k, v in result.items() if k != "identity_key"}
        for step, delta, every in (("web_presence", 1, 4), ("online_ordering", -1, 5)):
            observed = result["steps"][step]
            if index % every == 0 and observed["status"] == "measured":
                observed["level"] = max(0, min(4, observed["level"] + delta))
        store.save_shop_result(scan_id, result)
    commune = aggregate_commune(store.iter_shop_results(scan_id), load_rubric())
    ecosystem = (first.get("summary") or {}).get("ecosystem")
    if ecosystem:  # the commune itself did not change between the two scans
        commune["ecosystem"] = ecosystem
    store.finish_scan(scan_id, commune)
    return scan_id


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    tmp = tmp_path_factory.mktemp("dashboard-browser")
    db = f"sqlite:///{tmp / 'territory.db'}"
    with start_demo() as demo:
        config = ScanConfig(commune=demo.commune, http_ctx=demo.http_ctx,
                            places_api_key=demo.places_api_key, db_url=db, out_dir=tmp / "out",
                            quiet=True, no_render=True, crawl_overrides=demo.crawl_overrides,
                            allow_private_addresses=True, formats=("json",))
        outcome = asyncio.run(run_scan(config))
    store = Store(db)
    scans = build_territory(store)
    scans[demo.commune] = [outcome.scan_id, demo_rescan(store, outcome.scan_id)]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(store, token=TOKEN), log_level="warning",
                                           lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{sock.getsockname()[1]}", "store": store,
           "scans": scans, "demo": demo.commune}
    server.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser(served: dict[str, Any]) -> Iterator[Any]:
    """Chromium, started after the store is built (Playwright keeps an event loop running)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """A browser context logged in with the token, recording problems and requests."""

    def __init__(self, browser: Any, base: str, width: int = 1280) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.foreign: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.context.route("**/*", self._only_dashboard)
        self.open(f"/?token={TOKEN}")
        assert "token" not in self.page.url

    def _only_dashboard(self, route: Any) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def open(self, path: str) -> Any:
        answer = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return answer

    def click(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


def _pages(served: dict[str, Any], visit: Visit) -> list[str]:
    """Every kind of page, found by following links (also the hostile shop's page)."""
    visit.open(f"/commune?name={served['demo']}")
    shop = visit.page.locator("a.shop-link").first.get_attribute("href")
    hostile = visit.open("/commune?name=Marche-en-Famenne") and visit.page.locator(
        "a.shop-link", has_text="<script>").first.get_attribute("href")
    return ["/", "/?sector=food_retail", f"/commune?name={served['demo']}",
            "/commune?name=Marche-en-Famenne&sector=horeca", str(shop), str(hostile),
            f"/compare?name={served['demo']}", "/compare?name=Durbuy+%26+%3CCo%3E"]


def test_every_page_renders_cleanly_and_stays_local(browser: Any,
                                                    served: dict[str, Any]) -> None:
    visit = Visit(browser, served["base"])
    for path in _pages(served, visit):
        answer = visit.open(path)
        assert answer.status == 200, path
        assert visit.page.locator("h1").inner_text().strip(), path
    assert visit.problems == [] and visit.foreign == []
    answer = visit.open("/shop/i-nobody")  # the error page is a page too
    assert answer.status == 404 and visit.page.locator("h1").inner_text().strip()
    assert [p for p in visit.problems if "404" not in p] == [] and visit.foreign == []
    visit.close()


def test_links_from_territory_to_commune_shop_and_compare(browser: Any,
                                                         served: dict[str, Any]) -> None:
    visit = Visit(browser, served["base"])
    demo = served["demo"]
    visit.click(f'tr[data-commune="{demo}"] a.commune-link')
    assert visit.page.locator("h1").inner_text() == demo
    assert visit.page.locator("#eco-counts tbody tr").count() > 0  # the demo's ecosystem
    assert visit.page.locator("#shop-table tbody tr").count() == \
        len(list(served["store"].iter_shop_results(served["scans"][demo][-1])))
    visit.click("#shop-table a.shop-link")
    assert visit.page.url.startswith(served["base"] + "/shop/")
    assert visit.page.locator("#timeline-table tbody tr").count() >= 1
    visit.click("#commune-link")
    assert visit.page.locator("h1").inner_text() == demo
    visit.click("#territory-link")
    visit.click(f'tr[data-commune="{demo}"] a.compare-link')
    assert "/compare" in visit.page.url
    assert visit.page.locator("#compare-counts tbody tr").count() == len(STEPS)
    visit.click("#moved a.shop-link")
    scan_links = " ".join(str(a.get_attribute("href"))
                          for a in visit.page.locator("a.scan-link").all())
    assert all(scan_id in scan_links for scan_id in served["scans"][demo])  # both demo scans
    assert visit.problems == [] and visit.foreign == []
    visit.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_ecosystem_findings_are_the_reports(browser: Any, served: dict[str, Any],
                                            lang: str) -> None:
    """The commune page says the ecosystem's strengths and weak links in the page's language,
    word for word as the report written for that scan says them."""
    visit = Visit(browser, served["base"])
    demo, scan_id = served["demo"], served["scans"][served["demo"]][-1]
    visit.open(f"/commune?name={demo}&lang={lang}")
    shown = {part: visit.page.locator(f"#eco-{part} li").all_inner_texts()
             for part in ("strengths", "weak-links")}
    assert shown["strengths"] and shown["weak-links"]  # the demo commune has both
    assert visit.problems == [] and visit.foreign == []
    report = visit.context.request.get(f"{served['base']}/export/{scan_id}/html?lang={lang}")
    assert report.status == 200
    report_page = visit.context.new_page()  # the report file itself: read its own lists
    report_page.set_content(report.text())
    assert {part: report_page.locator(f"#eco-{part} li").all_inner_texts()
            for part in ("strengths", "weak-links")} == shown
    eco = (served["store"].get_scan(scan_id) or {})["summary"]["ecosystem"]
    assert len(shown["strengths"]) + len(shown["weak-links"]) == len(eco["findings"])
    if lang != "fr":  # not the French texts
        french = ecosystem_view({"ecosystem": eco}, [], dashboard_messages("fr"))
        assert not set(shown["strengths"]) & set(french["strengths"])
    visit.close()


def test_territory_arrows_match_diff_and_sort(browser: Any, served: dict[str, Any]) -> None:
    visit = Visit(browser, served["base"])
    shown = visit.page.evaluate("""() => Array.from(document.querySelectorAll(
        '#territory-table tbody tr')).map(tr => [tr.dataset.commune, Array.from(
        tr.querySelectorAll('td[data-step]')).map(td => [td.dataset.step,
        Number(td.querySelector('[data-up]').dataset.up),
        Number(td.querySelector('[data-down]').dataset.down)])])""")
    assert {name for name, _cells in shown} == set(served["scans"])
    for name, cells in shown:
        ids = served["scans"][name]
        diff = diff_scans(served["store"], ids[-2], ids[-1])
        expected = [[step, diff["counts"]["steps"][step]["improved"],
                     diff["counts"]["steps"][step]["regressed"]] for step in STEPS]
        assert cells == expected, name
    assert sum(up + down for _name, cells in shown for _s, up, down in cells) > 0
    header = visit.page.locator("#territory-table thead th").nth(1)  # shops
    header.click()
    header.click()  # descending: the demo commune has the most shops
    first = visit.page.locator("#territory-table tbody tr").first.get_attribute("data-commune")
    assert first == served["demo"]
    assert visit.problems == []
    visit.close()


def test_no_horizontal_overflow_on_a_phone(browser: Any, served: dict[str, Any]) -> None:
    visit = Visit(browser, served["base"], width=PHONE_WIDTH)
    for path in _pages(served, visit):
        visit.open(path)
        width = visit.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, (path, width)
    assert visit.problems == [] and visit.foreign == []
    visit.close()


def test_without_the_token_nothing_is_shown(browser: Any, served: dict[str, Any]) -> None:
    context = browser.new_context()
    page = context.new_page()
    answer = page.goto(served["base"] + "/")
    assert answer.status == 401
    assert not re.search(r"Marche|Durbuy|Bellemarche", page.content())
    context.close()
