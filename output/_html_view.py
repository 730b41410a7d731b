"""The data the HTML report template shows, built from the store (no HTML here).

The commune's figures, shop rows and tables are `output.report_view`'s, which the dashboard
shares; the report adds each shop's explanations (what is missing, the evidence), its levels
in the earlier scans, the trend and the published references.
Everything a website wrote stays plain text here; the template escapes it.
"""

from __future__ import annotations

from typing import Any

from core.steps import STEPS
from output import _stats
from output._format import Formatter
from output._rubric_text import references, report_rubric
from output.i18n import Messages
from output.report_view import ShopTally, commune_summary, shop_row
from output.store import Store


def build_view(store: Store, scan: dict[str, Any], commune: dict[str, Any], msg: Messages,
               fmt: Formatter) -> dict[str, Any]:
    rubric = report_rubric(scan)
    scan_trends = trends(store, scan)
    earlier = shop_timelines(store, scan_trends)
    shops: list[dict[str, Any]] = []
    tally = ShopTally()
    for result in store.iter_shop_results(scan["id"]):
        shops.append(shop_row(result, rubric, msg, earlier))
        tally.add(result)
    view = commune_summary(scan, commune, shops, tally, msg, rubric)
    view.update(references=references(commune, rubric, msg.lang), trends=scan_trends,
                rubric_version=_stats.as_dict(commune.get("rubric")).get("version"))
    return view


def shop_timelines(store: Store, scan_trends: list[dict[str, Any]]
                   ) -> dict[str, list[dict[str, Any]]]:
    """identity_key -> levels of that shop in the earlier scans of the commune, oldest first."""
    timelines: dict[str, list[dict[str, Any]]] = {}
    for scan in scan_trends:
        if scan["current"]:
            continue
        for result in store.iter_shop_results(scan["id"]):
            key = str(result.get("identity_key") or result.get("id"))
            steps = _stats.as_dict(result.get("steps"))
            levels = {step: _stats.as_dict(steps.get(step)).get("level")
                      if _stats.as_dict(steps.get(step)).get("status") == "measured" else None
                      for step in STEPS}
            timelines.setdefault(key, []).append({"date": scan["date"], "levels": levels})
    return timelines


def trends(store: Store, scan: dict[str, Any]) -> list[dict[str, Any]]:
    """Finished scans of the same commune up to this one, oldest first."""
    if not scan.get("commune"):
        return []
    rows = []
    for other in store.list_scans(scan["commune"]):
        is_this = other["id"] == scan["id"]
        if other["status"] != "finished" and not is_this:
            continue
        if other["started_at"] > scan["started_at"]:
            break
        summary = other.get("summary") or {}
        rows.append({"id": other["id"], "label": other["label"], "date": other["started_at"],
                     "shops": summary.get("shops"), "current": is_this,
                     "steps": _stats.group_figures(summary)["steps"]})
    return rows if len(rows) > 1 else []


def sparkline(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """SVG polyline points for values 0..100 (None values are skipped)."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(values) < 2 or not known:
        return ""
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - v / 100 * height:.1f}" for i, v in known)
