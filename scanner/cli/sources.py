"""``smartcommerce sources``: build a commune's shop list without scanning it."""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from core.env import PLACES_KEY_ENV
from core.http import HttpContext
from scanner.cli.support import handle_errors
from scanner.demo import start_demo
from scanner.shop_list import ShopListRequest, build_shop_list, estimate_line, report_lines
from sources.csv_list import write_shop_list

DEFAULT_OUT = Path("shops.csv")


def register(app: typer.Typer) -> None:
    app.command("sources")(handle_errors(sources_command))


def sources_command(
    commune: Annotated[str, typer.Option(help="Nom (fr, nl ou de) ou code INS de la commune.")],
    sources: Annotated[str, typer.Option(
        help="Sources à combiner, séparées par des virgules : osm,kbo,places,csv.")] = "osm",
    shops: Annotated[Path | None, typer.Option(
        help="Votre liste de commerces (CSV ou XLSX), pour la source csv.")] = None,
    osm_file: Annotated[Path | None, typer.Option(
        help="Export OpenStreetMap déjà téléchargé (Overpass JSON ou GeoJSON).")] = None,
    kbo: Annotated[Path | None, typer.Option(
        help="Extrait BCE/KBO (zip ou dossier), pour la source kbo.")] = None,
    postcode: Annotated[list[str] | None, typer.Option(
        help="Code postal de la commune (répétable), pour trouver ses commerces dans la BCE.")]
    = None,
    places_budget: Annotated[int | None, typer.Option(
        help="Nombre maximal d'appels Google Places facturés.")] = None,
    out: Annotated[Path, typer.Option(help="Fichier CSV à écrire.")] = DEFAULT_OUT,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Utilise les serveurs de démonstration (hors ligne).")] = False,
) -> None:
    """Rassemble les commerces d'une commune (OpenStreetMap, BCE, Google, votre liste),
    fusionne les doublons et écrit la liste dans un fichier CSV."""
    wanted = tuple(s.strip() for s in sources.split(",") if s.strip())
    with ExitStack() as stack:
        http_ctx, key = HttpContext(), os.environ.get(PLACES_KEY_ENV)
        if demo:
            running = stack.enter_context(start_demo())
            http_ctx, key = running.http_ctx, running.places_api_key
        request = ShopListRequest(
            commune, wanted, shops_file=shops, osm_file=osm_file, kbo_path=kbo,
            postcodes=tuple(postcode or ()), places_key=key, places_budget=places_budget)
        result = asyncio.run(build_shop_list(request, http_ctx, on_estimate=_print_estimate))
    write_shop_list(result.shops, out, commune=getattr(result.commune, "name", None))
    for line in report_lines(result, out):
        typer.echo(line)


def _print_estimate(calls: int, usd: float) -> None:
    typer.echo(estimate_line(calls, usd))
