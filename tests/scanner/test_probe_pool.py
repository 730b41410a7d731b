"""Probes in worker processes: same answers as in-process, and no orphans after a kill."""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

from core.artifacts import FetchedPage, PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.shop import Shop
from probes.document import parsed_page_of
from scanner.judge import judge_shop
from scanner.probe_pool import (
    MAX_PROBE_PROCESSES,
    PICKLED_AS_CONSTRUCTOR,
    PROBE_POOL_MIN_SHOPS,
    SCANNING_GC_THRESHOLDS,
    WORKER_GC_THRESHOLDS,
    ProbePool,
    _init_worker,
    probe_processes_for,
    register_constructor_pickling,
    scanning_gc,
)
from scoring import load_rubric

ROOT = Path(__file__).parents[2]
PAGE = """<html lang="fr"><head><meta name="viewport" content="width=device-width">
<title>Boulangerie Dupont</title></head><body><h1>Boulangerie Dupont</h1>
<p>Commandez en ligne et retirez en magasin : click &amp; collect.</p>
<form action="/cart/add"><button>Ajouter au panier</button></form>
<a href="https://www.facebook.com/dupont">Facebook</a></body></html>"""


def _artifacts() -> ShopArtifacts:
    page = FetchedPage(url="https://dupont.be/", final_url="https://dupont.be/", status=200,
                       headers={"content-type": "text/html"}, html=PAGE, role="home")
    site = SiteArtifacts(website="https://dupont.be/", status="ok", pages=[page], https=True)
    shop = Shop(name="Boulangerie Dupont", website="https://dupont.be/", category="shop=bakery")
    return ShopArtifacts(shop, site,
                         PlacesArtifact(status="not_measured", reason="test"))


def test_parsed_page_travels_whole() -> None:
    """Links and buttons pickled as constructor calls come back equal, every field kept."""
    register_constructor_pickling(PICKLED_AS_CONSTRUCTOR)
    doc = parsed_page_of(_artifacts().site.pages[0])
    assert doc.links and doc.controls
    doc.links[0].title = "pris en compte"
    back = pickle.loads(ForkingPickler.dumps(doc))
    assert back.links == doc.links and back.controls == doc.controls
    assert back.links[0].title == "pris en compte"


@dataclasses.dataclass(slots=True)
class _KeywordOnly:
    first: str
    second: str = dataclasses.field(default="b", kw_only=True)


def test_a_record_not_built_from_its_fields_in_order_keeps_default_pickling() -> None:
    register_constructor_pickling((_KeywordOnly,))
    assert pickle.loads(ForkingPickler.dumps(_KeywordOnly("a", second="c"))).second == "c"


def test_automatic_choice() -> None:
    assert probe_processes_for(0, 10_000) == 0
    assert probe_processes_for(3, 1) == 3
    assert probe_processes_for(-1, PROBE_POOL_MIN_SHOPS - 1) == 0
    cpus = os.cpu_count() or 1
    assert probe_processes_for(-1, 5000) == (0 if cpus < 2 else min(cpus, MAX_PROBE_PROCESSES))


async def test_worker_gives_the_same_record_as_in_process() -> None:
    pool = ProbePool(1, load_rubric())
    try:
        remote = await pool.judge(_artifacts())
    finally:
        pool.close()
    local = judge_shop(_artifacts(), load_rubric())
    assert remote == local
    assert remote["signals"]["click_and_collect.pickup"] is True
    assert remote["sector"] == "food_retail" and _artifacts().shop.sector is None


CHILD = """
import asyncio, os, signal, sys
sys.path.insert(0, {root!r})
from tests.scanner.test_probe_pool import _artifacts
from scanner.probe_pool import ProbePool
from scoring import load_rubric
pool = ProbePool(1, load_rubric())
asyncio.run(pool.judge(_artifacts()))
print(" ".join(str(p) for p in pool._pool._processes), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_workers_exit_when_the_scan_is_killed() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT))], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    workers = [int(p) for p in done.stdout.split()]
    assert workers
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split()[2] == "Z")


def test_a_worker_starts_warm_with_its_data_out_of_the_collectors_reach() -> None:
    """After its start a worker has judged a page (data loaded), frozen what it holds and
    collects young objects less often than CPython's default."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker,
                             initargs=(os.getpid(), load_rubric())) as pool:
        assert pool.submit(gc.get_threshold).result() == WORKER_GC_THRESHOLDS
        assert pool.submit(gc.get_freeze_count).result() > 10_000
    assert gc.get_threshold() != WORKER_GC_THRESHOLDS  # this process is left alone


def test_the_scanning_process_collects_less_often_during_a_scan_only() -> None:
    """Inside scanning_gc what was loaded is frozen and young collections are rarer; after
    it the process has its own settings back (tests and later commands are left alone)."""
    before = gc.get_threshold()
    with scanning_gc():
        assert gc.get_threshold() == SCANNING_GC_THRESHOLDS
        assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
