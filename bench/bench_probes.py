"""Micro-benchmark: time of all probes (parse once + five steps) per page.

Usage: python bench/bench_probes.py [DIR ...] [--repeat N]
Default folders: fixtures/probe_pages and /work/shared/samples/pages (when present).
Prints, per folder, median and p90 milliseconds per page, and the median
normalised to a 200 KB page (the budget is 5 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from probes import artifacts_for_html, run_probes  # noqa: E402
from probes.context import ProbeContext  # noqa: E402
from probes.evaluation import read_page  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = (ROOT / "fixtures" / "probe_pages", Path("/work/shared/samples/pages"))
REFERENCE_BYTES = 200_000
BUDGET_MS = 5.0


def time_page(html: str, url: str, repeat: int) -> float:
    """Best-of-`repeat` milliseconds for a full probe run on one page."""
    artifacts = artifacts_for_html(html, url)
    run_probes(artifacts)  # warm caches (data files, langdetect profiles)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run_probes(artifacts, ProbeContext(artifacts))
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


def bench_folder(folder: Path, repeat: int) -> None:
    per_page, per_ref = [], []
    for path in sorted(folder.glob("*.html")):
        html = read_page(path)
        ms = time_page(html, "https://example.test/", repeat)
        per_page.append(ms)
        per_ref.append(ms * REFERENCE_BYTES / max(len(html.encode("utf-8", "replace")), 1))
    if not per_page:
        print(f"{folder}: no pages")
        return
    p90 = statistics.quantiles(per_page, n=10)[-1] if len(per_page) >= 2 else per_page[0]
    ref = statistics.median(per_ref)
    verdict = "OK" if ref <= BUDGET_MS else "OVER BUDGET"
    print(f"{folder}: {len(per_page)} pages  median {statistics.median(per_page):.2f} ms  "
          f"p90 {p90:.2f} ms  median per 200 KB {ref:.2f} ms ({verdict}, budget {BUDGET_MS} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    for folder in args.dirs or [d for d in DEFAULT_DIRS if d.is_dir()]:
        bench_folder(folder, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
