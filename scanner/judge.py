"""The one judge step: probes -> score -> shop result record.

    record = judge_shop(ShopArtifacts(shop, site, places), rubric)

Used by the probe pool (in its worker processes), the pipeline and the tests alike. The
shop's sector (scoring.sector_of) is handed to the probes in ``ShopArtifacts.sector``; the
Shop itself is not changed. Never raises for a shop: a scoring failure becomes an error
result for that shop.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from core.artifacts import ShopArtifacts
from core.result import ProbeReport, StepObservation
from core.steps import STEPS
from probes import run_probes
from scanner.shop_result import build_shop_result
from scoring import Rubric, score_shop, sector_of

log = logging.getLogger("smartcommerce.judge")


def with_sector(artifacts: ShopArtifacts) -> ShopArtifacts:
    """The artifacts with the shop's sector filled in (a sector already given is kept)."""
    if artifacts.sector:
        return artifacts
    return dataclasses.replace(artifacts, sector=sector_of(artifacts.shop))


def judge_shop(artifacts: ShopArtifacts, rubric: Rubric) -> dict[str, Any]:
    """Run the probes, score the five steps and build the shop's result record."""
    artifacts = with_sector(artifacts)
    report = run_probes(artifacts)
    try:
        steps = score_shop(artifacts.shop, report, rubric)
    except Exception as exc:  # noqa: BLE001 - one shop's failure must not end the scan
        log.warning("scoring of shop %s failed: %s", artifacts.shop.id, type(exc).__name__)
        return error_result(artifacts, f"échec du calcul du score ({exc})")
    return build_shop_result(artifacts, report, steps)


def error_result(artifacts: ShopArtifacts, reason: str) -> dict[str, Any]:
    """A shop result whose five steps are errors with ``reason``."""
    report = ProbeReport({s: StepObservation(status="error", reason=reason) for s in STEPS})
    steps = {s: {"score": None, "level": None, "status": "error", "reason": reason}
             for s in STEPS}
    return build_shop_result(with_sector(artifacts), report, steps)
