"""What probes return: signals with evidence, grouped by journey step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

StepStatus = Literal["measured", "not_measured", "not_applicable", "error"]
MAX_SNIPPET = 200


@dataclass(slots=True)
class Evidence:
    url: str | None
    snippet: str  # at most MAX_SNIPPET characters, as written by the site
    pattern: str  # the rule or pattern that matched
    confidence: float = 1.0

    def __post_init__(self) -> None:
        self.snippet = " ".join(self.snippet.split())[:MAX_SNIPPET]

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "snippet": self.snippet, "pattern": self.pattern,
                "confidence": round(self.confidence, 3)}


@dataclass(slots=True)
class Signal:
    value: Any  # JSON-able: bool, int, float, str, list[str] or None
    confidence: float = 1.0
    evidence: list[Evidence] = field(default_factory=list)
    error: str | None = None  # set when the rule raised; value is then None


@dataclass(slots=True)
class StepObservation:
    status: StepStatus
    reason: str | None = None
    signals: dict[str, Signal] = field(default_factory=dict)


@dataclass(slots=True)
class ProbeReport:
    steps: dict[str, StepObservation]

    def flat_signals(self) -> dict[str, Any]:
        return {f"{step}.{name}": sig.value
                for step, obs in self.steps.items() for name, sig in obs.signals.items()}

    def flat_evidence(self) -> dict[str, list[dict[str, Any]]]:
        return {f"{step}.{name}": [e.to_dict() for e in sig.evidence]
                for step, obs in self.steps.items() for name, sig in obs.signals.items()
                if sig.evidence}
