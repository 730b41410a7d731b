"""Commands for reports and tracking: report, diff, history, rescan.

`register(app)` adds them to the `smartcommerce` typer app (scanner/cli/__init__.py calls it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.errors import EXIT_FAILED
from core.steps import STEP_LABELS_FR, STEPS
from output import write_reports
from output._db import DB_URL_ENV, DEFAULT_DB_URL, StoreError, redact
from output._format import Formatter
from output.diff import diff_scans
from output.history import commune_history, commune_references, find_commune, scan_list
from output.store import Store
from scanner.cli.support import fail
from scanner.rescan import RescanError, load_plan, run_plan

out_console = Console(highlight=False)
CHANGE_MARKS = {1: " ↑", -1: " ↓", 0: " =", None: ""}
DEFAULT_OUT_ROOT = Path("smartcommerce-out")

DbOpt = Annotated[str, typer.Option(
    "--db", envvar=DB_URL_ENV, help="Base d'historique : sqlite:///fichier.db ou postgresql://…")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Sortie JSON (pour d'autres outils).")]


_fail = fail  # one error line, the same for every command (scanner/cli_support.py)


def _open_store(db: str) -> Any:
    try:
        return Store(db)
    except StoreError as exc:
        raise _fail(str(exc), EXIT_FAILED) from None


def report(
    scan_id: Annotated[str, typer.Argument(help="Identifiant du scan, ou « latest ».")] = "latest",
    commune: Annotated[str | None, typer.Option(help="Avec « latest » : le dernier scan de "
                                                     "cette commune.")] = None,
    format: Annotated[str, typer.Option(help="Formats : html,xlsx,csv,json.")]
    = "html,xlsx,csv,json",
    out: Annotated[Path | None, typer.Option(
        help="Dossier où écrire les fichiers (par défaut ./smartcommerce-out/<scan>/).")] = None,
    lang: Annotated[str, typer.Option(help="Langue : fr, nl, de, en.")] = "fr",
    db: DbOpt = DEFAULT_DB_URL,
) -> None:
    """Réécrit le rapport d'un scan déjà fait (HTML, classeur d'audit, CSV, JSON)."""
    store = _open_store(db)
    try:
        scan = store.get_scan(scan_id, commune)
        if scan is None:
            where = f" pour {commune}" if commune else ""
            raise _fail(f"aucun scan « {scan_id} »{where} dans {_safe(db)}")
        formats = tuple(f.strip() for f in format.split(",") if f.strip())
        target = out or DEFAULT_OUT_ROOT / scan["id"]
        written = write_reports(store, scan["id"], target, formats=formats, lang=lang)
    except (ValueError, StoreError) as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    for path in written.values():
        typer.echo(str(path.resolve()))


def diff(
    scan_a: Annotated[str | None, typer.Argument(
        help="Scan de départ (identifiant, voir « smartcommerce scans »).")] = None,
    scan_b: Annotated[str | None, typer.Argument(
        help="Scan d'arrivée (identifiant ou « latest »).")] = None,
    commune: Annotated[str | None, typer.Option(
        help="Sans identifiants : compare les deux derniers scans de cette commune.")] = None,
    as_json: JsonOpt = False,
    db: DbOpt = DEFAULT_DB_URL,
) -> None:
    """Compare deux scans : commerces qui progressent ou reculent, nouveaux, disparus, fermés."""
    store = _open_store(db)
    try:
        scan_a, scan_b = _diff_pair(store, scan_a, scan_b, commune)
        result = diff_scans(store, scan_a, scan_b)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_diff(result)


def history(
    commune: Annotated[str, typer.Option(help="Nom de la commune, tel qu'utilisé au scan.")],
    as_json: JsonOpt = False,
    db: DbOpt = DEFAULT_DB_URL,
) -> None:
    """Évolution de chaque étape du parcours au fil des scans d'une commune."""
    store = _open_store(db)
    try:
        commune = find_commune(store, commune)
        rows = commune_history(store, commune)
        benchmarks = commune_references(store, commune)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    if not rows:
        raise _fail(f"aucun scan terminé pour « {commune} » dans {_safe(db)}")
    if as_json:
        typer.echo(json.dumps({"commune": commune, "scans": rows, "references": benchmarks},
                              ensure_ascii=False, indent=2))
        return
    _print_history(commune, rows)
    _print_references(benchmarks)


def scans(
    commune: Annotated[str | None, typer.Option(
        help="Seulement les scans de cette commune (majuscules et accents ignorés).")] = None,
    as_json: JsonOpt = False,
    db: DbOpt = DEFAULT_DB_URL,
) -> None:
    """Liste les scans enregistrés : identifiant, commune, date et heure, commerces, couverture."""
    store = _open_store(db)
    try:
        rows = scan_list(store, find_commune(store, commune) if commune else None)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps({"scans": rows}, ensure_ascii=False, indent=2))
        return
    _print_scans(rows)


def rescan(
    config: Annotated[Path, typer.Argument(help="Fichier TOML listant les communes à refaire.")],
    db: DbOpt = DEFAULT_DB_URL,
    quiet: Annotated[bool, typer.Option(help="Pas de barre de progression.")] = False,
) -> None:
    """Refait les scans de plusieurs communes (incrémental, reprend un scan interrompu)."""
    try:
        plan = load_plan(config)
        outcomes = run_plan(plan, db, quiet=quiet or not sys.stderr.isatty())
    except RescanError as exc:
        raise _fail(str(exc)) from None
    _print_rescan(outcomes)
    if not all(o.ok for o in outcomes):
        raise typer.Exit(EXIT_FAILED)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("diff")(diff)
    app.command("history")(history)
    app.command("scans")(scans)
    app.command("rescan")(rescan)


