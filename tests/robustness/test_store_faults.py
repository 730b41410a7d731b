"""Regression tests for hardening round two (issue 15): the store under races and failures.

8. Two scans starting on a new SQLite file raced on the first migration.
9. A database failure in the middle of a scan gave a two-line "erreur inattendue" and, on a
   full disk, tracebacks from the workers that were not cancelled.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from output.store import Store

ROOT = Path(__file__).resolve().parents[2]
OPEN_AT = """
import sys, time
from output.store import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
with Store(sys.argv[1]) as store:
    store.begin_scan(label="x", commune=None, settings={}, shops=[])
"""
RACERS = 4


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(3))
def test_scans_starting_together_on_a_new_file_all_open_it(tmp_path: Path, attempt: int) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    start = time.time() + 2.5  # every process has imported the store by then
    # A few milliseconds apart: one reads the empty schema while another is creating it.
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT, url, str(start + i * 0.006)],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for i in range(RACERS)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * RACERS, "\n".join(errors)
    with Store(url) as store:
        assert len(store.list_scans()) == RACERS


#: Largest file the scan may write: the database outgrows it after some shops.
FILE_SIZE_LIMIT = 400 * 1024  # the planned shops fit, their results do not


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill, like ENOSPC
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


@pytest.mark.slow
def test_full_disk_mid_scan_gives_one_clean_line(tmp_path: Path) -> None:
    shops = tmp_path / "liste.csv"
    shops.write_text("nom\n" + "".join(f"C{i}\n" for i in range(200)), "utf-8")
    db = f"sqlite:///{tmp_path}/scan.db"
    proc = subprocess.run(
        [sys.executable, "-c", "from scanner.cli import main; main()", "scan", "--shops",
         str(shops), "--db", db, "--no-places", "--no-render", "--quiet", "--format", "json",
         "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=_limit_file_size)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "inattendue" not in lines[0] and "résultat" in lines[0]  # failed mid-scan
