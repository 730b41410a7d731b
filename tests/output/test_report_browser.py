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


def _open(browser: Any, path: Path, width: int = 1280
          ) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900})
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
    assert page.locator("#shop-table > tbody > tr.shop").count() == len(SHOPS)
    assert page.locator("#shop-map circle").count() == len(SHOPS)
    assert page.locator("#trend-table tbody tr").count() == 5
    shot = page.screenshot(full_page=False)
    blank = context.new_page()
    blank.set_content("<html><body></body></html>")
    assert len(shot) > 5 * len(blank.screenshot())  # a real page, not a blank one
    context.close()


def test_table_sorts_and_filters(browser: Any, report: Path) -> None:
    context, page, _requests, problems = _open(browser, report)
    header = page.locator("#shop-table > thead th").nth(1)  # web presence level
    header.click()
    header.click()  # descending
    first = page.locator("#shop-table > tbody > tr").first.locator("td").first.inner_text()
    assert first == "Librairie du Centre"
    page.fill("#shop-filter", "pharmacie")
    assert page.locator("#shop-table > tbody > tr:not([hidden])").count() == 1
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


ARTIFACTS = Path(os.environ.get("SMARTCOMMERCE_ARTIFACTS", "tmp/artifacts"))
WIDER_THAN_SCREEN = """() => Array.from(document.querySelectorAll('body *')).filter(e => {
  if (e.closest('.scroll')) { return false; }
  const box = e.getBoundingClientRect();
  return box.width > 0 && box.right > window.innerWidth + 1;
}).map(e => e.tagName + '#' + e.id + '.' + e.className)"""


@pytest.fixture(scope="module")
def reports_by_lang(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("langs")
    store = Store(f"sqlite:///{tmp / 'b.db'}")
    build_scan(store, shift=-1, label="2025")
    scan_id = build_scan(store, label="2026")
    paths = {lang: write_reports(store, scan_id, tmp / lang, formats=("html",), lang=lang)["html"]
             for lang in ("fr", "nl", "de", "en")}
    store.close()
    return paths


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
@pytest.mark.parametrize("width", [390, 1366])
def test_fits_the_screen_with_legend_and_coverage(browser: Any, reports_by_lang: dict[str, Path],
                                                  lang: str, width: int) -> None:
    path = reports_by_lang[lang]
    context, page, requests, problems = _open(browser, path, width)
    page.click("#shop-table button.open-detail >> nth=0")  # an open shop detail fits too
    assert problems == []
    assert requests == [path.as_uri()]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(WIDER_THAN_SCREEN) == []
    for shown in ("#legend", "#measured-any", "#legend .lvn", "#legend .lvna", "#legend .lvnd"):
        assert page.locator(shown).is_visible(), shown  # visible without hovering
    header = page.locator("#shop-table > thead th").first
    page.locator("#shop-table").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#shop-table').parentElement.scrollLeft = 400")
    if width == 390:  # the name column stays in place when the table scrolls sideways
        assert header.bounding_box()["x"] <= 40
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{lang}-{width}.png"), full_page=True)
    context.close()


def test_print_has_page_numbers_header_and_evidence(browser: Any, report: Path) -> None:
    context, page, _requests, problems = _open(browser, report)
    page.emulate_media(media="print")
    assert page.locator("#shop-table tr.detail").first.is_visible()  # evidence prints
    assert page.locator("#map-labels text").first.is_visible()
    assert page.locator(".map-legend").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= 3
    margins = page.evaluate("""() => Array.from(document.styleSheets).flatMap(sheet =>
      Array.from(sheet.cssRules)).filter(rule => rule instanceof CSSPageRule)
      .map(rule => rule.cssText).join(' ')""")
    assert "counter(page)" in margins and "counter(pages)" in margins  # page numbers
    assert "@top-center" in margins  # running header: commune and date, escaped
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-print.pdf").write_bytes(pdf)
    assert problems == []
    context.close()
