"""Micro-benchmark: CPU time of all probes (parse once + five steps) per page, by stage.

Usage: python bench/bench_probes.py [DIR ...] [--repeat N] [--limit N] [--farm SHOPS]
                                    [--against CHECKOUT]
Default: ../shared/corpus/pages (all 680 pages, each with the address it was saved from and
decoded as the crawler decodes it) when present, else fixtures/probe_pages. The issue's budget
is a median of 5 ms per page on the corpus. --farm N: instead, the 7 pages of each of the
first N shops of the scan benchmark's synthetic farm (bench/synthetic_farm.py, 20-300 KB).

Per page, the fastest of N fresh runs (a new parse each time) is kept. Prints the median and
p90 CPU milliseconds per page and, per stage, the median and the mean:
  parse          the lexbor tree and all it gives every probe: links, controls, forms, meta,
                 visible text, structured data
  fingerprints   technologies recognised (probes/technologies.py)
  <step>         each step module's evaluate (web_presence includes the language)
  accessibility  the commune's ecosystem signals (none for a lone page)
and two parts timed apart, already counted above:
  structured     JSON-LD, microdata, RDFa on a fresh tree (part of parse)
  language       probes.language.detect_language (part of web_presence)
CPU time (process_time), not wall time, so that other processes on a shared machine distort
the figures less; compare runs made side by side. The garbage collector is set as in a scan's
probe workers (scanner/probe_pool.py tune_judging_gc, after a first page); --gc default keeps
CPython's defaults (use it to compare with a checkout that predates the tuning).
--against CHECKOUT (e.g. a worktree of main that has this option too) benches each page here
and there in turn, so that both see the same load, and prints both summaries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from bench.synthetic_farm import NAV, render_page, shop_host  # noqa: E402
from fixtures.corpus import CORPUS_PAGES, provenance_urls  # noqa: E402
from probes import accessibility, artifacts_for_html, run_probes  # noqa: E402
from probes._runner import STEP_MODULES  # noqa: E402
from probes.context import ProbeContext  # noqa: E402
from probes.document import structured_data  # noqa: E402
from probes.language import detect_language  # noqa: E402
from scanner.gather.encoding import decode_html  # noqa: E402
from scanner.probe_pool import tune_judging_gc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_PAGES = ROOT / "fixtures" / "probe_pages"
FIXTURE_URL = "https://example.test/"
BUDGET_MS = 5.0
CLOCK = time.process_time  # CPU time: steadier than wall time when the CPU is shared

Stages = dict[str, float]


def time_stages(html: str, url: str | None) -> Stages:
    """Milliseconds of each stage of one fresh probe run (see the module docstring)."""
    artifacts = artifacts_for_html(html, url)  # fresh: no parse kept from the last run
    stages: Stages = {}

    def timed(name: str, work: Callable[[], object]) -> None:
        start = CLOCK()
        work()
        stages[name] = (CLOCK() - start) * 1000

    ctx = ProbeContext(artifacts)
    timed("parse", lambda: ctx.pages)
    timed("fingerprints", lambda: ctx.detections)
    for step_id, module in STEP_MODULES.items():
        timed(step_id, lambda m=module: m.evaluate(ctx))  # type: ignore[misc]
    timed("accessibility", lambda: accessibility.signals_by_step(ctx))
    stages["total"] = sum(stages.values())
    # Timed apart, already counted above (on the same page, caches warm as in the run).
    trees = [(LexborHTMLParser(page.html), page) for page in ctx.pages]  # parsed outside the clock
    timed("structured", lambda: [structured_data(tree, page) for tree, page in trees])
    if ctx.home is not None:
        timed("language", lambda: detect_language(ctx.home, ctx.keywords))  # type: ignore[arg-type]
    return stages


def bench_page(html: str, url: str | None, repeat: int) -> Stages:
    run_probes(artifacts_for_html(html, url))  # warm caches (data files, langdetect profiles)
    return min((time_stages(html, url) for _ in range(repeat)), key=lambda s: s["total"])


def pages_of(folder: Path, limit: int | None) -> list[tuple[str, str | None]]:
    """(html, address) of the folder's pages; corpus pages get their provenance address."""
    urls = provenance_urls(folder)
    paths = sorted(folder.glob("*.html"))[:limit]
    return [(decode_html(p.read_bytes(), None), urls.get(p.name) or (None if urls else FIXTURE_URL))
            for p in paths]


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else values[0]


