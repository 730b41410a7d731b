"""The logistic fit behind the webshop decision (probes/fitting.py), on hand-made samples."""

import numpy as np
import pytest

from probes.fitting import class_weights, cross_validated, fit_decision, grouped_folds


def _samples():
    """30 shops with a cart, 5 of them also a login; 70 non-shops, 20 with a login, 3 a cart."""
    shops = [frozenset({"cart", "login"})] * 5 + [frozenset({"cart"})] * 25
    others = [frozenset({"login"})] * 20 + [frozenset({"cart"})] * 3 + [frozenset()] * 47
    return shops + others, [True] * 30 + [False] * 70


def test_both_classes_weigh_half_of_the_fit():
    w = class_weights(np.array([1.0] * 30 + [0.0] * 70))
    assert w[:30].sum() == pytest.approx(50) and w[30:].sum() == pytest.approx(50)
    assert class_weights(np.ones(4)).tolist() == [1.0] * 4  # one class only: plain weights


def test_fitted_decision_separates_the_classes():
    samples, truth = _samples()
    model = fit_decision(samples, truth, ["cart", "login"])
    assert model.decide(frozenset({"cart"})) and not model.decide(frozenset({"login"}))
    assert model.weights["cart"] > model.weights["login"] >= 0.0
    assert sum(model.decide(s) == t for s, t in zip(samples, truth, strict=True)) >= 95


def test_evidence_never_counts_against():
    """A feature seen mostly on non-shops gets weight 0, not a negative weight."""
    samples, truth = _samples()
    samples = [s | {"forum"} if not t and i % 2 else s
               for i, (s, t) in enumerate(zip(samples, truth, strict=True))]
    assert fit_decision(samples, truth, ["cart", "login", "forum"]).weights["forum"] == 0.0


def test_folds_keep_a_group_on_one_side_and_have_similar_sizes():
    groups = [f"host{i // 3}" for i in range(60)]
    folds = grouped_folds(groups, 5, seed=1)
    for group in set(groups):
        assert len({f for f, g in zip(folds, groups, strict=True) if g == group}) == 1
    sizes = [folds.count(k) for k in range(5)]
    assert max(sizes) - min(sizes) <= 3
    assert folds != grouped_folds(groups, 5, seed=2)  # the seed redraws the folds


def test_cross_validated_decisions_come_from_the_other_folds():
    samples, truth = _samples()
    groups = [f"site{i}" for i in range(len(samples))]
    decided = cross_validated(samples, truth, groups, ["cart", "login"], 5)
    assert sum(d == t for d, t in zip(decided, truth, strict=True)) >= 95
