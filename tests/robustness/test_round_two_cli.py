"""Regression tests for hardening round two (issue 15), through the command line.

Each test reproduces one fault of the adversarial run; the number is the issue's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.errors import EXIT_LOW_COVERAGE
from fixtures.farm import Farm
from output.store import Store
from scanner.cli.support import DEBUG_ENV
from tests.robustness.cli_farm import (
    OUTPUTS,
    resolve_args,
    run_cli,
    scan_args,
    serve_pages,
    site_url,
    stderr_lines,
    written_outputs,
)

USAGE, FAILED = 2, 1
#: A run whose shops could not be measured (unreachable sites) ends with EXIT_LOW_COVERAGE.
DONE = (0, EXIT_LOW_COVERAGE)
PAGE = ("<!doctype html><html lang=fr><head><title>{title}</title></head><body><h1>{title}</h1>"
        "<p>Pains, viennoiseries et pâtisseries préparés chaque matin. Horaires : du mardi au "
        "samedi.</p><a href='/contact.html'>Contact</a></body></html>")


@pytest.fixture(autouse=True)
def no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEBUG_ENV, "0")


def shop_list(tmp: Path, rows: list[tuple[str, str]]) -> Path:
    path = tmp / "liste.csv"
    path.write_text("nom,site web\n" + "".join(f"{n},{w}\n" for n, w in rows), "utf-8")
    return path


def assert_all_outputs(out: Path) -> None:
    assert written_outputs(out) == sorted(OUTPUTS)
    load_workbook(out / "audit.xlsx", read_only=True).close()
    json.loads((out / "scan.json").read_text("utf-8"))


# -- 1: a control character loses three of the four reports ---------------------------------
def test_control_character_in_a_name_keeps_all_four_reports(tmp_path: Path) -> None:
    shops = shop_list(tmp_path, [("Bad\x07Bell Shop", "http://x.invalid/")])
    result = run_cli(scan_args(shops, tmp_path))
    assert result.exit_code in DONE, result.stderr
    assert_all_outputs(tmp_path / "out")


def test_control_character_in_a_title_keeps_all_four_reports(tmp_path: Path) -> None:
    with Farm() as farm:
        serve_pages(farm, "chez-paul.invalid",
                    {"/": PAGE.format(title="Chez Paul\x07 Boulangerie")})
        shops = shop_list(tmp_path, [("Chez Paul", site_url(farm, "chez-paul.invalid"))])
        result = run_cli(scan_args(shops, tmp_path, *resolve_args(farm)))
    assert result.exit_code == 0, result.stderr
    assert_all_outputs(tmp_path / "out")


def test_one_report_that_cannot_be_written_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "out" / "audit.xlsx").mkdir(parents=True)  # a folder where the file goes
    shops = shop_list(tmp_path, [("Boucherie", "")])
    result = run_cli(scan_args(shops, tmp_path))
    assert result.exit_code == FAILED
    lines = stderr_lines(result)
    assert len(lines) == 1 and "audit.xlsx" in lines[0], result.stderr
    assert {"report.html", "shops.csv", "scan.json"} <= set(written_outputs(tmp_path / "out"))


# -- 2 and 3: capital letters in the host, and the port of site-relative links --------------
def test_capitalised_host_with_a_port_reaches_its_key_pages(tmp_path: Path) -> None:
    with Farm() as farm:
        host = "boulangerie-dupont.invalid"
        serve_pages(farm, host, {"/": PAGE.format(title="Boulangerie Dupont"),
                                 "/contact.html": PAGE.format(title="Contact")})
        url = site_url(farm, "Boulangerie-Dupont.invalid")
        shops = shop_list(tmp_path, [("Boulangerie Dupont", url)])
        result = run_cli(scan_args(shops, tmp_path, *resolve_args(farm)))
        paths = farm.stats.paths(host)
    assert result.exit_code == 0, result.stderr
    assert "/contact.html" in paths
    shop = json.loads((tmp_path / "out" / "scan.json").read_text("utf-8"))["shops"][0]
    assert shop["steps"]["web_presence"]["status"] != "error"
    assert shop["crawl"]["pages"] >= 2


# -- 6: Rich markup in user input ------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["scan", "--shops", "[/]nope.csv"],
    ["resume", "[/]x"],
    ["scan", "--commune", "[/]X", "--osm-file", "{tmp}/osm.json"],
    ["scan", "--shops", "[bold]x[/bold].csv"],
])
def test_markup_in_user_input_is_printed_as_typed(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "osm.json").write_text('{"elements": []}', "utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run_cli([*args, "--db", f"sqlite:///{tmp_path}/db.db"])
    lines = stderr_lines(result)
    assert result.exit_code == USAGE, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    typed = next(a for a in args[1:] if "[" in a)
    assert typed in lines[0].replace("\\", "")


def test_crawl_table_name_survives_in_the_message(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("crawl = 3\n", "utf-8")
    shops = shop_list(tmp_path, [("Boucherie", "")])
    result = run_cli(scan_args(shops, tmp_path, "--config", str(config)))
    assert result.exit_code == USAGE
    assert "[crawl]" in result.stderr, result.stderr


# -- 10: addresses httpx rejects -------------------------------------------------------------
@pytest.mark.parametrize("website", ["http://0177.0.0.1:18080/", "http://127.000.000.001/",
                                     "http://①②⑦.0.0.1/"])
def test_addresses_httpx_rejects_are_an_error_for_that_shop(
        tmp_path: Path, website: str, caplog: pytest.LogCaptureFixture) -> None:
    shops = shop_list(tmp_path, [("Piège", website), ("Sans site", "")])
    result = run_cli(scan_args(shops, tmp_path))
    assert result.exit_code in DONE, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not [r.getMessage() for r in caplog.records if r.exc_info]  # would print one
    data = json.loads((tmp_path / "out" / "scan.json").read_text("utf-8"))
    trap = next(s for s in data["shops"] if s["name"] == "Piège")
    assert trap["crawl"]["status"] != "ok" and trap["errors"]


# -- 11: exit codes and leftover scans ---------------------------------------------------------
def test_config_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b"[crawl]\nuser_agent = \"\xff\xfe\"\n")
    shops = shop_list(tmp_path, [("Boucherie", "")])
    result = run_cli(scan_args(shops, tmp_path, "--config", str(config)))
    assert result.exit_code == USAGE, result.stderr
    assert len(stderr_lines(result)) == 1


@pytest.mark.parametrize(("api", "key"), [("legacy", "pas-une-cle"), ("bogus", None),
                                          ("bogus", "AIzaSyA-fake-but-well-formed-key-000")])
def test_bad_places_options_are_refused_before_any_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: str, key: str | None) -> None:
    if key:
        monkeypatch.setenv("GOOGLE_MAPS_API_KEY", key)
    else:
        monkeypatch.delenv("GOOGLE_MAPS_API_KEY", raising=False)
    shops = shop_list(tmp_path, [("Boucherie", "")])
    args = [a for a in scan_args(shops, tmp_path, "--places-api", api) if a != "--no-places"]
    result = run_cli(args)
    assert result.exit_code == USAGE, result.stderr
    assert len(stderr_lines(result)) == 1, result.stderr
    with Store(f"sqlite:///{tmp_path}/scan.db") as store:
        assert store.list_scans() == []
