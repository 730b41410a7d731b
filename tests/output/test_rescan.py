"""rescan over the real pipeline: two communes, one failing, resume, lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from output.store import Store
from scanner.cli.reports import register
from scanner.rescan import RescanError, exclusive_lock, load_plan, run_plan
from sources.csv_list import read_shop_list
from tests.helpers.results import make_result

# Port 9 (discard) on loopback: nothing listens, the crawl fails fast and the shop is an error
# value; the scan still completes.
SHOPS_CSV = ("name,website,address,postcode,city\n"
             "Boulangerie Test,http://127.0.0.1:9/,Rue Haute 1,6900,Marche\n"
             "Café Test,,Rue Basse 2,6900,Marche\n")
CONFIG = """
db = "sqlite:///rescan.db"
[defaults]
no_places = true
no_render = true
allow_private_addresses = true
formats = ["json"]

[[communes]]
name = "Marche"
shops = "shops.csv"
out = "out/marche"

[[communes]]
name = "Durbuy"
shops = "missing.csv"
out = "out/durbuy"
"""


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    (tmp_path / "shops.csv").write_text(SHOPS_CSV, encoding="utf-8")
    path = tmp_path / "rescan.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_rescan_runs_each_commune_and_fails_on_one(plan_file: Path) -> None:
    result = CliRunner().invoke(_app(), ["rescan", str(plan_file), "--quiet"])
    assert result.exit_code == 1, result.output
    assert "Marche" in result.output and "Durbuy" in result.output
    assert "échec" in result.output and "introuvable" in result.output
    scan = json.loads((plan_file.parent / "out/marche/scan.json").read_text(encoding="utf-8"))
    assert len(scan["shops"]) == 2 and scan["scan"]["status"] == "finished"
    assert not (plan_file.parent / "out/durbuy").exists()


def test_rescan_resumes_unfinished_scan(plan_file: Path) -> None:
    plan = load_plan(plan_file)
    marche = plan.communes[0]
    shops = read_shop_list(marche.options["shops_file"]).shops
    assert plan.db_url == f"sqlite:///{plan_file.parent / 'rescan.db'}"
    store = Store(plan.db_url)
    scan_id = store.begin_scan(label="Marche", commune="Marche", shops=shops,
                               settings={"shops_file": str(marche.options["shops_file"])})
    store.save_shop_result(scan_id, make_result(shops[1]))
    outcomes = run_plan(plan, "unused", quiet=True)
    assert outcomes[0].ok and outcomes[0].resumed and outcomes[0].scan_id == scan_id
    assert not outcomes[1].ok
    scan = store.get_scan(scan_id)
    assert scan is not None and scan["status"] == "finished" and scan["shops_done"] == 2
    store.close()


def test_rescan_refuses_to_overlap(plan_file: Path) -> None:
    plan = load_plan(plan_file)
    with exclusive_lock(plan.lock_file), pytest.raises(RescanError, match="déjà en cours"):
        run_plan(plan, "unused")


def test_bad_config_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[communes]]\nname = "X"\nbudget = 3\n', encoding="utf-8")
    result = CliRunner().invoke(_app(), ["rescan", str(path)])
    assert result.exit_code == 2 and "réglage inconnu" in result.output
    result = CliRunner().invoke(_app(), ["rescan", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "introuvable" in result.output
