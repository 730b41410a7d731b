"""Accuracy gate: detection quality on our labelled fixtures must not drop below the floors.

Like trafilatura's tests/eval_gate.py. The floors are pinned a little under today's
figures (see docs/fingerprints.md); raise them when detection improves.
"""

from pathlib import Path

import pytest

from probes.evaluation import evaluate_corpus, named_platform, summary

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"
FLOORS = {
    "webshop.precision": 1.0, "webshop.recall": 1.0, "webshop.f1": 1.0,
    "schema_product.precision": 1.0, "schema_product.recall": 1.0,
    "schema_localbusiness.precision": 1.0, "schema_localbusiness.recall": 1.0,
    "platform.accuracy": 1.0, "language.accuracy": 1.0,
}


@pytest.fixture(scope="module")
def results():
    return evaluate_corpus(PAGES, PAGES / "labels.csv")


def test_fixture_corpus_is_big_enough(results):
    assert results["pages"] >= 15
    assert results["webshop"].tp >= 5 and results["webshop"].tn >= 5
    assert results["platform"].total >= 5


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_metric_stays_above_its_floor(results, metric):
    value = summary(results)[metric]
    mistakes = [m for key in ("webshop", "schema_product", "schema_localbusiness", "platform",
                              "language") for m in results[key].mistakes]
    assert value >= FLOORS[metric], f"{metric}={value:.3f}; mistakes: {mistakes}"


def test_named_platform_reads_platform_detail():
    assert named_platform({"platform": "other", "platform_detail": "Shopware 6"}) == "shopware"
    assert named_platform({"platform": "other", "platform_detail": "custom PHP"}) is None
    assert named_platform({"platform": "magento", "platform_detail": ""}) == "magento"
    assert named_platform({"platform": "none", "platform_detail": "WordPress"}) is None
