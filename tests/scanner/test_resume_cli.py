"""`scan --resume` and `resume` continue an interrupted scan with its own recorded settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.shop import Shop
from output.store import Store
from scanner.cli import app

SETTINGS = {"no_places": True, "no_render": True, "formats": ["json"], "lang": "fr"}


@pytest.mark.parametrize("command", [["scan", "--resume"], ["resume"]])
def test_an_interrupted_scan_is_finished(tmp_path: Path, command: list[str]) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    shops = [Shop(name="Sans site A"), Shop(name="Sans site B"), Shop(name="Sans site C")]
    with Store(db) as store:
        scan_id = store.begin_scan(label="liste", commune=None, settings=SETTINGS, shops=shops)
        store.save_shop_result(scan_id, {"id": shops[0].id, "name": shops[0].name,
                                         "steps": {}, "signals": {}, "kept": "before the kill"})
    result = CliRunner().invoke(app, [*command, scan_id, "--db", db, "--out",
                                      str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "scan.json").exists()
    assert not (tmp_path / "out" / "report.html").exists()  # the recorded formats applied
    with Store(db) as store:
        scan = store.get_scan(scan_id)
        rows = {r["id"]: r for r in store.iter_shop_results(scan_id)}
    assert scan is not None and scan["finished_at"]
    assert set(rows) == {s.id for s in shops}
    assert rows[shops[0].id]["kept"] == "before the kill"  # stored results are not redone
    places = rows[shops[1].id]["places"]
    assert places["status"] == "not_measured" and "no-places" in places["reason"]


def test_a_finished_scan_cannot_be_resumed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    with Store(db) as store:
        scan_id = store.begin_scan(label="x", commune=None, settings=SETTINGS, shops=[])
        store.finish_scan(scan_id, {})
    result = CliRunner().invoke(app, ["resume", scan_id, "--db", db])
    assert result.exit_code == 2
    assert "déjà terminée" in result.stderr
