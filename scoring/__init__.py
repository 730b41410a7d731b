"""Scoring: turn probe signals into journey maturity scores and commune figures.

    load_rubric(path=None) -> Rubric          validated rubric (RubricError if not)
    sector_of(shop) -> str                    food_retail, ..., other
    score_shop(shop, report, rubric) -> dict  {step: {score, level, status, reason}}
    aggregate_commune(results, rubric) -> dict  the `commune` section of scan.json
    explain_shop(rubric, result, lang) -> dict  per step: missing, met, unknown criteria
"""

from .aggregate import aggregate_commune
from .errors import RubricError
from .explain import explain_shop, explain_step
from .model import Rubric
from .rubric import load_rubric
from .score import score_shop
from .sectors import sector_of

__all__ = [
    "Rubric",
    "RubricError",
    "aggregate_commune",
    "explain_shop",
    "explain_step",
    "load_rubric",
    "score_shop",
    "sector_of",
]
