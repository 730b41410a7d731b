"""Which commune? Resolve a name (FR/NL/DE, accents and case ignored) or a NIS code.

    commune = await resolve_commune("Schönmarkt", http_ctx)   # Commune(nis="99001", ...)

The bundled list ``sources/data/communes.csv`` (Walloon communes, NIS codes, FR/NL/DE names)
turns the user's spelling into a NIS code and gives suggestions for typos. The boundary
itself (OSM relation, bounding box) comes from Overpass: by ``ref:INS`` first, then by name
(a NIS code in the list may be stale after a merger; the OSM name still finds it).
"""

from __future__ import annotations

import csv
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from core.errors import UserInputError
from core.http import HttpContext
from sources.overpass import DEFAULT_ENDPOINT, CommuneSelector, build_boundary_query, run_query
from sources.text import fold

COMMUNES_FILE = Path(__file__).parent / "data" / "communes.csv"
SUGGESTION_COUNT = 3
SUGGESTION_MIN_SCORE = 60  # rapidfuzz WRatio, 0..100
NAME_COLUMNS = ("name_fr", "name_nl", "name_de")

BoundaryLookup = Callable[[CommuneSelector], Awaitable[list[dict[str, Any]]]]


class UnknownCommune(UserInputError):
    """No Belgian commune with that name or NIS code. The message suggests close names."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query, self.suggestions = query, suggestions
        hint = f" Vouliez-vous dire : {', '.join(suggestions)} ?" if suggestions else ""
        super().__init__(f"Commune inconnue : « {query} ».{hint}")


@dataclass(frozen=True, slots=True)
class CommuneEntry:
    nis: str
    name_fr: str
    name_nl: str = ""
    name_de: str = ""
    province: str = ""

    @property
    def names(self) -> list[str]:
        return [n for n in (self.name_fr, self.name_nl, self.name_de) if n]


@dataclass(slots=True)
class Commune:
    name: str  # the name to show (French when known)
    nis: str | None = None
    names: list[str] = field(default_factory=list)  # every known official name
    osm_relation: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # south, west, north, east

    def contains(self, lat: float | None, lon: float | None) -> bool | None:
        """Inside the bounding box? None when unknown (no bbox or no coordinates)."""
        if self.bbox is None or lat is None or lon is None:
            return None
        south, west, north, east = self.bbox
        return south <= lat <= north and west <= lon <= east


@lru_cache(maxsize=4)
def load_communes(path: Path = COMMUNES_FILE) -> tuple[CommuneEntry, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries, seen = [], set()
    for number, row in enumerate(rows, start=2):
        nis = (row.get("nis") or "").strip()
        if not (nis.isdigit() and len(nis) == 5) or not row.get("name_fr") or nis in seen:
            raise ValueError(f"{path.name} line {number}: bad or duplicate NIS / missing name")
        seen.add(nis)
        entries.append(CommuneEntry(nis, row["name_fr"].strip(), (row.get("name_nl") or "").strip(),
                                    (row.get("name_de") or "").strip(),
                                    (row.get("province") or "").strip()))
    return tuple(entries)


def find_in_list(
    query: str, entries: tuple[CommuneEntry, ...] | None = None
) -> CommuneEntry | None:
    entries = entries if entries is not None else load_communes()
    wanted = fold(query)
    for entry in entries:
        if wanted == entry.nis or any(fold(n) == wanted for n in entry.names):
            return entry
    return None


def suggest_communes(query: str, entries: tuple[CommuneEntry, ...] | None = None) -> list[str]:
    """The closest known commune names (French name shown, once per commune)."""
    entries = entries if entries is not None else load_communes()
    choices = {(fold(name), entry.name_fr) for entry in entries for name in entry.names}
    keys = [c[0] for c in choices]
    display = dict(choices)
    found: list[str] = []
    for key, _score, _ in process.extract(fold(query), keys, scorer=fuzz.WRatio,
                                          limit=SUGGESTION_COUNT * 3,
                                          score_cutoff=SUGGESTION_MIN_SCORE):
        if display[key] not in found:
            found.append(display[key])
    return found[:SUGGESTION_COUNT]


def commune_from_boundary(element: dict[str, Any], entry: CommuneEntry | None) -> Commune:
    tags = element.get("tags") or {}
    names = [tags[k] for k in ("name:fr", "name", "name:nl", "name:de") if tags.get(k)]
    bounds = element.get("bounds")
    bbox = (bounds["minlat"], bounds["minlon"], bounds["maxlat"], bounds["maxlon"]) \
        if bounds else None
    return Commune(
        name=entry.name_fr if entry else names[0],
        nis=tags.get("ref:INS") or (entry.nis if entry else None),
        names=list(dict.fromkeys((entry.names if entry else []) + names)),
        osm_relation=element.get("id"), bbox=bbox,
    )


def commune_offline(query: str) -> Commune:
    """From the bundled list only (no boundary): for --osm-file / KBO runs without network."""
    entry = find_in_list(query)
    if entry is None:
        raise UnknownCommune(query, suggest_communes(query))
    return Commune(name=entry.name_fr, nis=entry.nis, names=entry.names)


async def resolve_commune(
    query: str, http_ctx: HttpContext, endpoint: str = DEFAULT_ENDPOINT,
    lookup: BoundaryLookup | None = None,
) -> Commune:
    """Name or NIS code -> Commune with its OSM boundary; raises UnknownCommune."""
    query = query.strip()
    if lookup is None:
        async def lookup(selector: CommuneSelector) -> list[dict[str, Any]]:
            answer = await run_query(build_boundary_query(selector), http_ctx, endpoint)
            return list(answer["elements"])

    entry = find_in_list(query)
    selectors = []
    if entry:
        selectors += [CommuneSelector(nis=entry.nis), CommuneSelector(name=entry.name_fr)]
    elif query.isdigit():
        selectors.append(CommuneSelector(nis=query))
    elif query:
        selectors.append(CommuneSelector(name=query))
    for selector in selectors:
        boundaries = await lookup(selector)
        if boundaries:
            return commune_from_boundary(boundaries[0], entry)
    raise UnknownCommune(query, suggest_communes(query))
