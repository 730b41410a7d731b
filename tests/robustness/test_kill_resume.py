"""SIGKILL a real `smartcommerce scan` at random moments, resume it each time: nothing is lost.

The shops are pages of a loopback farm running in this test process; the child process reaches
them at http://127.0.0.1:PORT/boutique/N/ with --allow-private-addresses. After every kill the
results stored so far must still be there, byte for byte; at the end every planned shop is
stored exactly once and Store.integrity_check() finds nothing wrong.
Runs on SQLite, and on PostgreSQL when SMARTCOMMERCE_TEST_PG_URL is set (db_url: tests/conftest.py).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from fixtures.farm import Farm, FarmRequest, FarmResponse
from output.store import Store
from tests.helpers.postgres import with_driver

ROOT = Path(__file__).resolve().parents[2]
SHOPS = 24
KILLS = 5
PAGE_DELAY = 0.08  # seconds per page, so that a kill lands in the middle of the scan
CLI = [sys.executable, "-c", "from scanner.cli import main; main()"]
CONFIG = """[crawl]
per_host_concurrency = 2
per_host_delay = 0.0
autothrottle = false
render = false
max_retries = 0
total_timeout_per_shop = 10.0
"""


def shop_page(req: FarmRequest) -> FarmResponse:
    if req.path == "/robots.txt":
        return FarmResponse(404, b"")
    number = req.path.strip("/").rsplit("/", 1)[-1]
    html = f"<html><head><title>Commerce {number}</title></head><body>Bonjour</body></html>"
    return FarmResponse(200, html.encode(), delay=PAGE_DELAY)


def stored_rows(engine: sa.Engine) -> dict[tuple[str, str], tuple[str, str]]:
    """(scan_id, shop_id) -> (saved_at, result_json), read without going through the Store."""
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT scan_id, shop_id, saved_at, result_json FROM shop_results").all()
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):  # tables not created yet
        return {}
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([*CLI, *args], cwd=ROOT, stdout=out, stderr=out,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})


def wait_for_new_results(proc: subprocess.Popen[bytes], engine: sa.Engine, before: int,
                         wanted: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if len(stored_rows(engine)) >= before + wanted:
            return
        time.sleep(0.02)


def running_scan_id(db_url: str) -> str:
    with Store(db_url) as store:
        (scan,) = store.list_scans()
        return str(scan["id"])


def scan_args(tmp: Path, port: int, db_url: str) -> list[str]:
    shops = tmp / "commerces.csv"
    lines = [f"Commerce {n},http://127.0.0.1:{port}/boutique/{n}/" for n in range(SHOPS)]
    shops.write_text("nom,site web\n" + "\n".join(lines) + "\n", "utf-8")
    (tmp / "rapide.toml").write_text(CONFIG, "utf-8")
    return ["scan", "--shops", str(shops), "--no-places", "--no-render", "--format", "json",
            "--allow-private-addresses", "--config", str(tmp / "rapide.toml"), "--db", db_url,
            "--out", str(tmp / "out"), "--quiet"]


@pytest.mark.slow
def test_killed_scans_resume_without_loss(db_url: str, tmp_path: Path) -> None:
    rng = random.Random(20261128)
    with Farm() as farm:
        farm.add_host("127.0.0.1", shop_page)
        common = ["--db", db_url, "--out", str(tmp_path / "out"), "--quiet"]
        log = tmp_path / "child.log"
        engine = sa.create_engine(with_driver(db_url))
        proc = start(scan_args(tmp_path, farm.http_port, db_url), log)
        seen: dict[tuple[str, str], tuple[str, str]] = {}
        kills = 0
        try:
            while kills < KILLS:
                wait_for_new_results(proc, engine, len(seen), rng.randint(1, 2))
                time.sleep(rng.uniform(0, 0.1))
                if proc.poll() is not None:
                    break
                proc.kill()
                proc.wait()
                kills += 1
                now = stored_rows(engine)
                lost = {k: v for k, v in seen.items() if now.get(k) != v}
                assert not lost, f"after kill {kills}, stored results changed or vanished"
                seen = now
                proc = start(["resume", running_scan_id(db_url), *common], log)
            assert proc.wait(timeout=120) == 0, log.read_text("utf-8", "replace")[-3000:]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            engine.dispose()
    assert kills == KILLS, "the scan ended before it could be killed often enough"
    engine = sa.create_engine(with_driver(db_url))
    final = stored_rows(engine)
    engine.dispose()
    assert all(final.get(k) == v for k, v in seen.items())
    assert sorted(shop for _, shop in final) == sorted({shop for _, shop in final})
    assert len(final) == SHOPS
    with Store(db_url) as store:
        assert store.integrity_check() == []
        (scan,) = store.list_scans()
        assert scan["status"] == "finished"
        assert len(list(store.iter_shop_results(scan["id"]))) == SHOPS


@pytest.mark.slow
def test_ctrl_c_says_how_to_resume(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ctrl-c.db'}"
    with Farm() as farm:
        farm.add_host("127.0.0.1", shop_page)
        log = tmp_path / "child.log"
        engine = sa.create_engine(with_driver(db_url))
        proc = start(scan_args(tmp_path, farm.http_port, db_url), log)
        try:
            wait_for_new_results(proc, engine, 0, 2)
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            engine.dispose()
        text = log.read_text("utf-8", "replace")
        assert code == 130, text
        assert "Traceback" not in text and "resume" in text, text
        resumed = subprocess.run([*CLI, "resume", running_scan_id(db_url), "--db", db_url,
                                  "--out", str(tmp_path / "out"), "--quiet"], cwd=ROOT,
                                 capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    with Store(db_url) as store:
        assert store.integrity_check() == []
        (scan,) = store.list_scans()
        assert len(list(store.iter_shop_results(scan["id"]))) == SHOPS
