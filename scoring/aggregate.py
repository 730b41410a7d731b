"""The `commune` section of scan.json, built from shop results one at a time.

Only counters and per-step score lists are kept, never whole shops. Figures are
given for the whole commune, per sector and per street (the address without its
house number, with the postcode when known). `share_basic` is the share of
MEASURED shops at level 2 or above; not_measured, not_applicable and error shops
are only counted in `coverage`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

from core.steps import STEP_LABELS_FR, STEPS

from .audit import AuditFiller
from .model import BASIC_LEVEL, LEVELS, SECTORS, Rubric
from .opportunities import OpportunityCounter
from .result_view import STATUSES, sector_of_result, step_of

UNKNOWN_STREET = "(adresse inconnue)"
SHARE_DECIMALS = 3
SCORE_DECIMALS = 1
# "Rue Haute 12", "Rue Haute 12A", "Rue Haute, 12 bte 3", "Rue Haute 12/1"
TRAILING_NUMBER = re.compile(
    r"[\s,]+\d+[a-z]?(?:\s*[/-]\s*\w+)?(?:\s*(?:bte|bt|bus|boîte|boite|b)\.?\s*\w+)?\s*$",
    re.IGNORECASE)
LEADING_NUMBER = re.compile(r"^\s*\d+[a-z]?\s*,?\s+", re.IGNORECASE)  # "12, rue Haute"


def street_of(address: str | None) -> str:
    """The street of an address, without house number or box."""
    if not address or not address.strip():
        return UNKNOWN_STREET
    street = LEADING_NUMBER.sub("", TRAILING_NUMBER.sub("", address.strip()))
    street = " ".join(street.split()).strip(" ,")
    return street or UNKNOWN_STREET


def street_label(result: dict[str, Any]) -> str:
    """The street, with the postcode when known: merged communes (fusion de communes)
    often have the same street name in several villages."""
    street = street_of(result.get("address"))
    postcode = str(result.get("postcode") or "").strip()
    return f"{street} ({postcode})" if postcode and street != UNKNOWN_STREET else street


class StepStats:
    """Counters for one step in one group of shops."""

    def __init__(self) -> None:
        self.scores: list[float] = []
        self.levels: Counter[int] = Counter()
        self.statuses: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()

    def add(self, step: dict[str, Any]) -> None:
        status = step["status"]
        self.statuses[status] += 1
        if status == "measured":
            self.scores.append(float(step["score"]))
            self.levels[int(step.get("level") or 0)] += 1
        if step.get("reason"):
            self.reasons[f"{status}: {step['reason']}"] += 1

    def share_basic(self) -> float | None:
        measured = sum(self.levels.values())
        if not measured:
            return None
        basic = sum(n for level, n in self.levels.items() if level >= BASIC_LEVEL)
        return round(basic / measured, SHARE_DECIMALS)

    def finish(self) -> dict[str, Any]:
        scores = self.scores
        return {
            "mean": round(statistics.fmean(scores), SCORE_DECIMALS) if scores else None,
            "median": round(statistics.median(scores), SCORE_DECIMALS) if scores else None,
            "distribution": {str(level): self.levels[level] for level in LEVELS},
            "share_basic": self.share_basic(),
            "coverage": {**{s: self.statuses[s] for s in STATUSES},
                         "reasons": dict(sorted(self.reasons.items()))},
        }


class GroupStats:
    """Per-step stats for one group (commune, a sector, a street)."""

    def __init__(self) -> None:
        self.shops = 0
        self.steps = {step: StepStats() for step in STEPS}

    def add(self, result: dict[str, Any]) -> None:
        self.shops += 1
        for step, stats in self.steps.items():
            stats.add(step_of(result, step))

    def finish(self) -> dict[str, Any]:
        return {"shops": self.shops,
                "steps": {step: stats.finish() for step, stats in self.steps.items()}}


def weakest_link(group: GroupStats) -> dict[str, Any] | None:
    """The step where the smallest share of measured shops reaches basic."""
    shares = [(stats.share_basic(), step) for step, stats in group.steps.items()
              if stats.share_basic() is not None]
    if not shares:
        return None
    share, step = min(shares, key=lambda pair: (pair[0], STEPS.index(pair[1])))
    return {"step": step, "label": STEP_LABELS_FR[step], "share_basic": share,
            "measured": group.steps[step].statuses["measured"]}


class CommuneAggregator:
    """Feed shop result dicts with `add`, then call `finish` once."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.commune = GroupStats()
        self.sectors: dict[str, GroupStats] = {}
        self.streets: dict[str, GroupStats] = {}
        self.street_names: dict[str, str] = {}  # case-folded key -> first spelling
        self.opportunities = OpportunityCounter(rubric)
        self.audit = AuditFiller(rubric.audit)

    def add(self, result: dict[str, Any]) -> None:
        self.commune.add(result)
        sector = sector_of_result(result)
        self.sectors.setdefault(sector, GroupStats()).add(result)
        street = street_label(result)
        key = street.casefold()
        self.street_names.setdefault(key, street)
        self.streets.setdefault(key, GroupStats()).add(result)
        self.opportunities.add(result)
        self.audit.add(result)

    def finish(self) -> dict[str, Any]:
        return {
            "rubric": {"version": self.rubric.version, "source": self.rubric.source,
                       "level_labels": [label.fr for label in self.rubric.level_labels]},
            **self.commune.finish(),
            "weakest_link": weakest_link(self.commune),
            "by_sector": {s: self.sectors[s].finish() for s in SECTORS if s in self.sectors},
            "by_street": {self.street_names[k]: self.streets[k].finish()
                          for k in sorted(self.streets, key=lambda k: self.street_names[k])},
            "opportunities": self.opportunities.finish(),
            "audit": self.audit.finish(),
        }


def aggregate_commune(results: Iterable[dict[str, Any]], rubric: Rubric) -> dict[str, Any]:
    """The commune section of scan.json; `results` may be a generator."""
    aggregator = CommuneAggregator(rubric)
    for result in results:
        aggregator.add(result)
    return aggregator.finish()
