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
from output._rubric_text import action_label, references, report_rubric
from output._shop_view import problems, shop_details
from output._svg_map import map_frame
from output.i18n import Messages
from output.store import Store
from scoring import Rubric
from scoring.result_view import OUTCOMES, is_measured, shop_outcome

MAX_OPPORTUNITIES = 5
MAX_STREETS = 25
STREET_MIN_SHOPS = 3  # streets with fewer shops are not listed (too small to say anything)
MIN_MEASURED_SHARE = 0.5  # below this share of shops measured, no strength / weakest link
MAX_NAMED_SHOPS = 5  # shops named per opportunity


def build_view(store: Store, scan: dict[str, Any], commune: dict[str, Any], msg: Messages,
               fmt: Formatter) -> dict[str, Any]:
    shops: list[dict[str, Any]] = []
    crawl: Counter[str] = Counter()
    places: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    rubric = report_rubric(scan)
    scan_trends = trends(store, scan)
    earlier = shop_timelines(store, scan_trends)
    for result in store.iter_shop_results(scan["id"]):
        shops.append(shop_row(result, rubric, msg, earlier))
        crawl[_status_of(result, "crawl")] += 1
        places[_status_of(result, "places")] += 1
        outcomes[shop_outcome(result)] += 1
        outcomes["any_measured"] += is_measured(result)
    journey = _stats.group_figures(commune)["steps"]
    total = int(commune.get("shops") or len(shops))
    enough = _enough_measured(journey)
    return {
        "scan": scan, "commune_name": scan.get("commune") or msg("meta.no_commune"),
        "shops_total": total, "partial": scan.get("status") != "finished",
        "steps": STEPS, "journey": journey, "chart": journey_chart(journey),
        "coverage": {"outcomes": [(o, outcomes[o]) for o in OUTCOMES],
                     "measured_any": outcomes["any_measured"], "total": len(shops),
                     "low": bool(shops) and outcomes["any_measured"] < MIN_MEASURED_SHARE
                     * len(shops)},
        "too_few": [step for step in STEPS if step not in enough],
        "weakest": _gate(_stats.weakest_step(commune), enough),
        "strongest": _gate(_stats.strongest_step({s: journey[s] for s in enough}), enough),
        "opportunities": named_opportunities(commune, shops, msg, rubric),
        "references": references(commune, rubric, msg.lang),
        "sectors": _groups(commune.get("by_sector")),
        "streets": _streets(commune.get("by_street")),
        "street_min": STREET_MIN_SHOPS,
        "shops": shops, "map": map_frame(shops),
        "trends": scan_trends,
        "crawl_counts": crawl.most_common(), "places_counts": places.most_common(),
        "rubric_version": _stats.as_dict(commune.get("rubric")).get("version"),
    }


def shop_row(result: dict[str, Any], rubric: Rubric | None = None,
             msg: Messages | None = None,
             earlier: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    steps = result.get("steps") or {}
    levels = {}
    for step in STEPS:
        observed = _stats.as_dict(steps.get(step))
        level = observed.get("level") if observed.get("status") == "measured" else None
        levels[step] = {"level": level if isinstance(level, int) else None,
                        "status": observed.get("status") or "not_measured",
                        "reason": observed.get("reason"), "score": observed.get("score")}
    average = _stats.average_level(result)
    key = str(result.get("identity_key") or result.get("id"))
    return {
        "id": result.get("id"), "name": result.get("name") or "?",
        "website": result.get("website"), "website_href": safe_href(result.get("website")),
        "address": " ".join(str(p) for p in (result.get("address"), result.get("postcode"),
                                              result.get("city")) if p),
        "sector": result.get("sector") or "other", "lat": result.get("lat"),
        "lon": result.get("lon"), "levels": levels, "average": average,
        "average_class": "n" if average is None else str(round(average)),
        "details": shop_details(result, rubric, msg) if msg else {},
        "problems": problems(result, msg) if msg else [],
        "timeline": (earlier or {}).get(key, []),
    }


def journey_chart(journey: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One bar per step: a segment per level and one for the shops not measured, as
    percentages of the shops the step applies to (measured + not measured + error)."""
    rows = []
    for step in STEPS:
        figures = journey[step]
        measured = sum(figures["levels"])
        in_scope = max(figures["in_scope"] or measured, measured)
        segments = [{"level": str(level), "count": count,
                     "width": round(100 * count / in_scope, 2)}
                    for level, count in enumerate(figures["levels"]) if count and in_scope]
        missing = in_scope - measured
        if missing:
            segments.append({"level": "n", "count": missing,
                             "width": round(100 * missing / in_scope, 2)})
        rows.append({"step": step, "segments": segments, "measured": measured,
                     "in_scope": in_scope, "not_measured": missing})
    return rows


def named_opportunities(commune: dict[str, Any], shops: list[dict[str, Any]],
                        msg: Messages, rubric: Rubric | None = None) -> list[dict[str, Any]]:
    """The top opportunities with their label in the report language and the shops named."""
    names = {shop["id"]: shop["name"] for shop in shops}
    rows = []
    for row in _stats.opportunities(commune, MAX_OPPORTUNITIES):
        named = [names[i] for i in _stats.as_list(row.get("examples")) if i in names]
        rows.append({**row, "label": action_label(rubric, row.get("id"), msg.lang,
                                                  row.get("label")),
                     "names": named[:MAX_NAMED_SHOPS],
                     "more": max(0, int(row.get("shops_lifted") or 0) - len(named))})
    return rows


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


def _enough_measured(journey: dict[str, dict[str, Any]]) -> list[str]:
    """Steps measured for at least half of the shops they apply to."""
    return [step for step, f in journey.items()
            if f["coverage"] is not None and f["coverage"] >= MIN_MEASURED_SHARE]


def _gate(step: str | None, enough: list[str]) -> str | None:
    return step if step in enough else None


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
