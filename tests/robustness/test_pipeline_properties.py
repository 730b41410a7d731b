"""Property tests through the whole pipeline (issue 15): generated shop lists and websites go
from a CSV file through crawl, probes, scoring and the store to all four reports.

Properties, for any input:
- all four outputs are written and valid (XLSX opens, JSON validates against the schema,
  CSV parses), and the command exits 0;
- no traceback on stderr without --debug (nor a log record that would print one);
- a URL and its case-changed or default-port-written twin give the same signals.

The sites are on the loopback farm, reached with --resolve. Examples per property come from a
hypothesis profile: SMARTCOMMERCE_PROPERTY_PROFILE=ci (default, a few examples, CI budget) or
thorough (hundreds, for a hunting session).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fixtures.farm import Farm
from scanner.cli.support import DEBUG_ENV
from tests.robustness.cli_farm import OUTPUTS, run_cli, scan_args, serve_pages

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "output" / "schema" / "scan.schema.json").read_text("utf-8"))
settings.register_profile("ci", max_examples=4, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=list(HealthCheck))
PIPELINE = settings(settings.get_profile(os.environ.get("SMARTCOMMERCE_PROPERTY_PROFILE", "ci")))

HOSTS = ("boulangerie-dupont.invalid", "bäckerei-müller.invalid", "chez-paul.invalid")
ASCII_HOSTS = {h: h.encode("idna").decode("ascii") for h in HOSTS}
PAGE = ("<!doctype html><html lang=fr><head><meta charset=utf-8><title>{title}</title></head>"
        "<body><h1>{title}</h1><p>{snippet}</p><p>Pains et pâtisseries, commande en ligne, "
        "retrait en magasin. Horaires : du mardi au samedi.</p>"
        "<a href='/contact.html'>Contact</a> <a href='commander'>Commander</a></body></html>")
any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=25)


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with Farm() as running:
        yield running


@pytest.fixture(autouse=True)
def no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEBUG_ENV, "0")


def resolve_all(farm: Farm) -> list[str]:
    """Each host on the farm's port and on port 80 (for the default-port twins)."""
    args: list[str] = []
    for host in HOSTS:
        args += ["--resolve", f"{host}:{farm.http_port}:127.0.0.1",
                 "--resolve", f"{host}:80:127.0.0.1:{farm.http_port}"]
    return args


def write_list(path: Path, rows: list[list[str]], delimiter: str, encoding: str) -> None:
    out = io.StringIO()
    # Excel's line ends: the writer then quotes any cell holding \r or \n (with "\n" alone, a
    # bare \r in a cell would stay unquoted and really end the row).
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["nom", "site web", "adresse"], *rows])
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))


def scan(farm: Farm, tmp: Path, rows: list[list[str]], delimiter: str = ",",
         encoding: str = "utf-8") -> dict:
    """Run a whole scan and check the properties every run must have; returns scan.json."""
    write_list(tmp / "liste.csv", rows, delimiter, encoding)
    result = run_cli(scan_args(tmp / "liste.csv", tmp, *resolve_all(farm)))
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    out = tmp / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    load_workbook(out / "audit.xlsx", read_only=True).close()
    data = json.loads((out / "scan.json").read_text("utf-8"))
    jsonschema.validate(data, SCHEMA)
    with (out / "shops.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(data["shops"]) == len(rows)
    return data


def fresh_dir(base: Path) -> Path:
    path = base / f"run{len(list(base.iterdir()))}"
    path.mkdir()
    return path


def no_traceback_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r.getMessage() for r in caplog.records if r.exc_info]
    caplog.clear()


@PIPELINE
@given(name=any_text, title=any_text, snippet=any_text, address=any_text,
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_text_reaches_all_four_reports(
        farm: Farm, tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, title: str,
        snippet: str, address: str, delimiter: str, encoding: str) -> None:
    host = HOSTS[0]
    serve_pages(farm, ASCII_HOSTS[host], {"/": PAGE.format(title=html.escape(title),
                                                            snippet=html.escape(snippet))})
    url = f"http://{host}:{farm.http_port}/"
    data = scan(farm, fresh_dir(tmp_path), [[f"Commerce {name}", url, address]],
                delimiter, encoding)
    assert data["shops"][0]["crawl"]["status"] == "ok"
    no_traceback_logged(caplog)


def case_changed(url_host: str, flips: list[bool]) -> str:
    return "".join(c.swapcase() if flip else c for c, flip in zip(url_host, flips, strict=False)
                   ) + url_host[len(flips):]


@PIPELINE
@given(host=st.sampled_from(HOSTS), flips=st.lists(st.booleans(), max_size=40),
       scheme_upper=st.booleans(), trailing_dot=st.booleans(),
       path=st.sampled_from(["/", "", "/index.html", "/?q=1#haut", "/a/../", "/%7Eaccueil"]))
def test_url_twins_give_the_same_signals(
        farm: Farm, tmp_path: Path, caplog: pytest.LogCaptureFixture, host: str,
        flips: list[bool], scheme_upper: bool, trailing_dot: bool,
        path: str) -> None:
    pages = {"/": PAGE.format(title="Accueil", snippet="Bienvenue"),
             "/contact.html": PAGE.format(title="Contact", snippet="Rue Haute 1"),
             "/commander": PAGE.format(title="Commander", snippet="Panier")}
    serve_pages(farm, ASCII_HOSTS[host], pages)
    for odd in ("/index.html", "/a/", "/%7Eaccueil"):
        pages[odd] = pages["/"]
    scheme = "HTTP" if scheme_upper else "http"
    twin_host = case_changed(host, flips) + ("." if trailing_dot else "")
    assume(twin_host.lower().rstrip(".") == host)
    plain = f"http://{host}:{farm.http_port}{path or '/'}"
    twins = [f"{scheme}://{twin_host}:{farm.http_port}{path}",
             f"http://{host}:80{path or '/'}", f"http://{host}{path or '/'}"]
    rows = [[f"Commerce {i}", url, ""] for i, url in enumerate([plain, *twins])]
    data = scan(farm, fresh_dir(tmp_path), rows)
    by_name = {shop["name"]: shop for shop in data["shops"]}
    reference = by_name["Commerce 0"]
    assert reference["crawl"]["status"] == "ok", reference["errors"]
    for i in range(1, len(rows)):
        twin = by_name[f"Commerce {i}"]
        assert twin["signals"] == reference["signals"], rows[i][1]
        assert twin["crawl"]["pages"] == reference["crawl"]["pages"], rows[i][1]
    no_traceback_logged(caplog)
