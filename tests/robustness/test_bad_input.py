"""Bad input to every command: one clear error line on stderr, a documented exit code
(2 usage/input, 1 the run failed), no traceback unless --debug, nothing half-written.

The exit codes are documented in docs/robustness.md.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from core.shop import Shop
from output.store import Store
from scanner.cli import app
from scanner.cli.support import DEBUG_ENV
from tests.robustness.stores import finished_scan

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_DB = "postgresql://nobody@127.0.0.1:1/x"
USAGE, FAILED = 2, 1


@pytest.fixture(autouse=True)
def no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    # setenv records the previous state, so what --debug sets is undone after each test.
    monkeypatch.setenv(DEBUG_ENV, "0")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "good.csv").write_text("nom,site web\nCommerce sans site,\n", "utf-8")
    (tmp_path / "nohdr.csv").write_text("foo,bar\n1,2\n", "utf-8")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "broken.xlsx").write_bytes(os.urandom(300))
    (tmp_path / "bad.toml").write_text("[crawl\nx=", "utf-8")
    (tmp_path / "bad.json").write_text('{"elements": [', "utf-8")
    (tmp_path / "garbage.db").write_bytes(b"not a database at all" * 100)
    return tmp_path


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(app, args)


def assert_one_clean_line(result: Result, code: int) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == code, (result.exit_code, result.stderr, result.stdout)
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert isinstance(result.exception, SystemExit | None)
    return lines[0]


Case = Callable[[Path, str], list[str]]
CASES: dict[str, tuple[Case, int]] = {
    "scan missing list": (lambda t, db: ["scan", "--shops", f"{t}/missing.csv", "--db", db],
                          USAGE),
    "scan list without name column": (lambda t, db: ["scan", "--shops", f"{t}/nohdr.csv",
                                                     "--db", db], USAGE),
    "scan empty list": (lambda t, db: ["scan", "--shops", f"{t}/empty.csv", "--db", db], USAGE),
    "scan broken xlsx": (lambda t, db: ["scan", "--shops", f"{t}/broken.xlsx", "--db", db],
                         USAGE),
    "scan invalid config toml": (lambda t, db: ["scan", "--shops", f"{t}/good.csv", "--config",
                                                f"{t}/bad.toml", "--db", db, "--no-places"],
                                 USAGE),
    "scan unknown commune": (lambda t, db: ["scan", "--commune", "Nulle-Part-sur-Mer",
                                            "--osm-file", f"{t}/bad.json", "--db", db], USAGE),
    "scan no input": (lambda t, db: ["scan", "--db", db], USAGE),
    "scan unreachable db": (lambda t, db: ["scan", "--shops", f"{t}/good.csv", "--db",
                                           UNREACHABLE_DB, "--no-places"], FAILED),
    "scan db not a database": (lambda t, db: ["scan", "--shops", f"{t}/good.csv", "--db",
                                              f"sqlite:///{t}/garbage.db"], FAILED),
    "resume unknown scan": (lambda t, db: ["resume", "scan-inconnu", "--db", db], USAGE),
    "sources unknown commune": (lambda t, db: ["sources", "--commune", "Nulle-Part-sur-Mer",
                                               "--sources", "osm", "--osm-file",
                                               f"{t}/bad.json", "--out", f"{t}/s.csv"], USAGE),
    "report unknown scan": (lambda t, db: ["report", "scan-inconnu", "--db", db], USAGE),
    "report unknown format": (lambda t, db: ["report", "latest", "--format", "pdf", "--db", db],
                              USAGE),
    "report unknown language": (lambda t, db: ["report", "latest", "--lang", "xx", "--db", db],
                                USAGE),
    "report unreachable db": (lambda t, db: ["report", "latest", "--db", UNREACHABLE_DB],
                              FAILED),
    "diff unknown scans": (lambda t, db: ["diff", "a", "b", "--db", db], USAGE),
    "diff unreachable db": (lambda t, db: ["diff", "a", "b", "--db", UNREACHABLE_DB], FAILED),
    "history unknown commune": (lambda t, db: ["history", "--commune", "Nulle", "--db", db],
                                USAGE),
    "history unreachable db": (lambda t, db: ["history", "--commune", "Nulle", "--db",
                                              UNREACHABLE_DB], FAILED),
    "rescan missing config": (lambda t, db: ["rescan", f"{t}/missing.toml", "--db", db], USAGE),
    "rescan invalid toml": (lambda t, db: ["rescan", f"{t}/bad.toml", "--db", db], USAGE),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_clear_line(case: str, files: Path) -> None:
    make_args, code = CASES[case]
    line = assert_one_clean_line(invoke(make_args(files, f"sqlite:///{files}/db.db")), code)
    assert line.startswith("Erreur")


def test_debug_shows_the_traceback(files: Path) -> None:
    result = invoke(["--debug", "scan", "--shops", f"{files}/nohdr.csv", "--db",
                     f"sqlite:///{files}/db.db"])
    assert result.exit_code == USAGE
    assert "Traceback" in result.stderr


def test_unreachable_db_message_hides_the_password(files: Path) -> None:
    result = invoke(["report", "latest", "--db", "postgresql://nobody:s3cr3t-pw@127.0.0.1:1/x"])
    assert result.exit_code == FAILED
    assert "s3cr3t-pw" not in result.stderr + result.stdout


# -- gaps found by this file, now fixed: kept as regression tests -----------------------------
def test_scan_invalid_rubric_is_an_input_error(files: Path) -> None:
    assert_one_clean_line(invoke(["scan", "--shops", f"{files}/good.csv", "--rubric",
                                  f"{files}/bad.toml", "--db", f"sqlite:///{files}/db.db",
                                  "--no-places", "--quiet"]), USAGE)


@pytest.mark.parametrize("option", [["--format", "pdf"], ["--lang", "xx"]])
def test_scan_bad_format_refused_before_scanning(files: Path, option: list[str]) -> None:
    db = f"sqlite:///{files}/db.db"
    assert_one_clean_line(invoke(["scan", "--shops", f"{files}/good.csv", *option, "--db", db,
                                  "--no-places", "--quiet", "--out", f"{files}/out"]), USAGE)
    with Store(db) as store:
        assert store.list_scans() == []


@pytest.mark.parametrize("db", [UNREACHABLE_DB, "garbage"])
def test_resume_bad_db_is_not_unexpected(files: Path, db: str) -> None:
    url = f"sqlite:///{files}/garbage.db" if db == "garbage" else db
    line = assert_one_clean_line(invoke(["resume", "scan-x", "--db", url]), FAILED)
    assert "inattendue" not in line


@pytest.mark.parametrize(("source", "option", "name"), [
    ("osm", "--osm-file", "bad.json"), ("kbo", "--kbo", "nokbo.zip"),
    ("csv", "--shops", "missing.csv")])
def test_sources_bad_file_is_an_input_error(files: Path, source: str, option: str,
                                            name: str) -> None:
    assert_one_clean_line(invoke(["sources", "--commune", "Habay", "--sources", source, option,
                                  f"{files}/{name}", "--out", f"{files}/s.csv"]), USAGE)


def test_inspect_missing_file(files: Path) -> None:
    assert_one_clean_line(invoke(["inspect", f"{files}/missing.html"]), USAGE)


def test_inspect_refused_address_says_so_on_stderr() -> None:
    line = assert_one_clean_line(invoke(["inspect", "http://127.0.0.1:1/"]), FAILED)
    assert "127.0.0.1" in line


def test_out_on_a_device_names_the_path(files: Path) -> None:
    line = assert_one_clean_line(invoke(["scan", "--shops", f"{files}/good.csv", "--db",
                                         f"sqlite:///{files}/db.db", "--no-places", "--quiet",
                                         "--out", "/dev/full"]), FAILED)
    assert "/dev/full" in line


# -- a full disk while writing the reports ---------------------------------------------------
#: Largest file the child may write (the SQLite -shm file needs 32 KiB).
FILE_SIZE_LIMIT = 64 * 1024


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill, like ENOSPC
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def report_on_full_disk(tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    db = f"sqlite:///{tmp_path}/big.db"
    html = "<html><body><p>Click &amp; collect, commande en ligne, horaires</p></body></html>"
    with Store(db) as store:
        scan_id = finished_scan(store, [(Shop(name=f"Commerce numéro {i}", postcode="6720",
                                              website=f"https://c{i}.invalid/"), html)
                                        for i in range(120)])
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", "from scanner.cli import main; main()", "report", scan_id,
         "--db", db, "--out", str(out), "--format", "json,csv,html,xlsx"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size)
    return proc, out


@pytest.mark.slow
def test_full_disk_leaves_no_half_written_report(tmp_path: Path) -> None:
    proc, out = report_on_full_disk(tmp_path)
    assert proc.returncode == FAILED, proc.stderr
    leftovers = sorted(p.name for p in out.rglob("*")) if out.exists() else []
    assert not [n for n in leftovers if n.endswith(".part")], leftovers
    # Both are far bigger than the limit (200 and 380 KB): a partial one would be a lie.
    assert "report.html" not in leftovers and "scan.json" not in leftovers, leftovers


@pytest.mark.slow
def test_full_disk_gives_one_clean_line(tmp_path: Path) -> None:
    proc, _ = report_on_full_disk(tmp_path)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == FAILED
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr


def test_repeated_line_in_the_list_is_not_a_failure(files: Path) -> None:
    (files / "dup.csv").write_text("nom,site web\nA,\nA,\nB,\n", "utf-8")
    db = f"sqlite:///{files}/db.db"
    result = invoke(["scan", "--shops", f"{files}/dup.csv", "--db", db, "--no-places",
                     "--quiet", "--format", "json", "--out", f"{files}/out"])
    with Store(db) as store:
        (scan,) = store.list_scans()
        assert len(list(store.iter_shop_results(scan["id"]))) == 2
    assert result.exit_code == 0, result.stderr
