"""Probes: pure functions of a shop's artifacts, one module per journey step.

Public surface: `run_probes(artifacts) -> ProbeReport` (never raises) and
`inspect_html(html, url) -> {"input", "signals", "evidence"}`.
"""

from probes._runner import artifacts_for_html, inspect_artifacts, inspect_html, run_probes

__all__ = ["artifacts_for_html", "inspect_artifacts", "inspect_html", "run_probes"]
