"""Score one shop: per step, a 0-100 score, a level 0-4 and a status.

Score = 100 x (weight of criteria that are true) / (weight of criteria that are
known). A criterion whose signal is unknown (None, missing, or the rule raised)
is left out of both sums: unknown never counts as false. When no criterion of a
step is known, the step is not scored at all (not_measured, or error if a rule
raised). A profile may also list `needs`: criteria of which at least one must be
known (e.g. the Google review count for reviews), else the step is not scored.

Level = the highest level L such that the rules of levels 1..L all hold. A rule
holds when the score reaches its min_score, each `requires` criterion is true
and, when given, one `requires_any` criterion is true. An unknown criterion does
not satisfy a rule: a level is granted only on evidence.
"""

from __future__ import annotations

from typing import Any

from core.result import ProbeReport
from core.shop import Shop
from core.steps import STEPS

from .conditions import evaluate
from .model import LevelRule, Profile, Rubric
from .sectors import sector_of

NO_OBSERVATION_REASON = "étape non observée par les sondes"
NO_KNOWN_SIGNAL_REASON = "aucun signal exploitable pour cette étape"
SIGNAL_ERROR_REASON = "les règles de cette étape ont échoué"
NEEDS_UNKNOWN_REASON = "critère indispensable inconnu : {labels}"
NEEDS_FAILED_REASON = "critère indispensable en erreur : {labels}"
PARTIAL_REASON = "mesure partielle : {count} critère(s) en erreur, non comptés"


def step_result(status: str, reason: str | None = None, score: float | None = None,
                level: int | None = None) -> dict[str, Any]:
    return {"score": score, "level": level, "status": status, "reason": reason}


def criterion_values(profile: Profile, signals: dict[str, Any]) -> dict[str, bool | None]:
    return {c.id: evaluate(c.test, signals.get(c.signal), c.value) for c in profile.criteria}


def weighted_score(profile: Profile, values: dict[str, bool | None]) -> float | None:
    known = [c for c in profile.criteria if values[c.id] is not None]
    denominator = sum(c.weight for c in known)
    if denominator <= 0:
        return None
    return 100.0 * sum(c.weight for c in known if values[c.id]) / denominator


def rule_holds(rule: LevelRule, score: float, values: dict[str, bool | None]) -> bool:
    if score < rule.min_score:
        return False
    if not all(values[name] is True for name in rule.requires):
        return False
    return not rule.requires_any or any(values[name] is True for name in rule.requires_any)


def level_of(profile: Profile, score: float, values: dict[str, bool | None]) -> int:
    level = 0
    for rule in profile.levels:  # ordered 1..4
        if not rule_holds(rule, score, values):
            break
        level = rule.level
    return level


def score_signals(profile: Profile, signals: dict[str, Any],
                  failed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Score a measured step from flat signals `{"step.name": value}`.

    `failed` names the signals whose rule raised: they are unknown like any None,
    and the result says how many criteria were lost that way.
    """
    values = criterion_values(profile, signals)
    score = weighted_score(profile, values)
    lost = sum(1 for c in profile.criteria if c.signal in failed)
    if profile.needs and all(values[name] is None for name in profile.needs):
        needed = [c for c in profile.criteria if c.id in profile.needs]
        labels = ", ".join(c.label.fr for c in needed)
        if any(c.signal in failed for c in needed):
            return step_result("error", NEEDS_FAILED_REASON.format(labels=labels))
        return step_result("not_measured", NEEDS_UNKNOWN_REASON.format(labels=labels))
    if score is None:
        if lost:
            return step_result("error", SIGNAL_ERROR_REASON)
        return step_result("not_measured", NO_KNOWN_SIGNAL_REASON)
    reason = PARTIAL_REASON.format(count=lost) if lost else None
    return step_result("measured", reason, score=round(score),
                       level=level_of(profile, score, values))


def score_step(step: str, sector: str, report: ProbeReport, rubric: Rubric,
               signals: dict[str, Any]) -> dict[str, Any]:
    step_rubric = rubric.steps[step]
    if sector in step_rubric.not_applicable:
        return step_result("not_applicable", step_rubric.not_applicable[sector].fr)
    observation = report.steps.get(step)
    if observation is None:
        return step_result("not_measured", NO_OBSERVATION_REASON)
    if observation.status != "measured":
        return step_result(observation.status, observation.reason)
    profile = step_rubric.profile_for(sector)
    failed = frozenset(f"{name}.{key}" for name, obs in report.steps.items()
                       for key, sig in obs.signals.items() if sig.error)
    scored = score_signals(profile, signals, failed)
    if scored["status"] == "measured" and observation.reason:
        # Keep the probe's word (e.g. "no_website"), then ours if any.
        scored["reason"] = "; ".join(filter(None, (observation.reason, scored["reason"])))
    return scored


def score_shop(shop: Shop, report: ProbeReport, rubric: Rubric) -> dict[str, dict[str, Any]]:
    """`{step: {"score", "level", "status", "reason"}}` for the five steps, in order."""
    sector = sector_of(shop)
    signals = report.flat_signals()
    return {step: score_step(step, sector, report, rubric, signals) for step in STEPS}
