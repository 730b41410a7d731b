"""Measure sources.kbo.read_kbo on a (synthetic or real) extract: wall time and peak RSS.

    python bench/kbo_generate.py --out /tmp/kbo-national
    python bench/bench_kbo.py /tmp/kbo-national --postcode 6720 --name Habay

Peak RSS is the process high-water mark (resource.getrusage), which includes the Python
interpreter itself (~30 MB). Targets: < 5 minutes and < 1 GB for the national extract.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sources.kbo import KboLocation, read_kbo  # noqa: E402
from sources.kbo_files import KboExtract  # noqa: E402

TIME_LIMIT_S = 300
RSS_LIMIT_MB = 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("extract", type=Path)
    parser.add_argument("--postcode", action="append", default=[])
    parser.add_argument("--name", action="append", default=[])
    args = parser.parse_args()
    started = time.perf_counter()
    with KboExtract(args.extract) as extract:
        result = read_kbo(extract, KboLocation.of(args.name, args.postcode))
    elapsed = time.perf_counter() - started
    rss = peak_rss_mb()
    print(f"shops: {len(result.shops)}  counts: {dict(result.counts)}")
    print(f"time: {elapsed:.1f} s  peak RSS: {rss:.0f} MB")
    ok = elapsed < TIME_LIMIT_S and rss < RSS_LIMIT_MB
    print("OK" if ok else f"OVER LIMIT ({TIME_LIMIT_S} s / {RSS_LIMIT_MB} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
