"""The README workflow end to end: `sources` writes the list with its commune, `scan --shops`
keeps it; a list whose sites cannot be reached is counted honestly and exits with code 3;
`scans` and `history` find the commune whatever its case and accents."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from core.errors import EXIT_LOW_COVERAGE
from scanner.cli import app

COMMUNE = "Bellemarche"


@pytest.fixture(scope="module")
def unreachable_scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("summary")
    runner = CliRunner()
    listed = runner.invoke(app, ["sources", "--demo", "--commune", COMMUNE,
                                 "--out", str(tmp / "shops.csv")])
    assert listed.exit_code == 0, listed.output
    with open(tmp / "shops.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["commune"] for row in rows} == {COMMUNE}
    # Without the demo farm, the shops' websites cannot be reached from here.
    db = f"sqlite:///{tmp / 'h.db'}"
    scanned = runner.invoke(app, ["scan", "--shops", str(tmp / "shops.csv"), "--db", db,
                                  "--out", str(tmp / "out"), "--no-render",
                                  "--format", "json,html"], env={"GOOGLE_MAPS_API_KEY": ""})
    scan = json.loads((tmp / "out" / "scan.json").read_text("utf-8"))
    return {"result": scanned, "scan": scan, "db": db, "rows": rows,
            "html": (tmp / "out" / "report.html").read_text("utf-8")}


def test_counts_per_outcome_and_exit_code(unreachable_scan: dict[str, Any]) -> None:
    result, scan = unreachable_scan["result"], unreachable_scan["scan"]
    assert result.exit_code == EXIT_LOW_COVERAGE, result.output
    with_site = [s for s in scan["shops"] if s["crawl"]["status"] not in ("no_website",
                                                                          "social_only")]
    unreachable = sum(s["crawl"]["status"] == "unreachable" for s in scan["shops"])
    assert unreachable == len(with_site) > 0
    output = result.output
    assert f"{len(scan['shops'])} commerces" in output
    assert f"{unreachable} site injoignable" in output
    assert "ATTENTION" in output
    # Warned before the scan: two steps cost by the missing Google key.
    assert output.index("Fiche Google") < output.index("terminée")
    assert any(len(line) > 80 for line in output.splitlines())  # long lines kept whole


def test_report_says_not_measured(unreachable_scan: dict[str, Any]) -> None:
    page = unreachable_scan["html"]
    assert 'id="low-coverage"' in page and 'id="too-few"' in page
    assert 'id="weakest-link"' not in page  # no weakest link on so few shops
    assert "non mesurés" in page


def test_commune_kept_found_and_listed(unreachable_scan: dict[str, Any]) -> None:
    db = unreachable_scan["db"]
    assert unreachable_scan["scan"]["scan"]["commune"] == COMMUNE
    runner = CliRunner()
    history = runner.invoke(app, ["history", "--commune", "BELLEMARCHÉ", "--db", db, "--json"])
    assert history.exit_code == 0, history.output
    assert json.loads(history.stdout)["commune"] == COMMUNE
    listed = runner.invoke(app, ["scans", "--db", db, "--json"])
    [row] = json.loads(listed.stdout)["scans"]
    assert row["commune"] == COMMUNE and row["shops"] == len(unreachable_scan["rows"])
    wrong = runner.invoke(app, ["history", "--commune", "Belemarche", "--db", db])
    assert wrong.exit_code == 2 and "vouliez-vous dire : Bellemarche" in wrong.output
