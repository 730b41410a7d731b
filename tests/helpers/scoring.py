"""Helpers for the scoring tests: hand-made probe reports, golden files.

Inputs are built by hand (fixtures/scoring/shops.json) with the real ProbeReport and
Signal types, so these tests do not depend on probes/ being finished.
Set SCORING_UPDATE_GOLDEN=1 to rewrite the expected files, then REVIEW the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from core.result import Evidence, ProbeReport, Signal, StepObservation
from core.shop import Shop
from scoring import Rubric, score_shop, sector_of

GOLDEN_DIR = Path(__file__).parents[2] / "fixtures" / "scoring"
UPDATE_GOLDEN = os.environ.get("SCORING_UPDATE_GOLDEN") == "1"


def read_json(name: str) -> Any:
    return json.loads((GOLDEN_DIR / name).read_text(encoding="utf-8"))


def check_golden(name: str, actual: Any) -> None:
    """Compare with fixtures/scoring/<name>, or rewrite it when updating."""
    path = GOLDEN_DIR / name
    if UPDATE_GOLDEN:
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(actual)) == expected


def make_signal(spec: Any) -> Signal:
    """A plain value, or {"value", "error", "evidence": url}."""
    if not isinstance(spec, dict):
        return Signal(value=spec)
    evidence = [Evidence(url=spec["evidence"], snippet="...", pattern="fixture")] \
        if spec.get("evidence") else []
    return Signal(value=spec.get("value"), error=spec.get("error"), evidence=evidence)


def make_report(raw: dict[str, Any]) -> ProbeReport:
    return ProbeReport(steps={
        step: StepObservation(status=obs["status"], reason=obs.get("reason"),
                              signals={k: make_signal(v)
                                       for k, v in obs.get("signals", {}).items()})
        for step, obs in raw.items()})


def shop_result(shop: Shop, report: ProbeReport, rubric: Rubric) -> dict[str, Any]:
    """The shop result dict the pipeline stores (the subset scoring reads)."""
    return {"id": shop.id, "name": shop.name, "website": shop.website,
            "address": shop.address, "category": shop.category, "sector": sector_of(shop),
            "steps": score_shop(shop, report, rubric), "signals": report.flat_signals(),
            "evidence": report.flat_evidence(), "places": {"place_id": shop.place_id}}
