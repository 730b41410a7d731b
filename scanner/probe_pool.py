"""Run the judge step in worker processes, so that judging pages overlaps with fetching them.

The judge step (scanner/judge.py: probes, score, record) is pure and CPU-bound (parsing,
regexes); the crawler waits on the network. On a machine with several CPUs, a small process
pool lets both go at full speed. Each worker receives the rubric once, when it starts.

The pages travel as html: the scanning process reads only the home page's links
(scanner.gather.links.page_links) and the worker parses each page, once. A page that the
scanning process did parse (the rendering decision) travels with its parse
(``FetchedPage.parsed``), so no page is parsed twice. A worker exits on its own when the
scanning process dies (a killed scan leaves no orphans), and a broken pool falls back on
running the probes in-process.

A worker judges one small page first (every data file loaded, every matcher compiled), then
takes what it has loaded out of the garbage collector's reach (``gc.freeze``) and collects its
young objects less often (`tune_judging_gc`): judging makes millions of short-lived objects,
and CPython's default collections cost ~15 % of the probes' CPU on the corpus pages
(bench/README.md, "Probes per page").

A parse holds hundreds of small records (links, buttons); they travel as their constructor
call (``ForkingPickler.register``), about three times faster both ways than the field-by-field
state of ``dataclass(slots=True)`` (2.9 -> 1.0 ms per shop to pickle, 2.3 -> 1.0 to unpickle,
measured on the benchmark farm's pages).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.reduction import ForkingPickler
from typing import Any

from core.artifacts import ShopArtifacts
from probes import artifacts_for_html
from probes.document import Control, Link
from scanner.judge import judge_shop
from scoring import Rubric

log = logging.getLogger("smartcommerce.probe_pool")

#: Below this many shops a pool costs more (process start-up) than it saves.
PROBE_POOL_MIN_SHOPS = 60
#: Never more workers than this, whatever the CPU count (memory: ~80 MB each).
MAX_PROBE_PROCESSES = 4
PARENT_CHECK_SECONDS = 1.0
#: Records sent by the hundred with each shop: pickled as ``cls(*fields)``.
PICKLED_AS_CONSTRUCTOR = (Link, Control)
#: Allocations between two young-generation collections in a worker (CPython's default: 700).
WORKER_GC_THRESHOLDS = (100_000, 50, 100)
#: The same for the scanning process while it scans (scanning_gc).
SCANNING_GC_THRESHOLDS = (50_000, 20, 100)
#: What a worker judges before its first shop (loads the data files, compiles the matchers).
WARM_UP_PAGE = ('<html lang="fr"><title>Boutique</title><body><a href="/panier">Panier</a>'
                "<p>Ouvert du lundi au samedi de 9h à 18h. Tél. 063 42 11 22</p></body></html>")


def probe_processes_for(setting: int, shops: int) -> int:
    """How many worker processes to use: the setting, or the automatic choice for -1."""
    if setting >= 0:
        return setting
    cpus = os.cpu_count() or 1
    if shops < PROBE_POOL_MIN_SHOPS or cpus < 2:
        return 0
    # One per CPU: the scanning process mostly waits on the network. On 2 CPUs, 2 workers
    # scanned the 300-shop benchmark in 24-34 s against 37-42 s for 1 (bench/README.md).
    return min(cpus, MAX_PROBE_PROCESSES)


class ProbePool:
    """``await pool.judge(artifacts)`` -> the shop's result record (scanner.judge.judge_shop)."""

    def __init__(self, processes: int, rubric: Rubric) -> None:
        self._rubric = rubric
        self._pool: ProcessPoolExecutor | None = None
        if processes > 0:
            register_constructor_pickling(PICKLED_AS_CONSTRUCTOR)
            self._pool = ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(os.getpid(), rubric))

    async def judge(self, artifacts: ShopArtifacts) -> dict[str, Any]:
        if self._pool is None:
            return judge_shop(artifacts, self._rubric)
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, _judge_in_worker, artifacts)
        except BrokenProcessPool:
            log.warning("probe workers stopped; judging in the scanning process from now on")
            self._pool = None
            return judge_shop(artifacts, self._rubric)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def register_constructor_pickling(classes: tuple[type, ...]) -> None:
    """Send these dataclasses to the workers as ``cls(*field values)``; a class whose
    constructor does not take every field in order (init=False, kw_only) keeps the default."""
    for cls in classes:
        fields = dataclasses.fields(cls)
        if all(f.init and not f.kw_only for f in fields):
            names = tuple(f.name for f in fields)
            ForkingPickler.register(cls, functools.partial(_as_constructor_call, names))


def _as_constructor_call(names: tuple[str, ...], obj: Any) -> tuple[type, tuple[Any, ...]]:
    return type(obj), tuple(getattr(obj, name) for name in names)


class _WorkerState:
    """What a worker process keeps between shops: the scan's rubric, given once at start."""

    rubric: Rubric | None = None


def _init_worker(parent_pid: int, rubric: Rubric) -> None:
    _WorkerState.rubric = rubric
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    judge_shop(artifacts_for_html(WARM_UP_PAGE, "https://warm-up.invalid/"), rubric)
    tune_judging_gc()


def tune_judging_gc() -> None:
    """Freeze what the process holds now (data files, compiled matchers: never garbage) and
    make young collections rarer (WORKER_GC_THRESHOLDS), for a process that judges pages."""
    _freeze_with_thresholds(WORKER_GC_THRESHOLDS)


@contextlib.contextmanager
def scanning_gc() -> Iterator[None]:
    """The scanning process during a scan: what it loaded at start (modules, rubric, store)
    frozen, young collections every SCANNING_GC_THRESHOLDS[0] allocations; both undone after.

    Fetching makes many short-lived objects (requests, headers, coroutines); CPython's default
    spent ~0.85 s of the scanning process's ~13 s in the 300-shop benchmark.
    """
    before = gc.get_threshold()
    _freeze_with_thresholds(SCANNING_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _freeze_with_thresholds(thresholds: tuple[int, int, int]) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)


def _judge_in_worker(artifacts: ShopArtifacts) -> dict[str, Any]:
    if _WorkerState.rubric is None:
        raise RuntimeError("probe worker started without a rubric")
    return judge_shop(artifacts, _WorkerState.rubric)


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)  # the scan was killed: nothing to hand back
