"""The commune as the report shows it, shared by report.html and the dashboard's commune page.

    tally = ShopTally()
    shops = []
    for result in store.iter_shop_results(scan["id"]):
        shops.append(shop_row(result))
        tally.add(result)
    view = commune_summary(scan, commune, shops, tally, msg, rubric)

`commune_summary` gives what both show: coverage, strongest step and weakest link, the
journey chart, the opportunities with the shops named, the sector and street tables, the
map and the crawl and listing counts. The report adds each shop's explanations and the
trend (`output._html_view`), the dashboard what moved since the previous scan.
No HTML here: the templates escape everything a website wrote.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.steps import STEPS
from output import _stats
from output._format import safe_href
from output._rubric_text import action_label
from output._shop_view import problems, shop_details
from output._svg_map import map_frame
from output.i18n import Messages
from scoring import Rubric
from scoring.result_view import OUTCOMES, is_measured, shop_outcome

__all__ = ["MIN_MEASURED_SHARE", "STREET_MIN_SHOPS", "ShopTally", "commune_summary",
           "journey_chart", "named_opportunities", "shop_row"]

MAX_OPPORTUNITIES = 5
MAX_STREETS = 25
STREET_MIN_SHOPS = 3  # streets with fewer shops are not listed (too small to say anything)
MIN_MEASURED_SHARE = 0.5  # below this share of shops measured, no strength / weakest link
MAX_NAMED_SHOPS = 5  # shops named per opportunity


class ShopTally:
    """What happened to the shops of a scan, counted one result at a time: crawl and listing
    statuses, outcomes (`scoring.result_view.OUTCOMES`) and shops with any step measured."""

    def __init__(self) -> None:
        self.crawl: Counter[str] = Counter()
        self.places: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.measured_any = 0
        self.total = 0

    def add(self, result: dict[str, Any]) -> None:
        self.crawl[_status_of(result, "crawl")] += 1
        self.places[_status_of(result, "places")] += 1
        self.outcomes[shop_outcome(result)] += 1
        self.measured_any += is_measured(result)
        self.total += 1

    def coverage(self) -> dict[str, Any]:
        return {"outcomes": [(o, self.outcomes[o]) for o in OUTCOMES],
                "measured_any": self.measured_any, "total": self.total,
                "low": bool(self.total) and self.measured_any < MIN_MEASURED_SHARE * self.total}


def commune_summary(scan: dict[str, Any], commune: dict[str, Any], shops: list[dict[str, Any]],
                    tally: ShopTally, msg: Messages, rubric: Rubric | None) -> dict[str, Any]:
    """The commune's figures (its stored section), its shops' rows, and what they add up to."""
    journey = _stats.group_figures(commune)["steps"]
    enough = _enough_measured(journey)
    return {
        "scan": scan, "commune_name": scan.get("commune") or msg("meta.no_commune"),
        "shops_total": int(commune.get("shops") or len(shops)),
        "partial": scan.get("status") != "finished",
        "steps": STEPS, "journey": journey, "chart": journey_chart(journey),
        "coverage": tally.coverage(),
        "too_few": [step for step in STEPS if step not in enough],
        "weakest": _gate(_stats.weakest_step(commune), enough),
        "strongest": _gate(_stats.strongest_step({s: journey[s] for s in enough}), enough),
        "opportunities": named_opportunities(commune, shops, msg, rubric),
        "sectors": _groups(commune.get("by_sector")),
        "streets": _streets(commune.get("by_street")),
        "street_min": STREET_MIN_SHOPS,
        "shops": shops, "map": map_frame(shops),
        "crawl_counts": tally.crawl.most_common(), "places_counts": tally.places.most_common(),
    }


def shop_row(result: dict[str, Any], rubric: Rubric | None = None,
             msg: Messages | None = None,
             earlier: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """One shop as the tables and the map list it; with `msg`, also why it scored as it did
    (`details`, `problems`), and with `earlier` its levels in the commune's earlier scans."""
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


def _status_of(result: dict[str, Any], section: str) -> str:
    part = _stats.as_dict(result.get(section))
    return str(part.get("status") or "?")
