"""Commune, sector and street aggregates: our streaming counters against a pandas groupby.

Usage: python bench/bench_aggregate.py SCAN_JSON [--shops 30000] [--repeat 3]

SCAN_JSON is any scan.json (the demo's: `smartcommerce scan --demo --out DIR`). Its shop
results are repeated, each copy on its own street and in turn in every sector, up to
``--shops``. Both sides get the same results as an iterable of dicts, as the store yields them:
- ours: scoring.aggregate_commune (everything: commune, sectors, streets, audit answers,
  opportunities), one shop at a time;
- pandas: only the per-group core (shops per level and status, mean score, share at level 2
  or more, per step, for the commune, each sector and each street), from a DataFrame built
  from the same results (the frame has to hold every shop).
Prints the best CPU seconds of each and the peak memory they allocate (tracemalloc).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.steps import STEPS  # noqa: E402
from scoring import aggregate_commune, load_rubric  # noqa: E402
from scoring.aggregate import street_label  # noqa: E402
from scoring.model import SECTORS  # noqa: E402


def territory(seed: list[dict[str, Any]], shops: int) -> list[dict[str, Any]]:
    results = []
    for index in range(shops):
        result = copy.deepcopy(seed[index % len(seed)])
        result["id"] = f"s{index}"
        result["address"] = f"Rue {index // 30} {index % 30 + 1}"  # 30 shops per street
        result["sector"] = SECTORS[index % len(SECTORS)]
        results.append(result)
    return results


def with_pandas(results: Iterator[dict[str, Any]]) -> dict[str, Any]:
    import pandas as pd  # noqa: PLC0415 - measured here, as the scan would import it

    rows = [(r.get("sector"), street_label(r), step, s.get("status"), s.get("level"),
             s.get("score")) for r in results for step in STEPS
            for s in [(r.get("steps") or {}).get(step) or {}]]
    frame = pd.DataFrame(rows, columns=["sector", "street", "step", "status", "level", "score"])
    measured = frame[frame["status"] == "measured"].assign(basic=lambda f: f["level"] >= 2)
    figures: dict[str, Any] = {"statuses": frame.groupby(["step", "status"]).size()}
    for key in ([], ["sector"], ["street"]):
        groups = measured.groupby([*key, "step"])
        figures[",".join(key) or "commune"] = (
            groups["score"].mean(), groups["basic"].mean(),
            measured.groupby([*key, "step", "level"]).size())
    return figures


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, float]:
    """(best CPU seconds, peak MB allocated in the last run)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return min(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scan_json", type=Path)
    parser.add_argument("--shops", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = json.loads(args.scan_json.read_text("utf-8"))["shops"]
    results = territory(seed, args.shops)
    rubric = load_rubric()
    import pandas  # noqa: F401, PLC0415 - import time is not counted against pandas

    ours = best_of(args.repeat, lambda: aggregate_commune(iter(results), rubric))
    theirs = best_of(args.repeat, lambda: with_pandas(iter(results)))
    print(f"{args.shops} shops, {len(results) // 30} streets, {len(SECTORS)} sectors")
    print(f"  aggregate_commune (all figures, streaming): {ours[0]:.2f} s CPU, "
          f"peak {ours[1]:.0f} MB allocated")
    print(f"  pandas groupby (core figures only):         {theirs[0]:.2f} s CPU, "
          f"peak {theirs[1]:.0f} MB allocated")


if __name__ == "__main__":
    main()
