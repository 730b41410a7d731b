"""The ``smartcommerce`` command."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import typer

from core.errors import EXIT_FAILED, EXIT_LOW_COVERAGE, UserInputError
from core.network import parse_resolve
from output import FORMATS
from output.i18n import LANGUAGES
from output.store import Store
from scanner.cli.support import err_console, handle_errors, set_debug
from scanner.demo import start_demo
from scanner.pipeline import (
    DEFAULT_DB_URL,
    ScanConfig,
    ScanOutcome,
    check_places_options,
    run_scan,
)

HELP = """Mesure la maturité numérique des commerces d'une commune, étape par étape du
parcours client (présence web, fiche Google, commande en ligne, click & collect, avis),
et pré-remplit l'audit Smart Commerce.

Pour essayer sans internet : smartcommerce scan --demo"""

app = typer.Typer(help=HELP, no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False, rich_markup_mode="rich")

# Each module exposes register(app) and adds its own commands.
COMMAND_MODULES = ("scanner.cli.sources", "scanner.cli.inspect", "scanner.cli.reports")


def _print_version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"smartcommerce {version('smart-commerce-scanner')}")
        except PackageNotFoundError:
            typer.echo("smartcommerce (not installed)")
        raise typer.Exit()


@app.callback()
def _global(
    debug: Annotated[bool, typer.Option(
        "--debug", help="Affiche le détail technique des erreurs.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True, help="Affiche la version.")]
    = False,
) -> None:
    set_debug(debug)


DbOpt = Annotated[str, typer.Option(
    "--db", envvar="SMARTCOMMERCE_DB",
    help="Base d'historique : sqlite:///fichier.db ou postgresql://…")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", help="Dossier du rapport (par défaut ./smartcommerce-out/<nom>-<date>/).")]


ResolveOpt = Annotated[list[str] | None, typer.Option(
    "--resolve", metavar="HÔTE:PORT:ADRESSE",
    help=("Envoie HÔTE:PORT vers ADRESSE, comme curl --resolve (répétable), p. ex. "
          "boulangerie.be:443:203.0.113.7 pour vérifier un site avant le changement de DNS."))]


def _flag(name: str, text: str) -> Any:
    return typer.Option(name, help=text)


@app.command()
@handle_errors
def scan(
    demo: Annotated[bool, _flag("--demo", "Analyse la commune de démonstration (hors ligne).")]
    = False,
    shops: Annotated[Path | None, typer.Option(help=(
        "Liste de commerces (CSV ou XLSX) : colonnes nom/name et site web/website."))] = None,
    commune: Annotated[str | None, typer.Option(help=(
        "Nom ou code INS de la commune. Avec --shops : le nom de la commune du fichier "
        "(pour l'historique et le rapport)."))] = None,
    sources: Annotated[str, typer.Option(help="Sources à combiner : osm,kbo,places,csv.")] = "osm",
    osm_file: Annotated[Path | None, typer.Option(help="Export Overpass JSON ou GeoJSON.")] = None,
    kbo: Annotated[Path | None, typer.Option(help="Extrait BCE/KBO (zip ou dossier).")] = None,
    out: OutOpt = None,
    db: DbOpt = DEFAULT_DB_URL,
    config: Annotated[Path | None, typer.Option(help="Fichier de réglages TOML.")] = None,
    rubric: Annotated[Path | None, typer.Option(help="Grille de score personnalisée (TOML).")]
    = None,
    no_places: Annotated[bool, _flag("--no-places", "N'interroge pas Google Places.")] = False,
    places_budget: Annotated[int | None, typer.Option(
        help="Nombre maximal d'appels Google Places facturés.")] = None,
    places_api: Annotated[str, typer.Option(help=(
        "API Google Places : new (par défaut) ou legacy (anciennes clés)."))] = "new",
    no_render: Annotated[bool, _flag("--no-render", "N'exécute pas le JavaScript des sites.")]
    = False,
    allow_private_addresses: Annotated[bool, _flag(
        "--allow-private-addresses", "Autorise les adresses privées ou locales (tests).")]
    = False,
    resume: Annotated[str | None, typer.Option(help="Reprend l'analyse interrompue SCAN_ID.")]
    = None,
    format: Annotated[str, typer.Option(help="Formats : json,csv,html,xlsx.")]
    = "json,csv,html,xlsx",
    lang: Annotated[str, typer.Option(help="Langue du rapport : fr, nl, de, en.")] = "fr",
    quiet: Annotated[bool, _flag("--quiet", "Pas de barre de progression.")] = False,
    resolve: ResolveOpt = None,
) -> None:
    """Analyse les commerces d'une commune ou d'une liste et écrit le rapport."""
    if sum(x is not None and x is not False for x in (demo or None, shops or commune, resume)) != 1:
        raise UserInputError("choisissez une seule entrée : --demo, --shops (avec ou sans "
                             "--commune), --commune ou --resume")
    if resume:  # the interrupted scan's own settings apply, as with `smartcommerce resume`
        resume_cmd(scan_id=resume, db=db, out=out, quiet=quiet, resolve=resolve)
        return
    _check_report_options(_split(format), lang)
    parse_resolve(resolve or ())
    cfg = ScanConfig(
        shops_file=shops, commune=commune, sources=_split(sources), osm_file=osm_file,
        kbo_path=kbo, out_dir=out, db_url=db, config_file=config,
        rubric_path=str(rubric) if rubric else None, places_budget=places_budget,
        places_api=places_api,
        no_places=no_places, no_render=no_render,
        allow_private_addresses=allow_private_addresses,
        formats=_split(format), lang=lang, quiet=quiet, demo=demo,
        notify=_say,  # findings and skipped rows, even with --quiet
        resolve=tuple(resolve or ()),
    )
    check_places_options(cfg)
    _run(cfg)


@app.command("resume")
@handle_errors
def resume_cmd(
    scan_id: Annotated[str, typer.Argument(help="Identifiant de l'analyse interrompue.")],
    db: DbOpt = DEFAULT_DB_URL,
    out: OutOpt = None,
    quiet: Annotated[bool, _flag("--quiet", "Pas de barre de progression.")] = False,
    resolve: ResolveOpt = None,
) -> None:
    """Reprend une analyse interrompue là où elle s'est arrêtée."""
    parse_resolve(resolve or ())
    store = Store(db)
    try:
        scan_row = store.get_scan(scan_id)
    finally:
        store.close()
    if scan_row is None:
        raise UserInputError(f"analyse inconnue : {scan_id}")
    recorded = scan_row.get("settings") or {}
    cfg = ScanConfig(db_url=db, out_dir=out, quiet=quiet, resume_scan_id=scan_row["id"],
                     notify=_say)
    for key, value in recorded.items():
        if hasattr(cfg, key) and value is not None:
            if key in ("shops_file", "osm_file", "kbo_path", "config_file"):
                value = Path(value)
            elif isinstance(value, list):
                value = tuple(value)
            setattr(cfg, key, value)
    cfg.resolve = (*cfg.resolve, *(resolve or ()))  # the recorded ones, then the new ones
    _run(cfg)


