"""What shops and websites wrote is inert in every report: no script runs in report.html, no
formula runs in shops.csv or audit.xlsx.

The hostile scan is compared with a benign scan of the same size, so the report's own scripts
are told apart from injected ones.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser

from core.shop import Shop
from output import write_reports
from output.store import Store
from tests.robustness.stores import finished_scan

MARK = "x55x"  # in every payload, to find them again
NAME = f'<script>alert("{MARK}")</script><img src=x onerror=alert(1)>'
ADDRESS = f'"><svg onload=alert(2)>{MARK}'
FORMULAS = [f"=HYPERLINK(\"http://evil.invalid/{MARK}\",\"clic\")", f"+1+cmd|'/C calc'!A0{MARK}",
            f"-2+3+{MARK}", f"@SUM(1)*{MARK}", f"\t=1+1{MARK}", f"=1+1{MARK}"]
PAGE = (f"<html><head><title>{NAME}</title><meta name='description' content='{ADDRESS}'>"
        f"</head><body><h1>Boulangerie</h1><p>Commandez en ligne &lt;img src=x "
        f"onerror=alert(5)&gt; click &amp; collect {MARK}</p>"
        f"<a href='javascript:alert(6)'>Commander</a> <a href='/contact'>Contact</a>"
        f"<p>Retrait en magasin <script>alert(7)</script></p></body></html>")
WEBSITES = ["javascript:alert(3)", " JavaScript:alert(3)",
            "data:text/html,<script>alert(4)</script>", "https://boulangerie.invalid/\"onmouseover=\"alert(8)"]
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "srcdoc", "data")


def hostile_shops() -> list[tuple[Shop, str | None]]:
    shops = []
    for i, formula in enumerate(FORMULAS):
        shops.append((Shop(name=formula if i % 2 else NAME + str(i), address=ADDRESS,
                           city=formula, category=formula, postcode="6720",
                           website=WEBSITES[i % len(WEBSITES)]), PAGE))
    return shops


def benign_shops() -> list[tuple[Shop, str | None]]:
    return [(Shop(name=f"Commerce {i}", address="Rue Haute 1", city="Habay", postcode="6720",
                  category="shop=bakery", website=f"https://commerce{i}.invalid/"),
             "<html><head><title>Commerce</title></head><body><p>Bonjour</p></body></html>")
            for i in range(len(FORMULAS))]


def reports(tmp: Path, shops: list[tuple[Shop, str | None]], name: str) -> dict[str, Path]:
    with Store(f"sqlite:///{tmp}/{name}.db") as store:
        scan_id = finished_scan(store, shops, label=NAME)
        return write_reports(store, scan_id, tmp / name, formats=("html", "csv", "xlsx", "json"),
                             lang="fr")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("hostile")
    return {"hostile": reports(tmp, hostile_shops(), "hostile"),
            "benign": reports(tmp, benign_shops(), "benign")}


def tree_of(path: Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_text("utf-8"))


def executable_scripts(tree: LexborHTMLParser) -> list[Any]:
    return [s for s in tree.css("script")
            if (s.attributes.get("type") or "text/javascript").lower()
            in ("text/javascript", "module", "application/javascript", "")]


def handler_attributes(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    return [(node.tag, name) for node in tree.css("*") for name in node.attributes
            if name.lower().startswith("on")]


def test_no_injected_script_runs(written: dict[str, dict[str, Path]]) -> None:
    hostile, benign = tree_of(written["hostile"]["html"]), tree_of(written["benign"]["html"])
    assert len(executable_scripts(hostile)) == len(executable_scripts(benign))
    for script in executable_scripts(hostile):
        assert MARK not in (script.text() or ""), "a shop's text ended up inside a script"
    for script in hostile.css("script"):  # data scripts may hold the text, but not break out
        assert "</script" not in (script.text() or "").lower()


def test_no_event_handler_attribute(written: dict[str, dict[str, Path]]) -> None:
    hostile, benign = tree_of(written["hostile"]["html"]), tree_of(written["benign"]["html"])
    assert handler_attributes(hostile) == handler_attributes(benign) == []
    assert not hostile.css("svg[onload], img[onerror]")


def test_no_dangerous_url(written: dict[str, dict[str, Path]]) -> None:
    tree = tree_of(written["hostile"]["html"])
    for node in tree.css("*"):
        for name in URL_ATTRS:
            value = "".join((node.attributes.get(name) or "").split()).lower()
            assert not value.startswith(("javascript:", "data:text", "vbscript:")), (node.tag,
                                                                                       value)


def test_hostile_text_is_shown_as_text(written: dict[str, dict[str, Path]]) -> None:
    body = tree_of(written["hostile"]["html"]).body
    assert body is not None and MARK in body.text()  # shown escaped, not dropped


def starts_like_formula(value: str) -> bool:
    if not value or value[0] not in "=+-@\t\r":
        return False
    try:
        float(value.replace(",", "."))
        return False  # a plain negative number is not a formula
    except ValueError:
        return True


def test_csv_cells_neutralised(written: dict[str, dict[str, Path]]) -> None:
    path = written["hostile"]["csv"]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert any(MARK in cell for cell in cells)
    bad = [cell for cell in cells if starts_like_formula(cell)]
    assert not bad, bad[:5]


def test_xlsx_cells_neutralised(written: dict[str, dict[str, Path]]) -> None:
    workbook = load_workbook(written["hostile"]["xlsx"])
    seen = False
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # the workbook's own formulas only
                    assert MARK not in str(cell.value), (sheet.title, cell.coordinate)
                elif isinstance(cell.value, str):
                    seen = seen or MARK in cell.value
                    assert not starts_like_formula(cell.value), (sheet.title, cell.coordinate,
                                                                 cell.value)
    assert seen, "the hostile names should be in the workbook, neutralised"