def farm_pages(shops: int) -> list[tuple[str, str | None]]:
    """(html, address) of every page of the synthetic farm's first `shops` shops."""
    return [(render_page(shop, path).decode("utf-8"), f"http://{shop_host(shop)}{path}")
            for shop in range(shops) for path in dict.fromkeys(["/", *(p for _, p in NAV)])]


def bench_folder(folder: Path | str, repeat: int, limit: int | None,
                 pages: list[tuple[str, str | None]] | None = None,
                 against: Path | None = None, selection: list[str] | None = None) -> None:
    """Bench the pages and print the figures; with `against`, the same pages alternately
    here and in that checkout (see --against), two summaries."""
    if pages is None:
        assert isinstance(folder, Path)
        pages = pages_of(folder, limit)
    if against is None:
        summarise(str(folder), [bench_page(html, url, repeat) for html, url in pages], repeat)
        return
    mine, theirs = bench_alternately(pages, repeat, against, selection or [])
    summarise(f"{folder}, this checkout", mine, repeat)
    summarise(f"{folder}, {against}", theirs, repeat)


def bench_alternately(pages: list[tuple[str, str | None]], repeat: int, other: Path,
                      selection: list[str]) -> tuple[list[Stages], list[Stages]]:
    """Each page benched here, then in `other` (a worker running its bench_probes.py --serve
    on the same selection): both see the same load on a shared machine."""
    command = [sys.executable, str(other / "bench" / "bench_probes.py"), "--serve",
               "--repeat", str(repeat), *selection]
    mine: list[Stages] = []
    theirs: list[Stages] = []
    with subprocess.Popen(command, cwd=other, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as worker:
        assert worker.stdin is not None and worker.stdout is not None
        for i, (html, url) in enumerate(pages):
            mine.append(bench_page(html, url, repeat))
            worker.stdin.write(f"{i}\n")
            worker.stdin.flush()
            theirs.append(json.loads(worker.stdout.readline()))
        worker.stdin.close()
    return mine, theirs


def serve(pages: list[tuple[str, str | None]], repeat: int) -> None:
    """--serve: bench the page of each index read on stdin, one JSON line of stages each."""
    for line in sys.stdin:
        html, url = pages[int(line)]
        print(json.dumps(bench_page(html, url, repeat)), flush=True)


def summarise(label: str, runs: list[Stages], repeat: int) -> None:
    if not runs:
        print(f"{label}: no pages")
        return
    totals = [r["total"] for r in runs]
    median = statistics.median(totals)
    verdict = "OK" if median <= BUDGET_MS else "OVER BUDGET"
    print(f"{label}: {len(runs)} pages, CPU ms per page (best of {repeat})")
    print(f"  median {median:.2f}  p90 {p90(totals):.2f}  mean {statistics.fmean(totals):.2f}"
          f"  ({verdict}, budget {BUDGET_MS} ms median)")
    print(f"  {'stage':16} {'median':>7} {'mean':>7} {'p90':>7}")
    for stage in ("parse", "fingerprints", *STEP_MODULES, "accessibility", "structured",
                  "language"):
        values = [r.get(stage, 0.0) for r in runs]
        print(f"  {stage:16} {statistics.median(values):7.2f} {statistics.fmean(values):7.2f}"
              f" {p90(values):7.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each folder")
    parser.add_argument("--farm", type=int, default=0, metavar="SHOPS",
                        help="bench the synthetic farm's pages of this many shops instead")
    parser.add_argument("--against", type=Path, default=None, metavar="CHECKOUT",
                        help="also bench another checkout (with this option too), page by "
                             "page in turn with this one, e.g. a worktree of main")
    parser.add_argument("--gc", choices=("worker", "default"), default="worker",
                        help="garbage collector as in the probe workers (default) or CPython's")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.gc == "worker":
        bench_page(*farm_pages(1)[0], 1)  # data files loaded, matchers compiled, as a worker
        tune_judging_gc()
    if not args.serve:
        print(f"garbage collector: {args.gc} settings (--gc)")
    against = args.against.resolve() if args.against else None
    if args.farm:
        pages = farm_pages(args.farm)
        if args.serve:
            serve(pages, args.repeat)
            return 0
        bench_folder(f"synthetic farm, {args.farm} shops", args.repeat, None, pages, against,
                     ["--farm", str(args.farm)])
        return 0
    default = CORPUS_PAGES if CORPUS_PAGES.is_dir() else FIXTURE_PAGES
    for folder in args.dirs or [default]:
        if args.serve:
            serve(pages_of(folder, args.limit), args.repeat)
            return 0
        limit = ["--limit", str(args.limit)] if args.limit else []
        bench_folder(folder, args.repeat, args.limit, None, against,
                     [str(folder.resolve()), *limit])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
