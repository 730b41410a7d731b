"""The report's Commune section, the workbook's Commune sheet and scan.json's
commune.ecosystem, from a summary built as a scan builds it (scanner/ecosystem.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import load_workbook

from output import write_reports
from output.store import Store
from scanner.ecosystem import ecosystem_summary
from scoring import aggregate_commune, load_rubric
from sources.ecosystem import Ecosystem, load_ecosystem_file
from tests.output.sample import build_scan

ROOT = Path(__file__).parents[2]
SCHEMA = ROOT / "output" / "schema" / "scan.schema.json"
SAVED = ROOT / "fixtures" / "sources" / "ecosystem_overpass.json"


def _reports(tmp_path: Path, eco: Ecosystem, lang: str = "fr",
             formats: tuple[str, ...] = ("html", "xlsx", "json")) -> dict[str, Path]:
    store = Store(f"sqlite:///{tmp_path / 'eco.db'}")
    scan_id = build_scan(store, finish=False)
    results = list(store.iter_shop_results(scan_id))
    commune: dict[str, Any] = aggregate_commune(results, load_rubric())
    results[0]["signals"]["google_listing.parking_distance_m"] = 812.4  # one shop far away
    commune["ecosystem"] = ecosystem_summary(eco, results)
    store.finish_scan(scan_id, commune)
    paths = write_reports(store, scan_id, tmp_path / lang, formats=formats, lang=lang)
    store.close()
    return paths


def test_section_shows_counts_per_1000_map_layers_and_links(tmp_path: Path) -> None:
    eco = load_ecosystem_file(SAVED, "Testville")
    html = _reports(tmp_path, eco)["html"].read_text("utf-8")
    section = html[html.index('<section id="commune">'):]
    section = section[:section.index("</section>")]
    assert "2500 habitants" in section
    assert '<tr data-key="car_park_capacity"><td>' in section
    assert "20,00" in section  # 50 places for 2,500 inhabitants: 20 per 1,000
    for kind in ("car_park", "parcel_locker", "pedestrian_street", "catchment_area", "wifi"):
        assert f'<g class="eco-layer" data-kind="{kind}">' in section
    layer = section[section.index('data-kind="car_park">'):]
    assert layer[:layer.index("</g>")].count("<rect") == 2  # one mark per car park
    assert "Zoning voisin" in section and "casiers à colis à son entrée" in section
    assert "812" in section  # the far shop is listed with its distance
    assert "Maillons faibles" in section and "Points forts" in section


def test_no_parking_mapped_is_said_honestly(tmp_path: Path) -> None:
    html = _reports(tmp_path, Ecosystem("Vide"))["html"].read_text("utf-8")
    assert "aucun parking cartographié dans OpenStreetMap" in html
    assert "Population inconnue dans OpenStreetMap" in html
    assert "aucun cartographié dans OpenStreetMap" in html  # a zero count


@pytest.mark.parametrize(("lang", "title"), [("nl", "De gemeente als ecosysteem"),
                                             ("de", "Die Gemeinde als Ökosystem"),
                                             ("en", "The commune as an ecosystem")])
def test_section_in_every_language(tmp_path: Path, lang: str, title: str) -> None:
    html = _reports(tmp_path, Ecosystem("Vide"), lang, ("html",))["html"].read_text("utf-8")
    assert title in html and "ecosystem." not in html.replace('id="eco', "")


def test_workbook_sheet_and_scan_json(tmp_path: Path) -> None:
    paths = _reports(tmp_path, load_ecosystem_file(SAVED, "Testville"))
    sheet = load_workbook(paths["xlsx"])["Commune"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["Places de parking (capacité indiquée)", 50, 20.0] in rows
    assert any(row and row[0] == "Zoning voisin" for row in rows)
    document = json.loads(paths["json"].read_text("utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(document)
    eco = document["commune"]["ecosystem"]
    assert eco["counts"]["car_parks"] == 2 and eco["per_1000"]["car_parks"] == 0.8
    assert [a["name"] for a in eco["catchment"]][0] == "Zoning voisin"  # the largest first
    assert eco["far_from_parking"][0]["distance_m"] == 812


@pytest.mark.browser
def test_section_renders_in_chromium(tmp_path: Path) -> None:
    from tests.output.test_report_browser import CHROMIUM, _open

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    path = _reports(tmp_path, load_ecosystem_file(SAVED, "Testville"), formats=("html",))["html"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        context, page, requests, problems = _open(browser, path)
        assert page.locator("#commune h2").is_visible()
        box = page.locator("#eco-map").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("#eco-map .eco-layer").count() >= 8
        assert page.locator("#eco-catchment tbody tr").count() == 3
        assert not problems and all(r.startswith("file://") for r in requests)
        context.close()
        browser.close()
