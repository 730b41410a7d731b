"""Report files: scan.json against its schema, shops.csv, the audit workbook, the HTML page."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from output import write_reports
from output._files import atomic_text
from output.i18n import LANGUAGES, load_table
from output.store import Store, StoreError
from tests.output.sample import COMMUNE, HOSTILE_NAME, SHOPS, build_scan

SCHEMA = Path(__file__).parents[2] / "output" / "schema" / "scan.schema.json"


@pytest.fixture
def sqlite_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    yield store
    store.close()


@pytest.fixture
def reports(sqlite_store: Store, tmp_path: Path) -> dict[str, Path]:
    build_scan(sqlite_store, shift=-1, label="2025")
    scan_id = build_scan(sqlite_store, label="2026")
    return write_reports(sqlite_store, scan_id, tmp_path / "out")


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_scan_json_is_valid_and_complete(reports: dict[str, Path]) -> None:
    document = json.loads(reports["json"].read_text(encoding="utf-8"))
    _validator().validate(document)
    assert document["scan"]["commune"] == COMMUNE
    assert len(document["shops"]) == len(SHOPS)
    assert document["commune"]["shops"] == len(SHOPS)
    assert all(shop["identity_key"].startswith("i-") for shop in document["shops"])


def test_schema_rejects_a_broken_document(reports: dict[str, Path]) -> None:
    document = json.loads(reports["json"].read_text(encoding="utf-8"))
    document["shops"][0]["steps"]["reviews"]["level"] = 7
    del document["scan"]["id"]
    errors = list(_validator().iter_errors(document))
    assert len(errors) == 2


def test_csv_one_row_per_shop_with_steps_and_signals(reports: dict[str, Path]) -> None:
    with open(reports["csv"], encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(SHOPS)
    first = rows[0]
    assert first["name"] == "Boulangerie Dupont"
    assert first["web_presence.level"] == "3" and first["reviews.status"] == "measured"
    assert first["signal.web_presence.social_links"] == "facebook; instagram"
    cafe = next(r for r in rows if r["name"] == "Café de la Place")
    assert cafe["click_and_collect.status"] == "not_measured"


def test_csv_neutralises_formulas_but_not_numbers(reports: dict[str, Path]) -> None:
    with open(reports["csv"], encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    evil = rows[8]
    assert evil["name"].startswith("'=HYPERLINK")
    assert rows[1]["signal.web_presence.title"] == "'-2+3"
    assert float(rows[0]["lat"]) > 50  # numbers stay numbers


def test_workbook_reads_back(reports: dict[str, Path]) -> None:
    book = load_workbook(reports["xlsx"])
    assert book.sheetnames[0] == "Vue d'ensemble"
    assert "Présence web" in book.sheetnames and "Commerces" in book.sheetnames
    overview = book["Vue d'ensemble"]
    values = [[c.value for c in row] for row in overview.iter_rows()]
    assert [COMMUNE] in [row[1:2] for row in values]
    step_row = next(row for row in overview.iter_rows() if row[0].value == "Présence web")
    assert step_row[3].number_format == "0%" and 0 < step_row[3].value <= 1
    assert sum(c.value for c in step_row[5:10]) == len(SHOPS)
    web = book["Présence web"]
    assert web.freeze_panes == "B2" and web.print_title_rows == "$1:$1"
    assert web.page_setup.orientation == "landscape" and web.page_setup.fitToWidth == 1
    assert web.auto_filter.ref
    header = [c.value for c in next(web.iter_rows(max_row=1))]
    assert header[:2] == ["Question", "Réponse pré-remplie"]
    assert "Votre réponse" in header and "Commentaire" in header
    answer_column = get_column_letter(header.index("Votre réponse") + 1)
    [choices] = [v for v in web.data_validations.dataValidation
                 if str(v.sqref).startswith(answer_column)]
    assert choices.type == "list" and "Oui" in choices.formula1 and "Non" in choices.formula1
    questions = [row[0].value for row in web.iter_rows(min_row=2) if row[0].value]
    assert any("site web" in (q or "") for q in questions)
    shops = book["Commerces"]
    assert shops.freeze_panes == "B2" and shops.auto_filter.ref
    titles = [c.value for c in next(shops.iter_rows(max_row=1))]
    assert titles[:3] == ["Commerce", "Secteur", "Adresse"]
    assert "Niveau : Présence web" in titles and "Vérification de l'ambassadeur" in titles
    assert not any("." in t or "_" in t for t in titles)  # no internal names
    rows = list(shops.iter_rows(min_row=2))
    assert len(rows) == len(SHOPS)
    first = {t: c for t, c in zip(titles, rows[0], strict=True)}
    assert first["Secteur"].value == "Commerce alimentaire"
    assert first["Niveau : Présence web"].value == "3 – avancé"
    assert first["Niveau : Présence web"].fill.fgColor.rgb.endswith("91CF60")
    assert first["Site web"].hyperlink.target == "https://shop0.example.be/"
    assert shops.data_validations.dataValidation  # the ambassador's check
    evil = {t: c for t, c in zip(titles, rows[8], strict=True)}["Commerce"]
    assert evil.value == ' =HYPERLINK("http://evil.test","x")' and evil.data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title  # no formula cell
            assert not any(isinstance(c.value, str) and c.value.startswith("'") for c in row)


def test_html_escapes_site_content(reports: dict[str, Path]) -> None:
    page = reports["html"].read_text(encoding="utf-8")
    assert HOSTILE_NAME not in page
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("https://", "http://", "#")) for h in hrefs)
    assert "javascript:" not in page  # never a link, never shown as one
    assert "<img" not in page
    assert len(re.findall(r"<script\b", page)) == 2  # map data + our own script
    assert len(re.findall(r"</script>", page)) == 2
    assert not re.search(r"<[^>]*\s(src|srcset)=", page)  # nothing loads anything
    assert "onerror" not in page  # evidence is visible text, never markup
    assert "<link" not in page


def test_html_has_key_sections_and_trends(reports: dict[str, Path]) -> None:
    page = reports["html"].read_text(encoding="utf-8")
    assert f"{len(SHOPS)} commerces analysés" in page
    assert "Maillon faible" in page
    assert 'id="trend-table"' in page
    assert 'id="shop-map"' in page and page.count("<circle") == len(SHOPS)
    assert "site visité" in page and "pas de site connu" in page  # crawl statuses in words


def test_report_in_other_languages_and_partial_scan(sqlite_store: Store, tmp_path: Path) -> None:
    scan_id = build_scan(sqlite_store, finish=False)
    written = write_reports(sqlite_store, scan_id, tmp_path, formats=("html", "json"), lang="nl")
    page = written["html"].read_text(encoding="utf-8")
    assert 'lang="nl"' in page and "handelszaken geanalyseerd" in page
    assert 'id="partial"' in page
    _validator().validate(json.loads(written["json"].read_text(encoding="utf-8")))


def test_write_reports_refuses_unknown_inputs(sqlite_store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="introuvable"):
        write_reports(sqlite_store, "scan-none", tmp_path)
    scan_id = build_scan(sqlite_store, count=2)
    with pytest.raises(ValueError, match="Format"):
        write_reports(sqlite_store, scan_id, tmp_path, formats=("pdf",))
    with pytest.raises(ValueError, match="Langue"):
        write_reports(sqlite_store, scan_id, tmp_path, lang="it")
    assert not [p for p in tmp_path.rglob("*") if p.suffix in {".html", ".json", ".xlsx"}]


def test_interrupted_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "scan.json"
    with pytest.raises(RuntimeError), atomic_text(target) as out:
        out.write('{"scan": ')
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_every_language_has_every_key() -> None:
    keys = {lang: set(load_table(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert keys[lang] == keys["fr"], lang


def test_empty_scan_still_gives_every_file(sqlite_store: Store, tmp_path: Path) -> None:
    scan_id = sqlite_store.begin_scan(label="vide", commune="Nulle", settings={}, shops=[])
    sqlite_store.finish_scan(scan_id, {})
    written = write_reports(sqlite_store, scan_id, tmp_path / "empty")
    assert sorted(written) == ["csv", "html", "json", "xlsx"]
    page = written["html"].read_text(encoding="utf-8")
    assert "0 commerces analysés" in page and "Aucun commerce n&#39;a de coordonnées" in page
    _validator().validate(json.loads(written["json"].read_text(encoding="utf-8")))
    assert load_workbook(written["xlsx"]).sheetnames[-1] == "Méthode"


def test_singular_wording(sqlite_store: Store, tmp_path: Path) -> None:
    scan_id = build_scan(sqlite_store, count=1)
    page = write_reports(sqlite_store, scan_id, tmp_path, formats=("html",))["html"]
    text = page.read_text(encoding="utf-8")
    assert "1 commerce analysé." in text and "1 commerce placé sur la carte." in text


def test_odd_commune_section_does_not_break_reports(sqlite_store: Store, tmp_path: Path) -> None:
    scan_id = build_scan(sqlite_store, count=3, finish=False)
    sqlite_store.finish_scan(scan_id, {"steps": "nonsense", "by_sector": [1], "weakest_link": 5,
                                       "opportunities": {"x": 1}, "audit": None, "shops": 3})
    written = write_reports(sqlite_store, scan_id, tmp_path / "odd", formats=("html", "xlsx"))
    assert "3 commerces analysés" in written["html"].read_text(encoding="utf-8")
    assert "Présence web" in load_workbook(written["xlsx"]).sheetnames
