"""What the report's Commune section and the workbook's Commune sheet show of
``commune.ecosystem`` (scanner/ecosystem.py): counts (per 1,000 inhabitants when known),
one map layer per kind, the shops far from any car park, the catchment areas ranked, and
the findings phrased as strengths and weak links. Texts come from output/i18n (``ecosystem.``).

A count of 0 reads "none mapped in OpenStreetMap", never "none".
"""

from __future__ import annotations

from typing import Any

from output._svg_map import map_frame
from output.i18n import Messages

#: Map colours per kind (colour-blind friendly Okabe-Ito palette, then greys).
KIND_COLOURS = {
    "car_park": "#0072B2", "bicycle_parking": "#56B4E9", "charging_station": "#009E73",
    "parcel_locker": "#D55E00", "postal_point": "#E69F00", "pedestrian_street": "#CC79A7",
    "marketplace": "#F0E442", "attraction": "#7B3294", "catchment_area": "#4D4D4D",
    "school": "#8C6D31", "wifi": "#1B9E77",
}
SHOP_COLOUR = "#B0B7BF"
COUNT_KINDS = {  # counts key -> map kind
    "parcel_lockers": "parcel_locker", "postal_points": "postal_point", "car_parks": "car_park",
    "car_park_capacity": "car_park", "bicycle_parking": "bicycle_parking",
    "charging_stations": "charging_station", "pedestrian_streets": "pedestrian_street",
    "marketplaces": "marketplace", "attractions": "attraction",
    "catchment_areas": "catchment_area", "schools": "school", "wifi": "wifi",
}


def ecosystem_view(commune: dict[str, Any], shops: list[dict[str, Any]],
                   msg: Messages) -> dict[str, Any] | None:
    """None when the scan gathered no ecosystem (no commune, or Overpass failed)."""
    eco = commune.get("ecosystem") if isinstance(commune, dict) else None
    if not isinstance(eco, dict):
        return None
    counts = eco.get("counts") or {}
    per_1000 = eco.get("per_1000") or {}
    rows = [{"key": key, "label": msg(f"ecosystem.count.{key}"), "count": count,
             "per_1000": per_1000.get(key), "colour": KIND_COLOURS.get(COUNT_KINDS.get(key, ""))}
            for key, count in counts.items()]
    return {
        "population": eco.get("population"), "rows": rows,
        "map": _map(eco.get("features") or [], shops, msg),
        "far": eco.get("far_from_parking") or [], "far_limit": eco.get("far_from_parking_m"),
        "parking_unknown": eco.get("parking_unknown") or 0,
        "catchment": [{**a, "links_text": ", ".join(msg(f"ecosystem.link.{link}")
                                                   for link in a.get("links") or [])}
                      for a in eco.get("catchment") or []],
        "strengths": _findings(eco, "strength", msg),
        "weak_links": _findings(eco, "weak_link", msg),
    }


def _findings(eco: dict[str, Any], kind: str, msg: Messages) -> list[str]:
    return [_finding_text(f, msg) for f in eco.get("findings") or []
            if isinstance(f, dict) and f.get("type") == kind]


def _finding_text(finding: dict[str, Any], msg: Messages) -> str:
    key = f"ecosystem.finding.{finding.get('key')}"
    try:
        return msg(key, **(finding.get("values") or {}))
    except (KeyError, IndexError, ValueError):  # a stored scan from an older release
        return msg(key) if msg.has(key) else str(finding.get("key"))


def _map(features: list[dict[str, Any]], shops: list[dict[str, Any]],
         msg: Messages) -> dict[str, Any] | None:
    points = [{"lat": f.get("lat"), "lon": f.get("lon"), "kind": f.get("kind"),
               "name": f.get("name") or msg(f"ecosystem.kind.{f.get('kind')}")}
              for f in features]
    points += [{"lat": s.get("lat"), "lon": s.get("lon"), "kind": "shop", "name": s.get("name")}
               for s in shops]
    frame = map_frame(points)
    if frame is None:
        return None
    layers: dict[str, list[dict[str, Any]]] = {}
    for point in frame["points"]:
        layers.setdefault(point["kind"], []).append(point)
    frame["shops"] = layers.pop("shop", [])
    frame["layers"] = [{"kind": kind, "label": msg(f"ecosystem.kind.{kind}"),
                        "colour": KIND_COLOURS.get(kind, SHOP_COLOUR), "points": pts}
                       for kind, pts in layers.items()]
    frame["shop_colour"] = SHOP_COLOUR
    return frame


def commune_sheet_rows(commune: dict[str, Any], msg: Messages) -> list[list[Any]]:
    """The workbook's Commune sheet, row by row (plain values; the writer styles them)."""
    view = ecosystem_view(commune, [], msg)
    if view is None:
        return []
    rows: list[list[Any]] = [[msg("ecosystem.title")], [msg("ecosystem.source_note")], []]
    rows.append([msg("ecosystem.kind_header"), msg("ecosystem.count_header"),
                 msg("ecosystem.per_1000_header")])
    for row in view["rows"]:
        count = row["count"] if row["count"] else msg("ecosystem.none_mapped")
        rows.append([row["label"], count, row["per_1000"]])
    rows += [[], [msg("ecosystem.strengths")], *[[text] for text in view["strengths"]]]
    rows += [[], [msg("ecosystem.weak_links")], *[[text] for text in view["weak_links"]]]
    rows += [[], [msg("ecosystem.far_title", limit=view["far_limit"] or 0)],
             [msg("table.name"), msg("table.address"), msg("ecosystem.distance_header")]]
    rows += [[s.get("name"), s.get("street"), s.get("distance_m")] for s in view["far"]]
    rows += [[], [msg("ecosystem.catchment_title")],
             [msg("table.name"), msg("ecosystem.area_header"), msg("ecosystem.distance_header"),
              msg("ecosystem.outside_header"), msg("ecosystem.links_header")]]
    rows += [[a.get("name"), a.get("area_m2"), a.get("distance_m"),
              msg("ecosystem.yes") if a.get("outside") else msg("ecosystem.no"), a["links_text"]]
             for a in view["catchment"]]
    return rows
