"""The commune's ecosystem, gathered once per scan, and its summary for the reports.

    eco = await gather_ecosystem("Bellemarche", http_ctx)            # or osm_file=...
    access = access_for(shop, eco)        # AccessibilityArtifact for the probes
    commune["ecosystem"] = ecosystem_summary(eco, store.iter_shop_results(scan_id))

The summary (scan.json ``commune.ecosystem``, the report's Commune section, the workbook's
Commune sheet) holds the counts, the counts per 1,000 inhabitants when the boundary carries
a population, the features, the shops farther than ``far_from_parking_m`` from any car park,
the catchment areas ranked by size then distance with what would link each to the centre,
and findings phrased as strengths and weak links (keys translated by output/i18n).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from core.artifacts import AccessibilityArtifact
from core.errors import ScanFailed
from core.http import HttpContext
from core.shop import Shop
from sources.commune import find_in_list, resolve_commune
from sources.ecosystem import Ecosystem, fetch_ecosystem, load_ecosystem_file
from sources.ecosystem_access import accessibility_of, load_metre_settings, nearest_m
from sources.ecosystem_rules import RULES_FILE
from sources.overpass import OverpassError

log = logging.getLogger("smartcommerce.ecosystem")
NOT_GATHERED = "écosystème de la commune non rassemblé"
PARKING_SIGNAL = "google_listing.parking_distance_m"


@dataclass(frozen=True, slots=True)
class SummarySettings:
    far_from_parking_m: float = 300.0  # a shop farther than this from any car park is listed
    locker_near_m: float = 500.0  # a catchment area has a locker "at its entrance"
    delivery_from_m: float = 1500.0  # farther than this from the centre: deliver, don't walk


@cache
def load_summary_settings(path: Path = RULES_FILE) -> SummarySettings:
    return load_metre_settings(path, "summary", SummarySettings)


async def gather_ecosystem(commune: str, http_ctx: HttpContext,
                           osm_file: Path | None = None) -> Ecosystem:
    """The inventory from Overpass (the boundary found as by ``sources --commune``), or from a
    saved answer trusted to be the commune's. Overpass failures become ScanFailed."""
    if osm_file is not None:
        entry = find_in_list(commune)
        return load_ecosystem_file(osm_file, entry.name_fr if entry else commune.strip())
    try:
        resolved = await resolve_commune(commune, http_ctx)
        return await fetch_ecosystem(resolved, http_ctx)
    except OverpassError as exc:
        raise ScanFailed(f"écosystème de {commune} : {exc}") from None


async def gather_for_scan(commune: str | None, http_ctx: HttpContext, osm_file: Path | None,
                          notify: Callable[[str], None]) -> Ecosystem | None:
    """For a scan: None (and a message) when it cannot be had; the scan goes on without it."""
    if not commune:
        return None
    try:
        eco = await gather_ecosystem(commune, http_ctx, osm_file)
    except Exception as exc:  # noqa: BLE001 - the ecosystem is a bonus, never the end of a scan
        log.warning("ecosystem of %s: %s", commune, type(exc).__name__)
        notify(f"{NOT_GATHERED} ({exc})")
        return None
    return eco


def access_for(shop: Shop, eco: Ecosystem | None) -> AccessibilityArtifact:
    if eco is None:
        return AccessibilityArtifact("not_measured", NOT_GATHERED)
    return accessibility_of(shop.lat, shop.lon, eco)


# -- the summary ----------------------------------------------------------------------------
def ecosystem_summary(eco: Ecosystem, results: Iterable[dict[str, Any]],
                      settings: SummarySettings | None = None) -> dict[str, Any]:
    settings = settings or load_summary_settings()
    counts = eco.counts()
    far, unknown = _far_from_parking(results, settings.far_from_parking_m)
    per_1000 = {k: round(v * 1000 / eco.population, 2) for k, v in counts.items()} \
        if eco.population else None
    catchment = _ranked_catchment(eco, settings)
    return {
        "commune": eco.commune, "population": eco.population, "counts": counts,
        "per_1000": per_1000, "features": [f.to_json() for f in eco.features],
        "far_from_parking_m": settings.far_from_parking_m, "far_from_parking": far,
        "parking_unknown": unknown, "catchment": catchment,
        "findings": _findings(counts, far, catchment, settings.far_from_parking_m),
    }


def _far_from_parking(results: Iterable[dict[str, Any]], limit: float
                      ) -> tuple[list[dict[str, Any]], int]:
    far: list[dict[str, Any]] = []
    unknown = 0
    for result in results:
        distance = (result.get("signals") or {}).get(PARKING_SIGNAL)
        if not isinstance(distance, int | float):
            unknown += 1
        elif distance > limit:
            far.append({"id": result.get("id"), "name": result.get("name"),
                        "street": result.get("address"), "distance_m": round(distance)})
    far.sort(key=lambda s: -int(s["distance_m"]))
    return far, unknown


def _ranked_catchment(eco: Ecosystem, settings: SummarySettings) -> list[dict[str, Any]]:
    lockers = eco.of_kind("parcel_locker")
    ranked = []
    for area in eco.of_kind("catchment_area"):
        locker = nearest_m(area.lat, area.lon, lockers)
        links = []
        if locker is None or locker > settings.locker_near_m:
            links.append("locker")
        if area.distance_m is not None and area.distance_m > settings.delivery_from_m:
            links.append("delivery")
        ranked.append({**area.to_json(), "nearest_locker_m": None if locker is None
                       else round(locker), "links": links or ["walk"]})
    ranked.sort(key=lambda a: (-float(a.get("area_m2") or 0), float(a.get("distance_m") or 0)))
    return ranked


def _findings(counts: dict[str, int], far: list[dict[str, Any]],
              catchment: list[dict[str, Any]], far_limit: float) -> list[dict[str, Any]]:
    """Strengths and weak links, by canvas step ("find": reach the shop, "collect")."""
    found: list[dict[str, Any]] = []

    def add(kind: str, key: str, step: str, **values: Any) -> None:
        found.append({"type": kind, "key": key, "step": step, "values": values})

    if counts.get("car_parks"):
        add("strength", "car_parks", "find", count=counts["car_parks"],
            capacity=counts.get("car_park_capacity", 0))
    else:
        add("weak_link", "no_car_parks", "find")
    if far:
        add("weak_link", "far_from_parking", "find", count=len(far), limit=round(far_limit))
    for key, step in (("pedestrian_streets", "find"), ("attractions", "find"),
                      ("parcel_lockers", "collect"), ("postal_points", "collect"),
                      ("wifi", "find")):
        if counts.get(key):
            add("strength", key, step, count=counts[key])
        else:
            add("weak_link", f"no_{key}", step)
    unlinked = [a for a in catchment if "locker" in a["links"]]
    if unlinked:
        add("weak_link", "catchment_unlinked", "collect", count=len(unlinked),
            names=", ".join(str(a["name"]) for a in unlinked[:3]))
    return found
