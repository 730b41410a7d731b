"""The one way to build a commune's shop list, used by ``scan --commune`` and ``sources``.

    request = ShopListRequest(commune="Habay", sources=("osm", "kbo"), kbo_path=Path("kbo.zip"))
    result = await build_shop_list(request, http_ctx, on_estimate=say_estimate)
    for line in report_lines(result):          # per source, overlaps, outside the commune,
        say(line)                               # notes and problems, in plain French

``read_shops_file`` reads a user's own list (``scan --shops``), one warning per bad row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserInputError
from core.http import HttpContext
from core.shop import Shop
from sources.collect import CollectResult, Estimate, collect_shops, overlap_summary
from sources.csv_list import read_shop_list

SOURCE_LABELS = {"osm": "OpenStreetMap", "kbo": "BCE/KBO", "places": "Google Places",
                 "csv": "liste fournie"}


@dataclass(frozen=True, slots=True)
class ShopListRequest:
    commune: str
    sources: tuple[str, ...] = ("osm",)
    shops_file: Path | None = None  # the user's own list, for the "csv" source
    osm_file: Path | None = None
    kbo_path: Path | None = None
    postcodes: tuple[str, ...] = ()
    places_key: str | None = None
    places_budget: int | None = None


async def build_shop_list(request: ShopListRequest, http_ctx: HttpContext,
                          on_estimate: Estimate | None = None) -> CollectResult:
    """Collect and merge the commune's shops from the requested sources."""
    return await collect_shops(
        request.commune, request.sources, shops_file=request.shops_file,
        osm_file=request.osm_file, kbo_path=request.kbo_path, http_ctx=http_ctx,
        places_key=request.places_key, places_budget=request.places_budget,
        on_estimate=on_estimate, postcodes=request.postcodes)


def report_lines(result: CollectResult, out: Path | None = None) -> list[str]:
    """What the user is told about the list: sources, overlaps, what was dropped and why."""
    commune = result.commune
    lines = [f"Commune : {commune.name} (INS {commune.nis or '?'})" if commune else "Commune : ?"]
    for source, count in result.per_source_counts.items():
        lines.append(f"  {SOURCE_LABELS.get(source, source)} : {count} commerces")
    lines += [f"  {line}" for line in overlap_summary(result)]
    if result.outside_commune:
        lines.append(f"  hors de la commune (écartés) : {result.outside_commune}")
    target = f" -> {out}" if out is not None else ""
    lines.append(f"Total après fusion : {len(result.shops)} commerces{target}")
    lines += [f"  {note}" for note in result.notes]
    lines += [f"Attention : {error}" for error in result.errors]
    return lines


def estimate_line(calls: int, usd: float) -> str:
    return (f"Google Places : au plus {calls} appels facturés (≈ {usd:.2f} USD au prix "
            "catalogue, avant la gratuité mensuelle).")


def read_shops_file(path: Path, say: Callable[[str], None]) -> tuple[list[Shop], str | None]:
    """The shops of a user's CSV/XLSX list and its commune column (when every row gives the
    same); each unreadable row is said and skipped."""
    if not path.exists():
        raise UserInputError(f"fichier introuvable : {path}")
    imported = read_shop_list(path)
    for err in imported.errors:
        outcome = "valeur laissée de côté, commerce gardé" if err.kept else "ligne ignorée"
        say(f"{path.name}, ligne {err.row_number} : {err.message} ({outcome})")
    if not imported.shops:
        raise UserInputError(f"aucun commerce lisible dans {path}")
    return imported.shops, imported.commune


def unique_shops(shops: list[Shop], say: Callable[[str], None] | None = None) -> list[Shop]:
    """One entry per shop id: a line repeated in a list is the same shop."""
    seen: dict[str, Shop] = {}
    for shop in shops:
        seen.setdefault(shop.id, shop)
    if len(seen) < len(shops) and say:
        say(f"{len(shops) - len(seen)} ligne(s) en double ignorée(s)")
    return list(seen.values())
