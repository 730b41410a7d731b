"""Detection accuracy of the probes on a labelled page corpus, cross-validated.

Usage:
  python bench/eval_detection.py --pages ../shared/corpus/pages \\
      --labels fixtures/corpus_labels.csv --cv 5 [--seed N | --seeds 0-5] [--heldout] [--verbose]

Every page is judged as a scan judges it: with the address it was saved from
(provenance.csv `url`, or the labels' `url_if_known`). With --cv K the webshop decision
of each page comes from weights fitted on the other K-1 folds (folds grouped by host);
without it, from the weights shipped in probes/data/webshop.toml. --heldout adds the
same figures on ../shared/samples/pages (never used for fitting) with the shipped weights.
--seeds A-B prints the cross-validated webshop figures for each fold drawing A..B, then their
mean and range (the fold drawing moves the F1 by about one point: compare means).
Then the opening-hours finder on the real snippets of fixtures/hours_snippets/ (public pages
and public repositories, not written by us; see the file's header).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fixtures.corpus import (  # noqa: E402
    SAMPLES_LABELS,
    SAMPLES_PAGES,
    hours_snippets,
    labelled_pages,
)
from probes.evaluation import (  # noqa: E402
    BINARY_KEYS,
    PageOutcome,
    cross_validated_webshop,
    judge_page,
    score_hours_texts,
    score_outcomes,
)
from scanner.gather.encoding import decode_html  # noqa: E402

ACCURACY_KEYS = ("platform", "nonshop_platform", "language")


def judge_corpus(pages_dir: Path, labels_csv: Path):
    """(pages, outcomes): one probe run per labelled page, decoded as the crawler does."""
    pages = labelled_pages(pages_dir, labels_csv)
    outcomes: list[PageOutcome] = [judge_page(decode_html(p.path.read_bytes(), None), p.url)
                                   for p in pages]
    return pages, outcomes


def evaluate(pages_dir: Path, labels_csv: Path, cv: int, seed: int = 0):
    return evaluate_judged(*judge_corpus(pages_dir, labels_csv), cv, seed)


def evaluate_judged(pages, outcomes, cv: int, seed: int = 0):
    labels = [p.labels for p in pages]
    if cv > 1:
        decided = cross_validated_webshop(outcomes, labels, [p.group for p in pages], cv, seed)
    else:
        decided = [o.webshop for o in outcomes]
    return score_outcomes([p.file for p in pages], labels, outcomes, decided)


def print_seed_spread(pages_dir: Path, labels_csv: Path, cv: int, seeds: range) -> None:
    """Cross-validated webshop P/R/F1 for each fold drawing, then the mean and the range."""
    pages, outcomes = judge_corpus(pages_dir, labels_csv)
    print(f"{pages_dir} (webshop, cross-validated, {cv} folds grouped by host, per fold seed)")
    scores = []
    for seed in seeds:
        s = evaluate_judged(pages, outcomes, cv, seed)["webshop"]
        scores.append(s)
        print(f"  seed {seed}: P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}  "
              f"tp {s.tp} fp {s.fp} fn {s.fn}")
    for name in ("precision", "recall", "f1"):
        values = [getattr(s, name) for s in scores]
        print(f"  {name:9} mean {statistics.mean(values):.4f}  "
              f"range {min(values):.3f}-{max(values):.3f}")


def print_results(title: str, results: dict, verbose: bool) -> None:
    print(f"{title}: {results['pages']} pages")
    print(f"  {'signal':22} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn  tn")
    for key in BINARY_KEYS:
        s = results[key]
        if s.tp + s.fp + s.fn == 0:
            continue
        print(f"  {key:22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  "
              f"{s.tp:3} {s.fp:3} {s.fn:3} {s.tn:3}")
    a = results["platform"]
    print(f"  {'platform accuracy':22} {a.value:6.3f}   ({a.right}/{a.total} labelled webshops)")
    n = results["nonshop_platform"]
    rate = 1 - n.value
    print(f"  {'non-shops w/ platform':22} {rate:6.3f}   ({n.total - n.right}/{n.total})")
    a = results["language"]
    print(f"  {'language accuracy':22} {a.value:6.3f}   ({a.right}/{a.total})")
    if verbose:
        for key in (*BINARY_KEYS, *ACCURACY_KEYS):
            for mistake in results[key].mistakes:
                print(f"    [{key}] {mistake}")


def print_snippet_results(verbose: bool) -> None:
    """The hours finder on the real snippets: all, those tuned on ("dev"), the rest ("check")."""
    snippets = hours_snippets()
    print(f"fixtures/hours_snippets (real snippets): {len(snippets)} texts")
    print(f"  {'opening hours on':22} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn  tn")
    for name, group in (("all", snippets), *((c, [x for x in snippets if x.collected == c])
                                              for c in ("dev", "check"))):
        s = score_hours_texts((x.id, x.text, x.hours) for x in group)
        print(f"  {name:22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  "
              f"{s.tp:3} {s.fp:3} {s.fn:3} {s.tn:3}")
        if verbose and name == "all":
            for mistake in s.mistakes:
                print(f"    [opening_hours] {mistake}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", required=True, type=Path)
    parser.add_argument("--labels", required=True, type=Path)
    parser.add_argument("--cv", type=int, default=5, help="folds (grouped by host); 1 = none")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    parser.add_argument("--seeds", help="A-B: webshop figures for fold seeds A..B, then "
                                        "their mean and range (and nothing else)")
    parser.add_argument("--heldout", action="store_true",
                        help="also measure on ../shared/samples/pages (shipped weights)")
    parser.add_argument("--verbose", action="store_true", help="list every mistake")
    args = parser.parse_args(argv)
    if not args.pages.is_dir() or not args.labels.is_file():
        print(f"error: no pages in {args.pages} or no labels {args.labels}", file=sys.stderr)
        return 2
    if args.seeds:
        first, _, last = args.seeds.partition("-")
        print_seed_spread(args.pages, args.labels, max(args.cv, 2),
                          range(int(first), int(last or first) + 1))
        return 0
    how = f"cross-validated, {args.cv} folds grouped by host" if args.cv > 1 else "shipped weights"
    print_results(f"{args.pages} ({how})", evaluate(args.pages, args.labels, args.cv, args.seed),
                  args.verbose)
    if args.heldout and SAMPLES_PAGES.is_dir():
        print_results(f"{SAMPLES_PAGES} (held out, shipped weights)",
                      evaluate(SAMPLES_PAGES, SAMPLES_LABELS, 1), args.verbose)
    print_snippet_results(args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
