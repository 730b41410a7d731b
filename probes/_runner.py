"""Run the five step probes over one shop's artifacts; never raises."""

from __future__ import annotations

from typing import Any

from core.artifacts import FetchedPage, PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.result import ProbeReport, Signal, StepObservation
from core.shop import Shop
from core.steps import STEPS
from probes import (
    accessibility,
    click_and_collect,
    google_listing,
    online_ordering,
    reviews,
    web_presence,
)
from probes.context import ProbeContext
from probes.fingerprints import Technology

STEP_MODULES = {m.META.id: m for m in (web_presence, google_listing, online_ordering,
                                       click_and_collect, reviews)}
assert tuple(STEP_MODULES) == STEPS, "step modules must follow core.steps.STEPS"
INSPECT_SHOP_NAME = "inspect"


def run_probes(artifacts: ShopArtifacts, ctx: ProbeContext | None = None) -> ProbeReport:
    """Judge one shop. A step that raises becomes status "error" with the reason."""
    try:
        ctx = ctx or ProbeContext(artifacts)
    except Exception as exc:  # noqa: BLE001 - a broken data file must not end the scan
        reason = f"{type(exc).__name__}: {exc}"
        return ProbeReport({step: StepObservation("error", reason) for step in STEPS})
    steps: dict[str, StepObservation] = {}
    for step_id, module in STEP_MODULES.items():
        try:
            steps[step_id] = module.evaluate(ctx)
        except Exception as exc:  # noqa: BLE001 - errors are values
            steps[step_id] = StepObservation("error", f"{type(exc).__name__}: {exc}")
    _add_accessibility(ctx, steps)
    return ProbeReport(steps)


def _add_accessibility(ctx: ProbeContext, steps: dict[str, StepObservation]) -> None:
    """The commune's ecosystem joins the steps it belongs to (probes/accessibility.py)."""
    try:
        extra = accessibility.signals_by_step(ctx)
    except Exception as exc:  # noqa: BLE001 - errors are values
        extra = {step: {name: Signal(None, 0.0, error=f"{type(exc).__name__}: {exc}")
                        for name in names} for step, names in accessibility.SIGNALS.items()}
    for step, signals in extra.items():
        if step in steps:
            steps[step].signals.update(signals)


def artifacts_for_html(html: str, url: str | None = None,
                       headers: dict[str, str] | None = None) -> ShopArtifacts:
    """Artifacts for one stand-alone page (used by `inspect` and the evaluators)."""
    page = FetchedPage(url=url or "", final_url=url or "", status=200,
                       headers={k.lower(): v for k, v in (headers or {}).items()},
                       html=html, role="home")
    site = SiteArtifacts(website=url, status="ok", pages=[page],
                         https=url.lower().startswith("https://") if url else None)
    places = PlacesArtifact(status="not_measured", reason="inspect: no Places lookup")
    return ShopArtifacts(Shop(name=INSPECT_SHOP_NAME, website=url), site, places)


def inspect_html(html: str, url: str | None = None, headers: dict[str, str] | None = None,
                 fingerprints: dict[str, Technology] | None = None) -> dict[str, Any]:
    """Signals and evidence of one page: {"input", "signals", "evidence"}.

    `fingerprints` replaces the default technology set (see load_fingerprints).
    """
    result = inspect_artifacts(artifacts_for_html(html, url, headers), fingerprints)
    result["input"] = {"url": url, "bytes": len(html.encode("utf-8", "replace"))}
    return result


def inspect_artifacts(artifacts: ShopArtifacts,
                      fingerprints: dict[str, Technology] | None = None) -> dict[str, Any]:
    """What `inspect` shows for gathered artifacts: the site's signals (not the Google
    listing's), their evidence, and the rules that failed."""
    ctx = ProbeContext(artifacts, fingerprints=fingerprints) if fingerprints else None
    report = run_probes(artifacts, ctx)
    signals = {key: value for key, value in report.flat_signals().items()
               if not key.startswith(("google_listing.",))}
    errors = {f"{step}.{name}": sig.error for step, obs in report.steps.items()
              for name, sig in obs.signals.items() if sig.error}
    result: dict[str, Any] = {"input": {}, "signals": signals, "evidence": report.flat_evidence()}
    if errors:
        result["errors"] = errors
    return result
