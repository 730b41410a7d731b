"""Detection accuracy of the probes on a labelled page corpus.

Usage: python bench/eval_detection.py --pages DIR --labels CSV [--verbose]
Prints precision/recall/F1 for webshop and schema.org Product/LocalBusiness,
and accuracy for platform (pages whose engine is named) and language.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from probes.evaluation import evaluate_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", required=True, type=Path)
    parser.add_argument("--labels", required=True, type=Path)
    parser.add_argument("--verbose", action="store_true", help="list every mistake")
    args = parser.parse_args(argv)
    results = evaluate_corpus(args.pages, args.labels)
    print(f"pages: {results['pages']}")
    print(f"{'signal':24} {'P':>6} {'R':>6} {'F1':>6}   tp fp fn tn")
    for key in ("webshop", "schema_product", "schema_localbusiness"):
        s = results[key]
        print(f"{key:24} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}   "
              f"{s.tp:2} {s.fp:2} {s.fn:2} {s.tn:2}")
    for key in ("platform", "language"):
        a = results[key]
        print(f"{key + ' accuracy':24} {a.value:6.3f}   ({a.right}/{a.total})")
    if args.verbose:
        for key in ("webshop", "schema_product", "schema_localbusiness", "platform", "language"):
            for mistake in results[key].mistakes:
                print(f"  [{key}] {mistake}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
