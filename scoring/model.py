"""The validated, immutable shapes of the scoring data files.

`rubric.load_rubric` builds these from TOML; everything else only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from .texts import Text

SECTORS: Final = ("food_retail", "nonfood_retail", "horeca", "personal_services",
                  "health", "other")
DEFAULT_PROFILE: Final = "default"
LEVELS: Final = (0, 1, 2, 3, 4)
BASIC_LEVEL: Final = 2  # "basique": the bar the audit counts shops against
TOP_LEVEL: Final = 4


@dataclass(frozen=True, slots=True)
class Criterion:
    """One weighted yes/no question about a signal."""
    id: str
    signal: str
    test: str
    weight: float
    label: Text
    value: Any = None


@dataclass(frozen=True, slots=True)
class LevelRule:
    """Level `level` is reached when the score is >= min_score, every `requires`
    criterion is true and, if listed, at least one `requires_any` criterion is true."""
    level: int
    min_score: float = 0.0
    requires: tuple[str, ...] = ()
    requires_any: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Profile:
    """How one step is judged for one sector (or by default)."""
    criteria: tuple[Criterion, ...]
    levels: tuple[LevelRule, ...]  # levels 1..4, in order
    needs: tuple[str, ...] = ()  # scored only if one of these criteria is known


@dataclass(frozen=True, slots=True)
class StepRubric:
    step: str
    profiles: dict[str, Profile]  # "default" and optional sector overrides
    not_applicable: dict[str, Text] = field(default_factory=dict)  # sector -> reason

    def profile_for(self, sector: str) -> Profile:
        return self.profiles.get(sector, self.profiles[DEFAULT_PROFILE])


@dataclass(frozen=True, slots=True)
class Action:
    """A cheap action an ambassador can suggest: it turns `trigger` from false to
    true (and may set related signals, see `sets`)."""
    id: str
    label: Text
    step: str
    trigger: str
    sets: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reference:
    """A published figure shown beside ours, with its source and year."""
    value: float
    source: Text
    year: int
    url: str
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class AuditCriterion:
    id: str
    step: str
    question: Text
    kind: str  # share | share_level | mean_score | median
    signal: str | None = None
    test: str | None = None
    value: Any = None
    min_level: int | None = None
    among: str | None = None  # only shops where this signal is true
    reference: Reference | None = None


@dataclass(frozen=True, slots=True)
class ConfidenceRule:
    label: Text
    min_coverage: float
    min_shops: int


@dataclass(frozen=True, slots=True)
class AuditTemplate:
    version: str
    canvas: Text
    criteria: tuple[AuditCriterion, ...]
    confidence: tuple[ConfidenceRule, ...]  # best first; the last is the fallback
    max_examples: int


@dataclass(frozen=True, slots=True)
class Rubric:
    version: str
    level_labels: tuple[Text, ...]
    steps: dict[str, StepRubric]
    actions: tuple[Action, ...]
    audit: AuditTemplate
    source: str  # the file it came from
