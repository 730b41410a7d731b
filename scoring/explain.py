"""Why a shop is at its level on a step, Lighthouse-style: what is missing first, then what
was found, then what could not be checked.

    explain_step(rubric, sector, step, signals, lang="fr")
        -> {"missing", "met", "unknown", "next_level", "not_applicable"}

Each list holds criteria {"id", "signal", "label", "weight", "blocks"}: `blocks` is True when
the criterion is required by the next level, so it is the first thing to fix. Missing
criteria are sorted blocking first, then by weight. Labels, and the reason a step does not
apply to the sector (`not_applicable`, else None), are the rubric's, in `lang`.
"""

from __future__ import annotations

from typing import Any

from .model import Profile, Rubric
from .result_view import sector_of_result
from .score import criterion_values, level_of, weighted_score


def explain_step(rubric: Rubric, sector: str, step: str, signals: dict[str, Any],
                 lang: str = "fr") -> dict[str, Any]:
    step_rubric = rubric.steps[step]
    if sector in step_rubric.not_applicable:
        return {"missing": [], "met": [], "unknown": [], "next_level": None,
                "not_applicable": step_rubric.not_applicable[sector].in_lang(lang)}
    profile = step_rubric.profile_for(sector)
    values = criterion_values(profile, signals)
    score = weighted_score(profile, values)
    level = level_of(profile, score, values) if score is not None else 0
    blocking = _next_requirements(profile, level)
    rows: dict[str, list[dict[str, Any]]] = {"missing": [], "met": [], "unknown": []}
    for criterion in profile.criteria:
        state = {True: "met", False: "missing", None: "unknown"}[values[criterion.id]]
        rows[state].append({"id": criterion.id, "signal": criterion.signal,
                            "label": criterion.label.in_lang(lang), "weight": criterion.weight,
                            "blocks": criterion.id in blocking})
    rows["missing"].sort(key=lambda c: (not c["blocks"], -c["weight"]))
    next_level = level + 1 if level < len(profile.levels) else None
    return {**rows, "next_level": next_level, "not_applicable": None}


def explain_shop(rubric: Rubric, result: dict[str, Any], lang: str = "fr"
                 ) -> dict[str, dict[str, Any]]:
    """explain_step for every step of a stored shop result."""
    signals: dict[str, Any] = result["signals"] if isinstance(result.get("signals"), dict) else {}
    sector = sector_of_result(result)
    return {step: explain_step(rubric, sector, step, signals, lang) for step in rubric.steps}


def _next_requirements(profile: Profile, level: int) -> set[str]:
    """Criteria the next level requires (its `requires` and `requires_any`)."""
    for rule in profile.levels:
        if rule.level == level + 1:
            return set(rule.requires) | set(rule.requires_any)
    return set()
