"""diff and history over several scans built from hand-made shop results, and their commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from core.steps import STEPS
from output.diff import diff_scans
from output.history import commune_history, step_trend
from output.store import Store, StoreError
from scanner.cli.reports import register
from scoring import load_rubric
from tests.output.sample import COMMUNE, SHOPS, build_scan, shop_for


@pytest.fixture
def scans(store: Store) -> tuple[str, str, str]:
    """2025 (one level lower, no shop 8), 2026 (shop 7 gone, shop 8 new, shop 6 closed),
    2027 (everything one level lower again)."""
    first = build_scan(store, shift=-1, label="2025", drop=(8,))
    second = build_scan(store, label="2026", drop=(7,), closed=(6,))
    third = build_scan(store, shift=-1, label="2027")
    return first, second, third


def _expected_improved(step_index: int) -> set[str]:
    """Shops in both scans whose level (measured) was lowered by the shift in 2025."""
    return {shop_for(i).name for i, row in enumerate(SHOPS)
            if i not in (7, 8) and row[3][step_index] is not None and row[3][step_index] >= 1}


def test_diff_finds_improved_new_gone_closed(store: Store, scans: tuple[str, str, str]) -> None:
    first, second, _third = scans
    result = diff_scans(store, first, second)
    for index, step in enumerate(STEPS):
        improved = {c["name"] for c in result["steps"][step]["improved"]}
        assert improved == _expected_improved(index), step
        assert result["steps"][step]["regressed"] == []
    assert [s["name"] for s in result["new"]] == [shop_for(8).name]
    assert [s["name"] for s in result["gone"]] == [shop_for(7).name]
    assert [s["name"] for s in result["closed"]] == [shop_for(6).name]
    change = result["steps"]["web_presence"]["improved"][0]
    assert change["to"] == change["from"] + 1


def test_diff_finds_regressions_and_unknown_scan(store: Store, scans: tuple[str, str, str]) -> None:
    _first, second, third = scans
    result = diff_scans(store, second, third)
    regressed = {c["name"] for c in result["steps"]["reviews"]["regressed"]}
    assert regressed == {shop_for(i).name for i, row in enumerate(SHOPS)
                         if i != 7 and row[3][4] is not None and row[3][4] >= 1}
    assert result["counts"]["closed"] == 0  # 2027 reports shop 6 operational again
    with pytest.raises(StoreError, match="introuvable"):
        diff_scans(store, second, "scan-missing")


def test_history_follows_each_step(store: Store, scans: tuple[str, str, str]) -> None:
    build_scan(store, label="other commune", commune="Durbuy")
    build_scan(store, label="running", finish=False)
    rows = commune_history(store, COMMUNE)
    assert [r["label"] for r in rows] == ["2025", "2026", "2027"]
    for step in STEPS:
        means = [r["steps"][step]["mean"] for r in rows]
        assert means[1] > means[0] and means[2] < means[1], step
    assert rows[1]["shops"] == len(SHOPS) - 1
    assert step_trend(rows[:2], "web_presence") > 0


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_commands_diff_history_report(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store(db)
    first = build_scan(store, shift=-1, label="2025", drop=(8,))
    second = build_scan(store, label="2026", drop=(7,))
    store.close()
    runner = CliRunner()
    shown = runner.invoke(_app(), ["diff", first, second, "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "Nouveaux commerces : 1" in shown.output
    as_json = runner.invoke(_app(), ["diff", first, second, "--json", "--db", db])
    assert json.loads(as_json.output)["counts"]["gone"] == 1
    hist = runner.invoke(_app(), ["history", "--commune", COMMUNE, "--json"],
                         env={"SMARTCOMMERCE_DB": db})
    assert [s["label"] for s in json.loads(hist.output)["scans"]] == ["2025", "2026"]
    out = tmp_path / "out"
    made = runner.invoke(_app(), ["report", "latest", "--commune", COMMUNE, "--format",
                                  "html,csv", "--out", str(out), "--lang", "de", "--db", db])
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "shops.csv"]
    assert 'lang="de"' in (out / "report.html").read_text(encoding="utf-8")


def test_commands_fail_with_one_clear_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    runner = CliRunner()
    missing = runner.invoke(_app(), ["history", "--commune", "Nulle-part", "--db", db])
    assert missing.exit_code == 2 and "aucun scan" in missing.output
    bad_db = runner.invoke(_app(), ["report", "--db", "postgresql://u:topsecret@127.0.0.1:1/x"])
    assert bad_db.exit_code == 1
    assert "topsecret" not in bad_db.output and "Impossible" in bad_db.output


def test_history_shows_the_published_benchmarks(tmp_path: Path) -> None:
    """After the history table: the barometer figures, with source and year, beside ours."""
    db = f"sqlite:///{tmp_path / 'refs.db'}"
    store = Store(db)
    build_scan(store, shift=-1, label="2025")
    build_scan(store, label="2026")
    store.close()
    cited = [c for c in load_rubric().audit.criteria if c.reference is not None]
    assert cited  # the built-in audit cites the 2018 barometer
    runner = CliRunner()
    as_json = runner.invoke(_app(), ["history", "--commune", COMMUNE, "--json", "--db", db])
    rows = json.loads(as_json.output)["references"]
    assert {r["question"] for r in rows} == {c.question.fr for c in cited}
    for row, criterion in zip(sorted(rows, key=lambda r: r["question"]),
                              sorted(cited, key=lambda c: c.question.fr), strict=True):
        assert criterion.reference is not None
        assert row["reference"]["value"] == criterion.reference.value
        assert row["reference"]["year"] == criterion.reference.year
        assert row["value"] is None or 0 <= row["value"] <= 1
    text = runner.invoke(_app(), ["history", "--commune", COMMUNE, "--db", db],
                         env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    table_end = text.output.index("Commerces")
    block = text.output[table_end:]
    assert "Repères publiés" in block and "pas une mesure de la commune" in block
    for criterion in cited:
        assert criterion.reference is not None
        assert str(criterion.reference.year) in block
        assert f"{round(criterion.reference.value * 100)}" in block
