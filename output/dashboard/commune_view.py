"""The commune page: the report's content (output.report_view) read live, plus what moved.

The report also explains every shop (missing criteria, evidence), which this page leaves to
the shop page: so a finished scan's shops are listed from `shop_levels.listed_json` (what a
list reads of a result, written when the scan finished), not from their whole results; a
running scan's are read from its results. The trend comes from the per-scan figures, the
ecosystem from the report's own view (`output._ecosystem_view`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from core.steps import STEPS
from output import _stats
from output._ecosystem_view import ecosystem_view
from output._rubric_text import report_rubric
from output.dashboard import queries as q
from output.dashboard.bars import distribution_bar
from output.i18n import Messages
from output.report_view import ShopTally, commune_summary, shop_row
from output.store import Store
from scoring import Rubric
from scoring.aggregate import street_label

RUBRICS_KEPT = 8  # rubric files kept parsed (one per distinct `settings.rubric_path`)


class NotFound(LookupError):
    """The commune, scan or shop asked for is not in the store."""


def scans_of(store: Store, name: str) -> list[dict[str, Any]]:
    """Every scan of the commune, oldest first (`queries.commune_scans`); NotFound if none."""
    with store.engine.connect() as conn:
        scans = q.commune_scans(conn, name)
    if not scans:
        raise NotFound(name)
    return scans


def page_key(scans: list[dict[str, Any]], scan_id: str | None) -> tuple[Any, ...] | None:
    """What the page of a finished scan depends on besides that scan (immutable): the
    commune's scans as they are now (a new or progressing scan changes the key); None for a
    running scan, whose page is never kept."""
    if _chosen_scan(scans, scan_id)["status"] != "finished":
        return None
    return tuple((s["id"], s["status"], s["label"], s["started_at"], s["shops_done"],
                  s["shops_planned"]) for s in scans)


def commune(store: Store, scans: list[dict[str, Any]], name: str, scan_id: str | None,
            sector: str | None, street: str | None, msg: Messages) -> dict[str, Any]:
    """The page of one scan (the latest finished by default) of the commune's `scans`."""
    with store.engine.connect() as conn:
        chosen = _chosen_scan(scans, scan_id)
        previous = _previous_finished(scans, chosen)
        before = q.levels_by_identity(conn, previous["id"]) if previous else {}
        trend = _trend(conn, scans, chosen)
        listed = q.listed_results(conn, chosen["id"]) if chosen["status"] == "finished" \
            else None
    scan = store.get_scan(chosen["id"])
    if scan is None:
        raise NotFound(chosen["id"])
    section = _stats.commune_section(store, scan)
    results = listed if listed is not None else store.iter_shop_results(scan["id"])
    view = _report_view(scan, section, results, msg)
    view["trends"] = trend
    words = CellWords(msg)
    for shop in view["shops"]:
        _mark_moves(shop, before.get(shop["identity_key"] or ""))
        _label_cells(shop, words)
    shops = [s for s in view["shops"] if (not sector or s["sector"] == sector)
             and (not street or s["street"].casefold() == street.casefold())]
    return {"name": name, "v": view, "scan": scan, "scans": scans, "previous": previous,
            "shops": shops, "sector": sector, "street": street,
            "eco": ecosystem_view(section, view["shops"], msg)}


def scan_rubric(scan: dict[str, Any]) -> Rubric | None:
    """The rubric the scan was scored with, as the report reads it (kept parsed)."""
    return _rubric_at(_stats.as_dict(scan.get("settings")).get("rubric_path"))


@lru_cache(maxsize=RUBRICS_KEPT)
def _rubric_at(path: str | None) -> Rubric | None:
    return report_rubric({"settings": {"rubric_path": path}})


def _report_view(scan: dict[str, Any], commune: dict[str, Any],
                 results: Iterable[dict[str, Any]], msg: Messages) -> dict[str, Any]:
    """`output.report_view.commune_summary`, shops without their explanations (the shop page
    has them) but with their identity key and street, the journey drawn as SVG bars."""
    shops: list[dict[str, Any]] = []
    tally = ShopTally()
    for result in results:
        row = shop_row(result)
        row.update(identity_key=result.get("identity_key"), street=street_label(result))
        shops.append(row)
        tally.add(result)
    view = commune_summary(scan, commune, shops, tally, msg, scan_rubric(scan))
    for row in view["chart"]:
        row["bar"] = distribution_bar(view["journey"][row["step"]]["levels"], row["in_scope"],
                                      msg, "dist journey")
    return view


def _mark_moves(shop: dict[str, Any], before: dict[str, int | None] | None) -> None:
    """cell["move"]: "up"/"down" when the step's level changed since the previous scan."""
    for step in STEPS:
        cell = shop["levels"][step]
        was = before.get(step) if before else None
        cell["move"] = (None if was is None or cell["level"] is None or was == cell["level"]
                        else ("up" if cell["level"] > was else "down"))


class CellWords:
    """The words of the shop table's cells in one language, looked up once per page."""

    def __init__(self, msg: Messages) -> None:
        self.msg = msg
        self.known: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        """`msg(key)`: the key itself when the catalogue lacks it."""
        word = self.known.get(key)
        if word is None:
            word = self.known[key] = self.msg(key)
        return word


def _label_cells(shop: dict[str, Any], words: CellWords) -> None:
    """Words the shop table shows, prepared once here (the table has 5 cells per shop)."""
    key = f"sectors.{shop['sector']}"
    shop["sector_label"] = label if (label := words(key)) != key else shop["sector"]
    shop["cells"] = cells = [shop["levels"][step] for step in STEPS]  # in the table's order
    shop["data_steps"] = ",".join("n" if c["level"] is None else str(c["level"]) for c in cells)
    for cell in cells:
        if cell["level"] is None:
            cell["title"] = words(f"status.{cell['status']}")
        else:
            score = f" · {round(cell['score'])}/100" if isinstance(cell["score"], int | float) \
                else ""
            cell["title"] = words(f"levels.{cell['level']}") + score
        cell["move_title"] = words("diff.improved" if cell["move"] == "up" else "diff.regressed")


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
