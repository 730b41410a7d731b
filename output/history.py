"""How each journey step evolved across the finished scans of one commune, and the scan list.

Communes are found whatever their case and accents (`find_commune`): "bellemarche" finds
"Bellemarché"; an unknown name gets the closest known names as suggestions.
`commune_references` puts the commune's latest figures beside the published benchmarks of
the audit template (the ones the report shows), with their source and year.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Any

from core.steps import STEPS
from output import _stats
from output._rubric_text import references, report_rubric
from output.store import Store, StoreError

MAX_SUGGESTIONS = 3
SUGGESTION_CUTOFF = 0.6  # difflib similarity a suggestion needs


class CommuneNotFound(StoreError):
    """No scan has this commune; `suggestions` lists the closest known names."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        hint = f" (vouliez-vous dire : {', '.join(suggestions)} ?)" if suggestions else ""
        super().__init__(f"aucun scan pour la commune « {query} »{hint}")
        self.suggestions = suggestions


def fold_name(text: str) -> str:
    """'Bellemarché ' -> 'bellemarche' (case, accents and spacing ignored)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


def find_commune(store: Store, query: str) -> str:
    """The stored commune name matching `query` (case and accents ignored)."""
    known = store.list_communes()
    by_fold = {fold_name(name): name for name in known}
    wanted = fold_name(query)
    if wanted in by_fold:
        return by_fold[wanted]
    close = difflib.get_close_matches(wanted, list(by_fold), MAX_SUGGESTIONS, SUGGESTION_CUTOFF)
    close += [key for key in by_fold if wanted and wanted in key and key not in close]
    raise CommuneNotFound(query, [by_fold[key] for key in close[:MAX_SUGGESTIONS]])


def commune_history(store: Store, commune: str) -> list[dict[str, Any]]:
    """Oldest first: [{"id", "label", "started_at", "shops", "steps": {step: {"mean",
    "share_basic", "coverage", "change"}}}] for every finished scan of `commune`.
    `change` is +1 / -1 / 0 when the share at basic level or better went up / down / stayed,
    None for the first scan or when either scan did not measure the step."""
    rows: list[dict[str, Any]] = []
    for scan in store.list_scans(commune):
        if scan["status"] != "finished":
            continue
        figures = _stats.group_figures(scan.get("summary") or {})
        steps = {step: {key: figures["steps"][step][key]
                        for key in ("mean", "share_basic", "coverage")} for step in STEPS}
        for step in STEPS:
            before = rows[-1]["steps"][step]["share_basic"] if rows else None
            steps[step]["change"] = _direction(before, steps[step]["share_basic"])
        rows.append({"id": scan["id"], "label": scan["label"], "started_at": scan["started_at"],
                     "shops": figures["shops"] or scan["shops_done"], "steps": steps})
    return rows


def commune_references(store: Store, commune: str) -> list[dict[str, Any]]:
    """[{"step", "question", "kind", "value", "shops", "reference": {"value", "source",
    "year", "url", "note"}, "scan"}] from the latest finished scan of `commune`."""
    scan = store.get_scan("latest", commune)
    if scan is None:
        return []
    rows = references(_stats.commune_section(store, scan), report_rubric(scan))
    return [{**{k: v for k, v in row.items() if k != "href"}, "scan": scan["id"]}
            for row in rows]


def scan_list(store: Store, commune: str | None = None) -> list[dict[str, Any]]:
    """Every scan (of `commune` if given), newest first: id, commune, label, started_at,
    status, shops and coverage (mean share of shops measured over the five steps)."""
    rows = []
    for scan in store.list_scans(commune):
        figures = _stats.group_figures(scan.get("summary") or {})
        shares = [f["coverage"] for f in figures["steps"].values() if f["coverage"] is not None]
        rows.append({"id": scan["id"], "commune": scan["commune"], "label": scan["label"],
                     "started_at": scan["started_at"], "status": scan["status"],
                     "shops": figures["shops"] or scan["shops_done"],
                     "coverage": sum(shares) / len(shares) if shares else None})
    return rows[::-1]


def step_trend(history: list[dict[str, Any]], step: str, key: str = "mean") -> float | None:
    """Change of `key` for `step` from the first to the last scan (None if unknown)."""
    values = [row["steps"][step][key] for row in history if row["steps"][step][key] is not None]
    return round(values[-1] - values[0], 3) if len(values) >= 2 else None


def _direction(before: float | None, after: float | None) -> int | None:
    if before is None or after is None:
        return None
    return (after > before) - (after < before)
