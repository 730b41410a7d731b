"""Accuracy gate: cross-validated detection quality on the labelled real-page corpus.

Like trafilatura's tests/eval_gate.py, but the figures are cross-validated (5 folds
grouped by host: the webshop weights that judge a page were fitted without its site),
so they measure accuracy on unseen pages rather than recall of the tuning set. The
floors sit a little under what bench/eval_detection.py reports (see bench/README.md).
Reads ../shared/corpus/pages; skipped when that folder is absent.
"""

import pytest

from fixtures.corpus import CORPUS_PAGES
from probes.evaluation import (
    cross_validated_webshop,
    named_platform,
    score_outcomes,
    summary,
)
from probes.fitting import fit_decision
from probes.settings import WEIGHT_NAMES, load_webshop_rules

FOLDS = 5
FLOORS = {  # bench/eval_detection.py --cv 5 reached (Dec 2026) the figure in the comment
    "webshop.precision": 0.96,  # 0.972 (0.972 at every fold seed 0-5: --seeds 0-5)
    "webshop.recall": 0.93,  # 0.965 (0.941-0.965)
    "webshop.f1": 0.95,  # 0.969 (0.956-0.969, mean 0.963)
    "platform.accuracy": 0.975,  # 0.996 (254/255; 0.984-0.996)
    "language.accuracy": 0.975,  # 0.982 (naive Bayes over langdetect's profiles; 0.984 before)
    "opening_hours.precision": 0.9,  # 1.000 (17 positives, 0 false positives)
    "opening_hours.recall": 0.9,  # 1.000
    "pickup.precision": 0.9,  # 1.000 (11 positives)
    "pickup.recall": 0.7,  # 0.818 (the 2 misses are Russian: no Russian keyword file)
    "schema_product.precision": 0.98,  # 1.000
    "schema_product.recall": 0.98,  # 1.000
}
# Opening hours and pickup are word lists and patterns, not fitted: on this corpus they are
# figures on pages that were looked at while writing them (docs/labelling.md, second look).
# Hours found in text written by others and never tuned on: tests/probes/test_hours_snippets.py;
# on small-business pages: tests/probes/test_opening_hours_pages.py.
CEILINGS = {"platform.nonshop_rate": 0.02}

pytestmark = pytest.mark.skipif(not CORPUS_PAGES.is_dir(),
                                reason="../shared/corpus/pages is not here")


@pytest.fixture(scope="module")
def corpus(judged_corpus):
    """Every labelled page judged once per session (tests/probes/conftest.py)."""
    return judged_corpus


@pytest.fixture(scope="module")
def figures(corpus):
    pages, outcomes = corpus
    labels = [p.labels for p in pages]
    decided = cross_validated_webshop(outcomes, labels, [p.group for p in pages], FOLDS)
    results = score_outcomes([p.file for p in pages], labels, outcomes, decided)
    return results, summary(results)


def test_corpus_is_big_and_mixed(corpus):
    pages, _ = corpus
    shops = sum(p.labels["webshop"] == "yes" for p in pages)
    assert len(pages) >= 600 and shops >= 200 and len(pages) - shops >= 300
    assert len({p.group for p in pages}) >= 200


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_cross_validated_metric_stays_above_its_floor(figures, metric):
    results, flat = figures
    key = metric.split(".")[0]
    assert flat[metric] >= FLOORS[metric], f"{metric}={flat[metric]:.3f}; " \
                                           f"mistakes: {results[key].mistakes[:20]}"


@pytest.mark.parametrize("metric", sorted(CEILINGS))
def test_non_shops_rarely_get_a_platform(figures, metric):
    results, flat = figures
    assert flat[metric] <= CEILINGS[metric], results["nonshop_platform"].mistakes


def test_shipped_weights_are_the_fit_on_the_corpus(corpus):
    """webshop.toml holds what bench/fit_detection.py --write fits (refit after a change)."""
    pages, outcomes = corpus
    fitted = fit_decision([o.kinds for o in outcomes],
                          [p.labels["webshop"] == "yes" for p in pages], WEIGHT_NAMES)
    rules = load_webshop_rules()
    assert rules.threshold == pytest.approx(fitted.threshold, abs=0.01)
    for kind in WEIGHT_NAMES:
        assert rules.weights[kind] == pytest.approx(fitted.weights[kind], abs=0.01), kind


def test_named_platform_reads_the_label_spellings():
    assert named_platform({"platform": "other:xtcommerce"}) == "xt-commerce"
    assert named_platform({"platform": "zencart"}) == "zen-cart"
    assert named_platform({"platform": "other:shopware 6"}) == "shopware"
    assert named_platform({"platform": "unknown"}) is None
    assert named_platform({"platform": "none"}) is None
