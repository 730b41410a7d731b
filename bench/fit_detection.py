"""Fit the webshop decision (weights per kind of evidence, threshold) on the labelled corpus.

Usage:
  python bench/fit_detection.py --pages ../shared/corpus/pages \\
      --labels fixtures/corpus_labels.csv [--write]

Logistic regression over the evidence kinds (probes/fitting.py: Newton's method, L2
penalty, balanced class weights, deterministic). Prints the fitted weights and the
cross-validated figures (5 folds grouped by host); --write stores the weights and threshold in
probes/data/webshop.toml (the rest of the file is kept as it is).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval_detection import judge_corpus, print_results  # noqa: E402

from probes.evaluation import cross_validated_webshop, score_outcomes  # noqa: E402
from probes.fitting import fit_decision  # noqa: E402
from probes.settings import DATA_DIR, WEIGHT_NAMES  # noqa: E402

WEBSHOP_TOML = DATA_DIR / "webshop.toml"
FOLDS = 5


def write_weights(path: Path, weights: dict[str, float], threshold: float) -> None:
    """Replace `threshold = …` and each `kind = …` line of [weights], keeping comments."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^threshold = [-\d.]+", f"threshold = {threshold}", text, count=1)
    head, sep, rest = text.partition("[weights]\n")
    body, nxt, tail = rest.partition("\n[")
    for kind, weight in weights.items():
        line = re.compile(rf"(?m)^{kind} = [-\d.]+")
        if line.search(body):
            body = line.sub(f"{kind} = {weight}", body, count=1)
        else:
            body += f"\n{kind} = {weight}"
    path.write_text(head + sep + body + nxt + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", required=True, type=Path)
    parser.add_argument("--labels", required=True, type=Path)
    parser.add_argument("--write", action="store_true", help="store them in webshop.toml")
    args = parser.parse_args(argv)
    pages, outcomes = judge_corpus(args.pages, args.labels)
    labels = [p.labels for p in pages]
    truth = [label.get("webshop") == "yes" for label in labels]
    model = fit_decision([o.kinds for o in outcomes], truth, WEIGHT_NAMES)
    print(f"threshold = {model.threshold}")
    for kind, weight in sorted(model.weights.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:28} {weight:7.3f}")
    decided = cross_validated_webshop(outcomes, labels, [p.group for p in pages], FOLDS)
    print_results(f"cross-validated ({FOLDS} folds grouped by host)",
                  score_outcomes([p.file for p in pages], labels, outcomes, decided), False)
    if args.write:
        write_weights(WEBSHOP_TOML, model.weights, model.threshold)
        print(f"written to {WEBSHOP_TOML}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
