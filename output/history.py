"""How each journey step evolved across the finished scans of one commune."""

from __future__ import annotations

from typing import Any

from core.steps import STEPS
from output import _stats
from output.store import Store


def commune_history(store: Store, commune: str) -> list[dict[str, Any]]:
    """Oldest first: [{"id", "label", "started_at", "shops", "steps": {step: {"mean",
    "share_basic", "coverage"}}}] for every finished scan of `commune`."""
    rows = []
    for scan in store.list_scans(commune):
        if scan["status"] != "finished":
            continue
        figures = _stats.group_figures(scan.get("summary") or {})
        rows.append({
            "id": scan["id"], "label": scan["label"], "started_at": scan["started_at"],
            "shops": figures["shops"] or scan["shops_done"],
            "steps": {step: {key: figures["steps"][step][key]
                             for key in ("mean", "share_basic", "coverage")}
                      for step in STEPS},
        })
    return rows


def step_trend(history: list[dict[str, Any]], step: str, key: str = "mean") -> float | None:
    """Change of `key` for `step` from the first to the last scan (None if unknown)."""
    values = [row["steps"][step][key] for row in history if row["steps"][step][key] is not None]
    return round(values[-1] - values[0], 3) if len(values) >= 2 else None
