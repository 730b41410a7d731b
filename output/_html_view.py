"""The data the HTML report template shows, built from the store (no HTML here).

Everything a website wrote stays plain text here; the template escapes it.
Links are only kept when `safe_href` accepts them (absolute http/https).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.steps import STEPS
from output import _stats
from output._format import Formatter, safe_href
from output._svg_map import map_frame
from output.i18n import Messages
from output.store import Store

MAX_OPPORTUNITIES = 5
MAX_STREETS = 25
STREET_MIN_SHOPS = 3  # streets with fewer shops are not listed (too small to say anything)
MAX_EVIDENCE_PER_SIGNAL = 3
CHART_ROW_HEIGHT = 56
CHART_BAR_X, CHART_BAR_W = 230, 520


def build_view(store: Store, scan: dict[str, Any], commune: dict[str, Any], msg: Messages,
               fmt: Formatter) -> dict[str, Any]:
    shops: list[dict[str, Any]] = []
    crawl: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for result in store.iter_shop_results(scan["id"]):
        shops.append(shop_row(result))
        crawl[_status_of(result, "crawl")] += 1
        places[_status_of(result, "places")] += 1
    journey = _stats.group_figures(commune)["steps"]
    return {
        "scan": scan, "commune_name": scan.get("commune") or msg("meta.no_commune"),
        "shops_total": int(commune.get("shops") or len(shops)),
        "partial": scan.get("status") != "finished",
        "steps": STEPS, "journey": journey, "chart": journey_chart(journey),
        "weakest": _stats.weakest_step(commune), "strongest": _stats.strongest_step(journey),
        "opportunities": _stats.opportunities(commune, MAX_OPPORTUNITIES),
        "sectors": _groups(commune.get("by_sector")),
        "streets": _streets(commune.get("by_street")),
        "street_min": STREET_MIN_SHOPS,
        "shops": shops, "map": map_frame(shops),
        "trends": trends(store, scan),
        "crawl_counts": crawl.most_common(), "places_counts": places.most_common(),
        "rubric_version": _stats.as_dict(commune.get("rubric")).get("version"),
    }


def shop_row(result: dict[str, Any]) -> dict[str, Any]:
    steps = result.get("steps") or {}
    levels = {}
    for step in STEPS:
        observed = _stats.as_dict(steps.get(step))
        level = observed.get("level") if observed.get("status") == "measured" else None
        levels[step] = {"level": level if isinstance(level, int) else None,
                        "status": observed.get("status") or "not_measured",
                        "reason": observed.get("reason"), "score": observed.get("score")}
    average = _stats.average_level(result)
    return {
        "id": result.get("id"), "name": result.get("name") or "?",
        "website": result.get("website"), "website_href": safe_href(result.get("website")),
        "address": " ".join(str(p) for p in (result.get("address"), result.get("postcode"),
                                              result.get("city")) if p),
        "sector": result.get("sector") or "other", "lat": result.get("lat"),
        "lon": result.get("lon"), "levels": levels, "average": average,
        "average_class": "n" if average is None else str(round(average)),
        "evidence": evidence_rows(result), "errors": result.get("errors") or [],
    }


def evidence_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for signal, items in (result.get("evidence") or {}).items():
        if not isinstance(items, list):
            continue
        shown = []
        for item in items[:MAX_EVIDENCE_PER_SIGNAL]:
            if isinstance(item, dict):
                shown.append({"url": item.get("url"), "href": safe_href(item.get("url")),
                              "snippet": item.get("snippet") or "",
                              "pattern": item.get("pattern") or ""})
        if shown:
            rows.append({"signal": signal, "entries": shown})
    return rows


def journey_chart(journey: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars: one row per step, one segment per level (share of measured shops)."""
    rows = []
    for index, step in enumerate(STEPS):
        levels = journey[step]["levels"]
        measured = sum(levels)
        x, segments = float(CHART_BAR_X), []
        for level, count in enumerate(levels):
            width = CHART_BAR_W * count / measured if measured else 0.0
            if width > 0:
                segments.append({"level": level, "count": count, "x": round(x, 1),
                                 "w": round(width, 1)})
            x += width
        basic_x = CHART_BAR_X + CHART_BAR_W * sum(levels[:2]) / measured if measured else None
        rows.append({"step": step, "y": index * CHART_ROW_HEIGHT, "segments": segments,
                     "measured": measured, "basic_x": basic_x})
    return {"rows": rows, "height": len(STEPS) * CHART_ROW_HEIGHT, "bar_x": CHART_BAR_X,
            "bar_w": CHART_BAR_W, "row_h": CHART_ROW_HEIGHT}


def _groups(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, dict):
        return []
    return [{"name": name, **_stats.group_figures(group)} for name, group in raw.items()]


def _streets(raw: Any) -> list[dict[str, Any]]:
    rows = [g for g in _groups(raw) if g["shops"] >= STREET_MIN_SHOPS]
    rows.sort(key=lambda g: (-g["shops"], g["name"]))
    return rows[:MAX_STREETS]


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


def _status_of(result: dict[str, Any], section: str) -> str:
    part = _stats.as_dict(result.get(section))
    return str(part.get("status") or "?")


def sparkline(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """SVG polyline points for values 0..100 (None values are skipped)."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(values) < 2 or not known:
        return ""
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - v / 100 * height:.1f}" for i, v in known)