def _run(cfg: ScanConfig) -> None:
    with ExitStack() as stack:
        if cfg.demo:
            demo = stack.enter_context(start_demo())
            cfg.http_ctx = demo.http_ctx
            cfg.places_api_key = demo.places_api_key
            cfg.commune = cfg.commune or demo.commune
            cfg.crawl_overrides = {**demo.crawl_overrides, **cfg.crawl_overrides}
        outcome: ScanOutcome = asyncio.run(run_scan(cfg))
    err_console.print(outcome.summary, markup=False, soft_wrap=True)
    html = outcome.reports.get("html")
    typer.echo(str(html.resolve()) if html else str(outcome.out_dir.resolve()))
    if outcome.shops_done < outcome.shops_total:
        raise typer.Exit(EXIT_FAILED)
    if outcome.low_coverage:
        raise typer.Exit(EXIT_LOW_COVERAGE)


def _check_report_options(formats: tuple[str, ...], lang: str) -> None:
    """Refuse bad --format / --lang before scanning, not after an hour of work."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserInputError(f"format inconnu : {', '.join(unknown) or '(vide)'} "
                             f"(possibles : {', '.join(FORMATS)})")
    if lang not in LANGUAGES:
        raise UserInputError(f"langue inconnue : {lang} (possibles : {', '.join(LANGUAGES)})")


def _say(message: str) -> None:
    """A message for the user on stderr; shop names and file rows are never read as markup."""
    err_console.print(message, markup=False, soft_wrap=True)


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())