# -- printing -------------------------------------------------------------------------------
def _print_diff(result: dict[str, Any]) -> None:
    a, b = result["scan_a"], result["scan_b"]
    out_console.print(f"[bold]{esc(a['label'])}[/] ({esc(a['id'])}) → "
                      f"[bold]{esc(b['label'])}[/] ({esc(b['id'])})")
    table = Table("Étape", "Progressé", "Reculé", "Exemples")
    for step in STEPS:
        changes = result["steps"][step]
        names = [f"↑ {esc(c['name'])} ({c['from']}→{c['to']})" for c in changes["improved"][:3]]
        names += [f"↓ {esc(c['name'])} ({c['from']}→{c['to']})"
                  for c in changes["regressed"][:3]]
        table.add_row(STEP_LABELS_FR[step], str(len(changes["improved"])),
                      str(len(changes["regressed"])), "\n".join(names) or "–")
    out_console.print(table)
    for key, title in (("new", "Nouveaux commerces"), ("gone", "Commerces disparus"),
                       ("closed", "Fermés définitivement (Google)")):
        listed = ", ".join(esc(s["name"]) for s in result[key][:10]) or "–"
        more = f" (+{len(result[key]) - 10})" if len(result[key]) > 10 else ""
        out_console.print(f"[bold]{title} : {len(result[key])}[/] {listed}{more}", markup=True)


def _print_history(commune: str, rows: list[dict[str, Any]]) -> None:
    fmt = Formatter("fr")
    title = (f"Évolution de {esc(commune)} (score moyen · part basique ou mieux · couverture ; "
             "↑ ↓ = part basique en hausse ou en baisse depuis le scan précédent)")
    table = Table("Étape", *[f"{fmt.datetime(r['started_at'])}\n{esc(r['id'])}" for r in rows],
                  title=title)
    for step in STEPS:
        cells = [" · ".join((fmt.num(r["steps"][step]["mean"]),
                             fmt.pct(r["steps"][step]["share_basic"]),
                             fmt.pct(r["steps"][step]["coverage"])))
                 + CHANGE_MARKS[r["steps"][step]["change"]] for r in rows]
        table.add_row(STEP_LABELS_FR[step], *cells)
    table.add_row("Commerces", *[str(r["shops"]) for r in rows])
    out_console.print(table)


def _print_references(rows: list[dict[str, Any]]) -> None:
    """The published benchmarks beside the latest scan, clearly apart from our own figures."""
    if not rows:
        return
    fmt = Formatter("fr")
    table = Table("Question", "Commune\n(dernier scan)", "Repère publié", "Année", "Source",
                  title="Repères publiés : chiffres d'autres études, sur d'autres entreprises "
                        "et d'autres années. Un repère, pas une mesure de la commune.")
    for row in rows:
        share = row["kind"] in ("share", "share_level")
        shown = fmt.pct if share else lambda value: fmt.num(value, 1)
        ours = "—" if row["value"] is None else f"{shown(row['value'])} (sur {row['shops']})"
        reference = row["reference"]
        note = f"\n[dim]{esc(reference['note'])}[/]" if reference.get("note") else ""
        table.add_row(esc(row["question"]), ours, shown(reference["value"]),
                      str(reference["year"]), esc(reference["source"]) + note)
    out_console.print(table)


def _print_scans(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out_console.print("Aucun scan enregistré.")
        return
    fmt = Formatter("fr")
    table = Table("Identifiant", "Commune", "Date et heure", "Commerces",
                  "Couverture (moyenne des étapes)", "État", title="Scans enregistrés")
    for r in rows:
        table.add_row(esc(r["id"]), esc(r["commune"] or f"({r['label']})"),
                      fmt.datetime(r["started_at"]), str(r["shops"]), fmt.pct(r["coverage"]),
                      "terminé" if r["status"] == "finished" else "inachevé")
    out_console.print(table, soft_wrap=True)


def _diff_pair(store: Any, scan_a: str | None, scan_b: str | None,
               commune: str | None) -> tuple[str, str]:
    """The two scan ids to compare: given, or the last two finished scans of `commune`."""
    if scan_a and scan_b:
        return scan_a, scan_b
    if not commune:
        raise StoreError("donnez deux identifiants de scan (voir « smartcommerce scans ») "
                         "ou --commune NOM")
    name = find_commune(store, commune)
    finished = [s["id"] for s in store.list_scans(name) if s["status"] == "finished"]
    if len(finished) < 2:
        raise StoreError(f"il faut deux scans terminés de {name} pour comparer")
    return finished[-2], finished[-1]


def _print_rescan(outcomes: list[Any]) -> None:
    table = Table("Commune", "Résultat", "Commerces", "Erreurs", "Scan", "Rapport / message",
                  title="Mise à jour des communes")
    for o in outcomes:
        status = "[green]ok[/]" if o.ok else "[red]échec[/]"
        if o.resumed:
            status += " (repris)"
        table.add_row(esc(o.name), status, f"{o.shops_done}/{o.shops_total}", str(o.errors),
                      o.scan_id or "–", esc(o.message or o.out_dir or "–"))
    out_console.print(table)


def _safe(db: str) -> str:
    return redact(db) if "://" in db else db


def esc(value: Any) -> str:
    """Shop names and labels come from websites and files: never read them as rich markup."""
    return escape(str(value))
