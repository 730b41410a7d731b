"""The HTML report in real headless Chromium: renders cleanly, works offline, stays interactive."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from output import write_reports
from output.store import Store
from tests.output.sample import SHOPS, build_scan

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("SMARTCOMMERCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def report(tmp_path: Path) -> Path:
    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    build_scan(store, shift=-1, label="2025")
    scan_id = build_scan(store, label="2026")
    path = write_reports(store, scan_id, tmp_path / "out", formats=("html",))["html"]
    store.close()
    return path


def _open(browser: Any, path: Path) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console",
            lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "file://") else route.abort())
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, requests, problems


def test_renders_offline_without_errors(browser: Any, report: Path, tmp_path: Path) -> None:
    context, page, requests, problems = _open(browser, report)
    assert problems == []
    assert requests == [report.as_uri()]  # nothing but the file itself
    assert page.locator("#shops-count").inner_text().startswith(f"{len(SHOPS)} commerces")
    assert "Maillon faible" in page.locator("#weakest-link").inner_text()
    assert page.locator("#shop-table tbody tr").count() == len(SHOPS)
    assert page.locator("#shop-map circle").count() == len(SHOPS)
    assert page.locator("#trend-table tbody tr").count() == 5
    shot = page.screenshot(full_page=False)
    blank = context.new_page()
    blank.set_content("<html><body></body></html>")
    assert len(shot) > 5 * len(blank.screenshot())  # a real page, not a blank one
    context.close()


def test_table_sorts_and_filters(browser: Any, report: Path) -> None:
    context, page, _requests, problems = _open(browser, report)
    header = page.locator("#shop-table thead th").nth(3)  # web presence level
    header.click()
    header.click()  # descending
    first = page.locator("#shop-table tbody tr").first.locator("td").first.inner_text()
    assert first == "Librairie du Centre"
    page.fill("#shop-filter", "pharmacie")
    assert page.locator("#shop-table tbody tr:not([hidden])").count() == 1
    assert problems == []
    context.close()


def test_map_tiles_only_after_click(browser: Any, report: Path) -> None:
    context, page, requests, _problems = _open(browser, report)
    page.select_option("#map-step", "2")
    assert page.locator("#shop-map circle.lv4").count() == 0  # online ordering: nobody at 4
    page.select_option("#map-step", "0")
    assert page.locator("#shop-map circle.lv4").count() == 1  # web presence: one at 4
    assert requests == [report.as_uri()]
    page.click("#show-tiles")
    page.wait_for_timeout(300)
    external = [url for url in requests if not url.startswith("file://")]
    assert external and all(url.startswith("https://tile.openstreetmap.org/") for url in external)
    context.close()


def test_print_layout_hides_controls(browser: Any, report: Path) -> None:
    context, page, _requests, problems = _open(browser, report)
    assert page.locator("header nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert not page.locator("#show-tiles").is_visible()
    assert page.locator("#shop-table").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert problems == []
    context.close()
