"""Small helpers shared by the step modules: step metadata and safe rule running."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from core.result import Evidence, Signal
from probes.context import ProbeContext

Rule = Callable[[ProbeContext], Signal | None]
MAX_EVIDENCE = 3  # evidence items kept per signal


@dataclass(frozen=True, slots=True)
class StepMeta:
    id: str
    signals: tuple[str, ...]  # names in core/data/signals.toml this step may emit


def run_rules(ctx: ProbeContext, rules: Mapping[str, Rule]) -> dict[str, Signal]:
    """Run each rule; a rule that raises becomes Signal(value=None, error=...)."""
    signals: dict[str, Signal] = {}
    for name, rule in rules.items():
        try:
            signal = rule(ctx)
        except Exception as exc:  # noqa: BLE001 - errors are values, never crash a scan
            signal = Signal(value=None, confidence=0.0, error=f"{type(exc).__name__}: {exc}")
        if signal is not None:
            signal.evidence = signal.evidence[:MAX_EVIDENCE]
            signals[name] = signal
    return signals


def evidence(url: str | None, snippet: str, pattern: str, confidence: float = 1.0) -> Evidence:
    return Evidence(url=url, snippet=snippet, pattern=pattern, confidence=confidence)


def flag(value: bool, proofs: list[Evidence], confidence: float | None = None) -> Signal:
    """A boolean signal; its confidence defaults to the best evidence (or 1.0 when false)."""
    best = max((e.confidence for e in proofs), default=1.0)
    return Signal(value=value, confidence=confidence if confidence is not None else best,
                  evidence=proofs)
