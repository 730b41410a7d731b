"""Fit score-and-threshold decisions on a labelled corpus: logistic regression, grouped folds.

A decision such as "webshop" adds the weight of every kind of evidence a site shows and
compares the sum with a threshold. That is a logistic regression over binary features:
P(yes) = sigmoid(bias + sum of weights), so "yes" when the sum >= -bias = threshold.
Fitted by Newton's method (deterministic, no random start) with an L2 penalty, so that a
kind seen on a handful of pages cannot take an extreme weight. The two classes weigh the
same in the fit ("balanced" class weights, fixed a priori): the corpus has fewer shops than
non-shops, and unweighted the fit buys precision with recall.

Cross-validation keeps the pages of one group (host) on one side of every fold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_L2 = 0.3  # penalty on the weights (not on the bias)
MAX_ITERATIONS = 50
TOLERANCE = 1e-8


@dataclass(frozen=True, slots=True)
class FittedDecision:
    """Weights per feature and the threshold their sum must reach."""

    weights: dict[str, float]
    threshold: float

    def score(self, present: Sequence[str] | frozenset[str]) -> float:
        return sum(self.weights.get(kind, 0.0) for kind in set(present))

    def decide(self, present: Sequence[str] | frozenset[str]) -> bool:
        return self.score(present) >= self.threshold


def design_matrix(samples: Sequence[frozenset[str]], features: Sequence[str]) -> np.ndarray:
    """One row per sample, one 0/1 column per feature."""
    index = {name: i for i, name in enumerate(features)}
    x = np.zeros((len(samples), len(features)))
    for row, present in enumerate(samples):
        for kind in present:
            if kind in index:
                x[row, index[kind]] = 1.0
    return x


def fit_decision(samples: Sequence[frozenset[str]], truth: Sequence[bool],
                 features: Sequence[str], l2: float = DEFAULT_L2) -> FittedDecision:
    """Logistic regression of `truth` on the features present in each sample.

    Evidence never counts against: a feature whose fitted weight comes out negative
    (it overlaps with stronger ones) is set to 0 and the others are fitted again.
    """
    kept = list(features)
    while True:
        model = _fit(samples, truth, kept, l2)
        negative = [name for name in kept if model.weights[name] < 0]
        if not negative:
            break
        kept = [name for name in kept if name not in negative]
    weights = {name: model.weights.get(name, 0.0) for name in features}
    return FittedDecision(weights, model.threshold)


def _fit(samples: Sequence[frozenset[str]], truth: Sequence[bool],
         features: Sequence[str], l2: float) -> FittedDecision:
    x = design_matrix(samples, features)
    x1 = np.hstack([x, np.ones((len(samples), 1))])  # last column: the bias
    y = np.asarray(truth, dtype=float)
    weight = class_weights(y)
    beta = np.zeros(x1.shape[1])
    penalty = np.full(x1.shape[1], l2)
    penalty[-1] = 1e-6  # (almost) no penalty on the bias
    for _ in range(MAX_ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-(x1 @ beta)))
        gradient = x1.T @ (weight * (p - y)) + penalty * beta
        hessian = (x1.T * (weight * p * (1 - p))) @ x1 + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.max(np.abs(step))) < TOLERANCE:
            break
    weights = {name: round(float(w), 3) for name, w in zip(features, beta[:-1], strict=True)}
    return FittedDecision(weights, round(float(-beta[-1]), 3))


def class_weights(y: np.ndarray) -> np.ndarray:
    """Each sample's weight in the fit: both classes weigh as much as half the samples."""
    positives = float(y.sum())
    negatives = len(y) - positives
    if not positives or not negatives:
        return np.ones(len(y))
    return np.where(y > 0, len(y) / (2 * positives), len(y) / (2 * negatives))


def grouped_folds(groups: Sequence[str], k: int, seed: int = 0) -> list[int]:
    """Fold number (0..k-1) of every sample; all samples of a group share one fold.

    Groups are ordered by a seeded hash (reproducible, unrelated to their names' order)
    and each goes to the fold with the fewest samples so far: folds of similar size.
    """
    sizes: dict[str, int] = {}
    for group in groups:
        sizes[group] = sizes.get(group, 0) + 1
    order = sorted(sizes, key=lambda g: (-sizes[g], hashlib.sha256(f"{seed}:{g}".encode())
                                         .hexdigest()))
    fold_of: dict[str, int] = {}
    filled = [0] * k
    for group in order:
        fold = min(range(k), key=lambda f: (filled[f], f))
        fold_of[group] = fold
        filled[fold] += sizes[group]
    return [fold_of[g] for g in groups]


def cross_validated(samples: Sequence[frozenset[str]], truth: Sequence[bool],
                    groups: Sequence[str], features: Sequence[str], k: int,
                    seed: int = 0, l2: float = DEFAULT_L2) -> list[bool]:
    """Each sample's decision by a model fitted on the other folds only."""
    folds = grouped_folds(groups, k, seed)
    decided = [False] * len(samples)
    for fold in range(k):
        train = [i for i, f in enumerate(folds) if f != fold]
        model = fit_decision([samples[i] for i in train], [truth[i] for i in train],
                             features, l2)
        for i, f in enumerate(folds):
            if f == fold:
                decided[i] = model.decide(samples[i])
    return decided
