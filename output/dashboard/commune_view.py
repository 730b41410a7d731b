"""The commune page: the report's content (output._html_view) read live, plus what moved.

The report's `build_view` also explains every shop (missing criteria, evidence), which this
page leaves to the shop page; so the view is assembled here from the report's own pieces,
streaming the scan's results once, with the trend taken from the per-scan figures.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa

from core.steps import STEPS
from output import _html_view as report_view
from output import _stats
from output._svg_map import map_frame
from output.dashboard import queries as q
from output.dashboard.bars import distribution_bar
from output.i18n import Messages
from output.store import Store
from scoring.aggregate import street_label
from scoring.result_view import OUTCOMES, is_measured, shop_outcome


class NotFound(LookupError):
    """The commune, scan or shop asked for is not in the store."""


def commune(store: Store, name: str, scan_id: str | None, sector: str | None,
            street: str | None, msg: Messages) -> dict[str, Any]:
    with store.engine.connect() as conn:
        scans = q.commune_scans(conn, name)
        if not scans:
            raise NotFound(name)
        chosen = _chosen_scan(scans, scan_id)
        previous = _previous_finished(scans, chosen)
        before = q.levels_by_identity(conn, previous["id"]) if previous else {}
        trend = _trend(conn, scans, chosen)
    scan = store.get_scan(chosen["id"])
    if scan is None:
        raise NotFound(chosen["id"])
    section = _stats.commune_section(store, scan)
    view = _report_view(store, scan, section, msg)
    view["trends"] = trend
    for shop in view["shops"]:
        _mark_moves(shop, before.get(shop["identity_key"] or ""))
        _label_cells(shop, msg)
    shops = [s for s in view["shops"] if (not sector or s["sector"] == sector)
             and (not street or s["street"].casefold() == street.casefold())]
    return {"name": name, "v": view, "scan": scan, "scans": scans, "previous": previous,
            "shops": shops, "sector": sector, "street": street,
            "ecosystem": section.get("ecosystem")}


def _report_view(store: Store, scan: dict[str, Any], commune: dict[str, Any],
                 msg: Messages) -> dict[str, Any]:
    """`output._html_view.build_view`'s content without the per-shop explanations (the shop
    page has them); shops carry their identity key and street."""
    shops: list[dict[str, Any]] = []
    crawl: Counter[str] = Counter()
    places: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for result in store.iter_shop_results(scan["id"]):
        row = report_view.shop_row(result)
        row.update(identity_key=result.get("identity_key"), street=street_label(result))
        shops.append(row)
        crawl[str(_stats.as_dict(result.get("crawl")).get("status") or "?")] += 1
        places[str(_stats.as_dict(result.get("places")).get("status") or "?")] += 1
        outcomes[shop_outcome(result)] += 1
        outcomes["any_measured"] += is_measured(result)
    journey = _stats.group_figures(commune)["steps"]
    enough = report_view._enough_measured(journey)
    chart = report_view.journey_chart(journey)
    for row in chart:
        row["bar"] = distribution_bar(journey[row["step"]]["levels"], row["in_scope"], msg,
                                      "dist journey")
    return {
        "scan": scan, "commune_name": scan.get("commune") or msg("meta.no_commune"),
        "shops_total": int(commune.get("shops") or len(shops)),
        "partial": scan.get("status") != "finished", "steps": STEPS, "journey": journey,
        "chart": chart,
        "coverage": {"outcomes": [(o, outcomes[o]) for o in OUTCOMES],
                     "measured_any": outcomes["any_measured"], "total": len(shops),
                     "low": bool(shops) and outcomes["any_measured"]
                     < report_view.MIN_MEASURED_SHARE * len(shops)},
        "weakest": report_view._gate(_stats.weakest_step(commune), enough),
        "strongest": report_view._gate(
            _stats.strongest_step({s: journey[s] for s in enough}), enough),
        "opportunities": report_view.named_opportunities(commune, shops, msg),
        "sectors": report_view._groups(commune.get("by_sector")),
        "streets": report_view._streets(commune.get("by_street")),
        "street_min": report_view.STREET_MIN_SHOPS, "shops": shops, "map": map_frame(shops),
        "crawl_counts": crawl.most_common(), "places_counts": places.most_common(),
    }


def _mark_moves(shop: dict[str, Any], before: dict[str, int | None] | None) -> None:
    """cell["move"]: "up"/"down" when the step's level changed since the previous scan."""
    for step in STEPS:
        cell = shop["levels"][step]
        was = before.get(step) if before else None
        cell["move"] = (None if was is None or cell["level"] is None or was == cell["level"]
                        else ("up" if cell["level"] > was else "down"))


def _label_cells(shop: dict[str, Any], msg: Messages) -> None:
    """Words the shop table shows, prepared once here (the table has 5 cells per shop)."""
    key = f"sectors.{shop['sector']}"
    shop["sector_label"] = msg(key) if msg.has(key) else shop["sector"]
    shop["data_steps"] = ",".join("n" if shop["levels"][step]["level"] is None
                                  else str(shop["levels"][step]["level"]) for step in STEPS)
    for cell in shop["levels"].values():
        if cell["level"] is None:
            cell["title"] = msg(f"status.{cell['status']}")
        else:
            score = f" · {round(cell['score'])}/100" if isinstance(cell["score"], int | float) \
                else ""
            cell["title"] = msg(f"levels.{cell['level']}") + score
        cell["move_title"] = msg("diff.improved" if cell["move"] == "up" else "diff.regressed")


def _trend(conn: sa.Connection, scans: list[dict[str, Any]],
           chosen: dict[str, Any]) -> list[dict[str, Any]]:
    """Finished scans up to the chosen one, oldest first (the report's trend table)."""
    shown = [s for s in scans if s["id"] == chosen["id"] or (
        s["status"] == "finished" and (s["started_at"], s["id"]) <= (chosen["started_at"],
                                                                     chosen["id"]))]
    figures = q.scan_figures(conn, [s["id"] for s in shown])
    rows = [{"id": s["id"], "label": s["label"], "date": s["started_at"],
             "current": s["id"] == chosen["id"],
             "steps": q.figures_or_empty(figures.get(s["id"]))["steps"]} for s in shown]
    return rows if len(rows) > 1 else []


def _chosen_scan(scans: list[dict[str, Any]], scan_id: str | None) -> dict[str, Any]:
    if scan_id:
        for scan in scans:
            if scan["id"] == scan_id:
                return scan
        raise NotFound(scan_id)
    finished = [s for s in scans if s["status"] == "finished"]
    return (finished or scans)[-1]


def _previous_finished(scans: list[dict[str, Any]], scan: dict[str, Any]) -> dict[str, Any] | None:
    earlier = [s for s in scans if s["status"] == "finished"
               and (s["started_at"], s["id"]) < (scan["started_at"], scan["id"])]
    return earlier[-1] if earlier else None
