"""Collect a commune's shops from the chosen sources and merge them.

    result = await collect_shops("Habay", sources=("osm", "kbo"), kbo_path="kbo.zip",
                                 http_ctx=HttpContext())
    result.shops              # merged, inside the commune
    result.per_source_counts  # {"osm": 112, "kbo": 140}
    result.overlaps           # {"osm+kbo": 60, "osm": 52, "kbo": 80}
    result.errors             # plain-French problems of the sources that failed

A failing source is reported in ``errors`` and the others go on; only an unknown commune
(UnknownCommune) or every source failing (ScanFailed) raises.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.env import PLACES_KEY_ENV
from core.errors import ScanFailed, UserInputError
from core.http import HttpContext
from core.shop import Shop
from sources.commune import Commune, commune_offline, resolve_commune
from sources.csv_list import ShopListError, read_shop_list
from sources.kbo import KboLocation, read_kbo
from sources.kbo_files import KboError, KboExtract
from sources.merge import SOURCE_PRIORITY, keep_in_commune, merge_shops
from sources.osm_parse import OsmFileError, load_osm_file, parse_overpass_elements
from sources.overpass import (
    DEFAULT_ENDPOINT,
    CommuneSelector,
    OverpassError,
    build_shops_query,
    run_query,
)
from sources.places import PLACES_BASE_URL, PlacesClient
from sources.places_discover import default_types, discover_places, discovery_call_estimate

KNOWN_SOURCES = SOURCE_PRIORITY
# KBO comes last: it locates units by postcode, and the postcodes come from the others.
COLLECT_ORDER = ("csv", "osm", "places", "kbo")
Estimate = Callable[[int, float], None]  # (worst-case billable calls, USD) before spending


# Errors in a file the user named: they stop the run with exit code 2.
NAMED_FILE_ERRORS = (ShopListError, KboError, OsmFileError)


@dataclass(slots=True)
class CollectResult:
    shops: list[Shop] = field(default_factory=list)
    per_source_counts: dict[str, int] = field(default_factory=dict)
    overlaps: dict[str, int] = field(default_factory=dict)  # "osm+kbo" -> shops
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was skipped on purpose, and why
    commune: Commune | None = None
    outside_commune: int = 0  # records dropped because they lie outside the commune


@dataclass(slots=True)
class _Options:
    sources: tuple[str, ...]
    shops_file: Path | None
    osm_file: Path | None
    kbo_path: Path | None
    http_ctx: HttpContext
    places_key: str | None
    places_budget: int | None
    overpass_endpoint: str
    places_base_url: str
    on_estimate: Estimate | None
    postcodes: set[str] = field(default_factory=set)


async def collect_shops(
    commune: str, sources: Sequence[str] = ("osm", "kbo", "places", "csv"), *,
    shops_file: str | Path | None = None, osm_file: str | Path | None = None,
    kbo_path: str | Path | None = None, http_ctx: HttpContext | None = None,
    places_key: str | None = None, places_budget: int | None = None,
    overpass_endpoint: str = DEFAULT_ENDPOINT, places_base_url: str = PLACES_BASE_URL,
    on_estimate: Estimate | None = None, postcodes: Sequence[str] = (),
) -> CollectResult:
    wanted = tuple(s.strip().lower() for s in sources if s.strip())
    unknown = [s for s in wanted if s not in KNOWN_SOURCES]
    if unknown:
        raise UserInputError(f"source inconnue : {', '.join(unknown)} "
                             f"(possibles : {', '.join(KNOWN_SOURCES)})")
    for option, named in (("--shops", shops_file), ("--osm-file", osm_file), ("--kbo", kbo_path)):
        if named is not None and not Path(named).exists():
            raise UserInputError(f"fichier introuvable ({option}) : {named}")
    opts = _Options(wanted, _path(shops_file), _path(osm_file), _path(kbo_path),
                    http_ctx or HttpContext(), places_key, places_budget, overpass_endpoint,
                    places_base_url, on_estimate, set(postcodes))
    result = CollectResult()
    result.commune = await _commune(commune, opts, result.errors)
    records: dict[str, list[Shop]] = {}
    for source in sorted(wanted, key=COLLECT_ORDER.index):
        if source == "kbo":
            opts.postcodes |= _commune_postcodes(records, result.commune)
        try:
            records[source] = await _COLLECTORS[source](result.commune, opts, result)
        except NAMED_FILE_ERRORS:
            raise  # a file named on the command line is missing or unreadable: the user's to fix
        except (OverpassError, UserInputError, OSError) as exc:  # source not set up or down
            result.errors.append(f"{source} : {exc}")
    if wanted and not records:
        raise ScanFailed("aucune source n'a donné de commerces : " + " ; ".join(result.errors))
    _finish(result, records, opts.postcodes)
    return result


def _path(value: str | Path | None) -> Path | None:
    return Path(value) if value else None


async def _commune(query: str, opts: _Options, errors: list[str]) -> Commune:
    online = "osm" in opts.sources and opts.osm_file is None or "places" in opts.sources
    if not online:
        return commune_offline(query)
    try:
        return await resolve_commune(query, opts.http_ctx, opts.overpass_endpoint)
    except OverpassError as exc:  # no boundary: fall back on the bundled list
        errors.append(f"limites de la commune : {exc}")
        return commune_offline(query)


async def _osm(commune: Commune, opts: _Options, result: CollectResult) -> list[Shop]:
    if opts.osm_file is not None:
        parsed = load_osm_file(opts.osm_file)
    else:
        selector = CommuneSelector(nis=commune.nis) if commune.nis else \
            CommuneSelector(name=commune.name)
        answer = await run_query(build_shops_query(selector), opts.http_ctx,
                                 opts.overpass_endpoint)
        parsed = parse_overpass_elements(answer["elements"])
    if parsed.unnamed:
        result.notes.append(f"OpenStreetMap : {parsed.unnamed} commerces sans nom ignorés")
    if parsed.not_commerce:
        result.notes.append(f"OpenStreetMap : {parsed.not_commerce} lieux qui ne sont pas des "
                            "commerces ignorés (écoles, banques, hôtels…)")
    if parsed.skipped:
        result.notes.append(f"OpenStreetMap : {parsed.skipped} éléments mal formés ignorés")
    return parsed.shops


async def _kbo(commune: Commune, opts: _Options, result: CollectResult) -> list[Shop]:
    if opts.kbo_path is None:
        raise UserInputError("indiquez l'extrait BCE/KBO avec --kbo FICHIER.zip")
    location = KboLocation.of(commune.names, opts.postcodes)

    def read() -> list[Shop]:
        with KboExtract(opts.kbo_path) as extract:  # type: ignore[arg-type]
            found = read_kbo(extract, location)
        if found.counts["units without name"]:
            result.notes.append(f"BCE/KBO : {found.counts['units without name']} unités "
                                "sans dénomination ignorées")
        if found.counts["unreadable rows"]:
            result.notes.append(f"BCE/KBO : {found.counts['unreadable rows']} lignes "
                                "illisibles de l'extrait ignorées")
        return found.shops

    return await asyncio.to_thread(read)


async def _places(commune: Commune, opts: _Options, result: CollectResult) -> list[Shop]:
    if not opts.places_key:
        raise UserInputError(f"pas de clé API Google Places ({PLACES_KEY_ENV} non définie)")
    if commune.bbox is None:
        raise UserInputError("limites de la commune inconnues : recherche Google impossible")
    types = default_types()
    if opts.on_estimate is not None:
        opts.on_estimate(*discovery_call_estimate(types))
    async with PlacesClient(opts.places_key, opts.http_ctx, opts.places_budget,
                            opts.places_base_url) as client:
        return await discover_places(client, commune.bbox, types)


async def _csv(commune: Commune, opts: _Options, result: CollectResult) -> list[Shop]:
    if opts.shops_file is None:
        raise UserInputError("indiquez la liste de commerces avec --shops FICHIER")
    imported = read_shop_list(opts.shops_file)
    result.errors.extend(f"{opts.shops_file.name} ligne {e.row_number} : {e.message}"
                         + (" (valeur laissée de côté, commerce gardé)" if e.kept else "")
                         for e in imported.errors)
    return imported.shops


_COLLECTORS = {"osm": _osm, "kbo": _kbo, "places": _places, "csv": _csv}


def _finish(result: CollectResult, records: dict[str, list[Shop]], postcodes: set[str]
            ) -> None:
    commune = result.commune
    postcodes = postcodes | _commune_postcodes(records, commune)
    everything: list[Shop] = []
    for source, shops in records.items():
        result.per_source_counts[source] = len(shops)
        kept, dropped = keep_in_commune(shops, commune.bbox if commune else None, postcodes) \
            if source != "csv" else (shops, 0)  # a hand-made list is trusted as it is
        result.outside_commune += dropped
        everything.extend(kept)
    merged = merge_shops(everything)
    result.shops = merged.shops
    result.overlaps = {"+".join(s for s in KNOWN_SOURCES if s in key): n
                       for key, n in merged.overlaps.most_common()}


def _commune_postcodes(records: dict[str, list[Shop]], commune: Commune | None) -> set[str]:
    """Postcodes of the OSM / Places shops inside the boundary (at least 2 shops each)."""
    shops = records.get("osm", []) + records.get("places", [])
    counts = Counter(s.postcode for s in shops if s.postcode
                     and (commune is None or commune.contains(s.lat, s.lon) is not False))
    return {code for code, n in counts.items() if n >= 2}


def overlap_summary(result: CollectResult) -> list[str]:
    """Plain lines: 'dans kbo mais ni dans osm ni dans places : 12'."""
    sources = [s for s in KNOWN_SOURCES if s in result.per_source_counts]
    lines = []
    for source in sources:
        others = [s for s in sources if s != source]
        only = result.overlaps.get(source, 0)
        if others:
            lines.append(f"dans {source} mais ni dans {' ni dans '.join(others)} : {only}")
    if len(sources) > 1:
        everywhere = result.overlaps.get("+".join(s for s in KNOWN_SOURCES if s in sources), 0)
        lines.append(f"dans toutes les sources : {everywhere}")
    return lines
