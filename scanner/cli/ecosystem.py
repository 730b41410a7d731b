"""``smartcommerce ecosystem``: what the commune offers around its shops (OpenStreetMap)."""

from __future__ import annotations

import asyncio
import json
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from core.errors import UserInputError
from core.http import HttpContext
from output.i18n import load_messages
from scanner.cli.support import handle_errors
from scanner.demo import DEMO_DIR, demo_commune_name, start_demo
from scanner.ecosystem import gather_ecosystem
from sources.commune import find_in_list
from sources.ecosystem import Ecosystem

DEMO_NIS = "99001"
COUNT_LABELS = {
    "parcel_lockers": "casiers à colis", "postal_points": "points poste",
    "car_parks": "parkings", "car_park_capacity": "places de parking (capacité indiquée)",
    "bicycle_parking": "parkings vélo", "charging_stations": "bornes de recharge",
    "pedestrian_streets": "rues piétonnes", "marketplaces": "marchés",
    "attractions": "attractions touristiques", "catchment_areas": "zones d'activité",
    "schools": "écoles et hautes écoles",
    "wifi": "Wi-Fi public",
}


def register(app: typer.Typer) -> None:
    app.command("ecosystem")(handle_errors(ecosystem_command))


def ecosystem_command(
    commune: Annotated[str | None, typer.Option(
        help="Nom (fr, nl ou de) ou code INS de la commune.")] = None,
    osm_file: Annotated[Path | None, typer.Option(
        help="Réponse Overpass (JSON) ou export GeoJSON déjà téléchargé, pris tel quel "
             "comme celui de la commune.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Affiche un objet JSON.")] = False,
    demo: Annotated[bool, typer.Option(
        "--demo", help="La commune de démonstration Bellemarche (hors ligne).")] = False,
) -> None:
    """Inventaire de l'écosystème de la commune dans OpenStreetMap : casiers à colis, poste,
    parkings, rues piétonnes, marchés, attractions, zones d'activité, Wi-Fi public.

    La commune de démonstration (Bellemarche, Schoonmarkt, Schönmarkt, INS 99001) est servie
    hors ligne, avec ou sans --demo."""
    if commune is None and not demo:
        raise UserInputError("indiquez --commune NOM (ou --demo)")
    name = commune or demo_commune_name()
    with ExitStack() as stack:
        http_ctx = HttpContext()
        if osm_file is None and (demo or _is_demo(name)):
            http_ctx = stack.enter_context(start_demo()).http_ctx
        eco = asyncio.run(gather_ecosystem(name, http_ctx, osm_file))
    if as_json:
        typer.echo(json.dumps(eco.to_json(), ensure_ascii=False, indent=1))
    else:
        for line in inventory_lines(eco):
            typer.echo(line)


def _is_demo(name: str) -> bool:
    """The fictional demo commune (NIS 99001 in sources/data/communes.csv, every name)."""
    entry = find_in_list(name)
    return entry is not None and entry.nis == DEMO_NIS and DEMO_DIR.exists()


def inventory_lines(eco: Ecosystem) -> list[str]:
    """The inventory in plain French; zero means none *mapped*, never none on the ground."""
    lines = [f"Commune : {eco.commune}"
             + (f" ({eco.population} habitants)" if eco.population else "")]
    for key, count in eco.counts().items():
        label = COUNT_LABELS.get(key, key)
        text = f"{count}" if count else "aucun(e) cartographié(e) dans OpenStreetMap"
        lines.append(f"  {label} : {text}")
    lines.append("Détail :")
    msg = load_messages("fr")
    for feature in eco.features:
        where = f"{feature.lat:.5f}, {feature.lon:.5f}"
        extra = " (hors commune)" if feature.outside else ""
        if feature.distance_m is not None:
            extra += f", à {feature.distance_m / 1000:.1f} km du centre"
        kind = msg(f"ecosystem.kind.{feature.kind}")
        lines.append(f"  - {kind} : {feature.name or 'sans nom'} [{where}]{extra}")
    return lines
