"""Reading the commune section (scoring.aggregate_commune's output) for the reports.

Every read is tolerant: a missing key gives None or an empty value, never a crash, so a
report still renders for an unfinished scan or an older commune section.
A step's figures as reports use them: {"mean", "median", "levels": [n0..n4], "share_basic",
"measured", "in_scope", "coverage"}; shares are 0..1, None when nothing was measured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.steps import STEPS
from scoring import aggregate_commune, load_rubric

if TYPE_CHECKING:  # the store imports this module (through output._aggregates)
    from output.store import Store

LEVEL_COUNT = 5  # levels 0..4
COUNTED_STATUSES = ("measured", "not_measured", "error")  # not_applicable is out of scope


def commune_section(store: Store, scan: dict[str, Any]) -> dict[str, Any]:
    """The stored commune section, or one computed now (unfinished scan) with the rubric the
    scan recorded (``settings.rubric_path``; the built-in one when none was given).

    Raises RubricError when that rubric can no longer be read: figures from another rubric
    would be wrong without saying so.
    """
    if isinstance(scan.get("summary"), dict):
        return scan["summary"]
    rubric = load_rubric((scan.get("settings") or {}).get("rubric_path"))
    return aggregate_commune(store.iter_shop_results(scan["id"]), rubric)


def step_figures(step: Any) -> dict[str, Any]:
    step = step if isinstance(step, dict) else {}
    levels = levels_list(step.get("distribution", step.get("levels")))
    coverage = step.get("coverage")
    measured = sum(levels)
    if isinstance(coverage, dict):
        measured = int(coverage.get("measured") or measured)
        in_scope = sum(int(coverage.get(s) or 0) for s in COUNTED_STATUSES)
        share = measured / in_scope if in_scope else None
    else:
        in_scope = None
        share = coverage if isinstance(coverage, int | float) else None
    return {"mean": _number(step.get("mean")), "median": _number(step.get("median")),
            "levels": levels, "share_basic": _number(step.get("share_basic")),
            "measured": measured, "in_scope": in_scope, "coverage": share}


def group_figures(group: Any) -> dict[str, Any]:
    """{"shops": n, "steps": {step: figures}} for the commune, a sector or a street."""
    group = group if isinstance(group, dict) else {}
    steps = group.get("steps") if isinstance(group.get("steps"), dict) else {}
    return {"shops": int(group.get("shops") or 0),
            "steps": {step: step_figures(steps.get(step)) for step in STEPS}}


def levels_list(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [int(value.get(str(i), value.get(i, 0)) or 0) for i in range(LEVEL_COUNT)]
    if isinstance(value, list):
        head = [int(v or 0) for v in value[:LEVEL_COUNT]]
        return head + [0] * (LEVEL_COUNT - len(head))
    return [0] * LEVEL_COUNT


def weakest_step(commune: dict[str, Any]) -> str | None:
    link = commune.get("weakest_link")
    if isinstance(link, dict) and link.get("step") in STEPS:
        return str(link["step"])
    return link if isinstance(link, str) and link in STEPS else None


def strongest_step(figures: dict[str, dict[str, Any]]) -> str | None:
    known = [(f["share_basic"], step) for step, f in figures.items()
             if f.get("share_basic") is not None]
    return max(known, key=lambda pair: (pair[0], -STEPS.index(pair[1])))[1] if known else None


def opportunities(commune: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    rows = commune.get("opportunities")
    if not isinstance(rows, list):
        return []
    usable = [r for r in rows if isinstance(r, dict) and (r.get("shops_lifted") or 0) > 0]
    return usable[:limit]


def average_level(result: dict[str, Any]) -> float | None:
    levels: list[int] = [s["level"] for s in as_dict(result.get("steps")).values()
                         if isinstance(s, dict) and s.get("status") == "measured"
                         and isinstance(s.get("level"), int)]
    return sum(levels) / len(levels) if levels else None


def as_dict(value: Any) -> dict[str, Any]:
    """`value` if it is a dict, else an empty one (tolerant reading of stored JSON)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
