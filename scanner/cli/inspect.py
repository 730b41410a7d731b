"""`smartcommerce inspect`: what the probes see on one page, for ambassadors and tuners.

The lead wires `register(app)` into the main typer app (scanner/cli/__init__.py).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from core.errors import UserInputError
from probes._runner import inspect_html
from probes.evaluation import read_page
from probes.fingerprints import FingerprintError, load_fingerprints
from scanner.cli.inspect_view import judged_steps, print_steps
from scanner.cli.support import err_console
from scoring import load_rubric

INSPECT_TIMEOUT_S = 15.0
INSPECT_MAX_BYTES = 5 * 1024 * 1024
INSPECT_USER_AGENT = "SmartCommerceScanner/0.1 (+https://github.com/smart-commerce-scanner)"

# Signals shown in the readable summary, with their French label.
SUMMARY_LABELS = {
    "web_presence.language": "Langue", "web_presence.mobile_viewport": "Adapté au mobile",
    "web_presence.https": "HTTPS", "web_presence.phone": "Téléphone",
    "web_presence.opening_hours": "Horaires publiés",
    "web_presence.social_links": "Réseaux sociaux",
    "web_presence.schema_types": "Données structurées",
    "web_presence.schema_localbusiness": "Fiche commerce (schema.org)",
    "online_ordering.webshop": "Boutique en ligne", "online_ordering.platform": "Plateforme",
    "online_ordering.payment_methods": "Paiements en ligne",
    "online_ordering.online_booking": "Réservation en ligne",
    "click_and_collect.pickup": "Retrait en magasin (click & collect)",
    "click_and_collect.local_delivery": "Livraison locale",
    "reviews.review_widgets": "Widgets d'avis", "reviews.schema_rating": "Note affichée",
}


class InspectError(Exception):
    """A target could not be read or fetched; the message is for the user (French)."""


def register(app: typer.Typer) -> None:
    """Add the `inspect` command to `app`."""
    app.command("inspect", help="Montre ce que le scanner détecte sur une page web "
                                "(fichier HTML ou adresse https://).")(inspect_command)


def inspect_command(
    targets: Annotated[list[str], typer.Argument(
        metavar="FICHIER_OU_URL...", help="Fichiers HTML ou adresses web à examiner.")],
    json_output: Annotated[bool, typer.Option("--json", help="Une ligne JSON par page.")] = False,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="Adresse d'origine d'un fichier HTML enregistré.")] = None,
    fingerprints: Annotated[list[Path] | None, typer.Option(
        "--fingerprints", help="Fichier ou dossier d'empreintes en plus.")] = None,
    allow_private_addresses: Annotated[bool, typer.Option(
        "--allow-private-addresses", help="Autorise les adresses locales (tests).")] = False,
) -> None:
    """Show what the scanner detects on web pages."""
    missing = [t for t in targets if not t.lower().startswith(("http://", "https://"))
               and not Path(t).is_file()]
    if missing:  # a usage error: nothing is inspected
        raise UserInputError(f"fichier introuvable : {', '.join(missing)}")
    console = Console()
    try:
        techs = load_fingerprints(tuple(str(p) for p in fingerprints)) if fingerprints else None
    except FingerprintError as exc:
        console.print(Text(f"Fichier d'empreintes illisible : {exc}", style="red"))
        raise typer.Exit(2) from exc
    rubric = load_rubric()
    failures = 0
    for target in targets:
        try:
            html, url, headers = read_target(target, base_url, allow_private_addresses)
            result = inspect_html(html, url, headers, fingerprints=techs)
            result["input"]["target"] = target
            result["steps"] = judged_steps(result, rubric)
        except InspectError as exc:
            failures += 1
            result = {"input": {"target": target}, "error": str(exc)}
            err_console.print(f"[bold red]Erreur :[/] {escape(target)} : {escape(str(exc))}",
                              soft_wrap=True)
            if not json_output:
                continue  # the error line above says it all
        if json_output:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            print_summary(console, result)
    if failures:
        raise typer.Exit(1)


def read_target(target: str, base_url: str | None,
                allow_private: bool) -> tuple[str, str | None, dict[str, str]]:
    if target.lower().startswith(("http://", "https://")):
        return asyncio.run(fetch_page(target, allow_private))
    path = Path(target)
    if not path.is_file():
        raise InspectError(f"Fichier introuvable : {target}")
    try:
        return read_page(path), base_url, {}
    except OSError as exc:
        raise InspectError(f"Fichier illisible : {target} ({exc.strerror})") from exc


async def fetch_page(url: str, allow_private: bool) -> tuple[str, str, dict[str, str]]:
    """A plain GET through the scanner's SSRF guard; at most INSPECT_MAX_BYTES."""
    from core.network import AddressRefused, GuardedTransport

    transport = GuardedTransport(allow_private=allow_private)
    headers = {"User-Agent": INSPECT_USER_AGENT, "Accept": "text/html,*/*;q=0.5"}
    try:
        client = httpx.AsyncClient(transport=transport, timeout=INSPECT_TIMEOUT_S,
                                   follow_redirects=True, headers=headers)
        async with client, client.stream("GET", url) as response:
            body = await _read_capped(response)
            if response.status_code >= 400:
                raise InspectError(f"Le site a répondu {response.status_code} pour {url}")
            text = body.decode(response.encoding or "utf-8", errors="replace")
            return text, str(response.url), {k.lower(): v for k, v in response.headers.items()}
    except AddressRefused as exc:
        raise InspectError(f"Adresse refusée (réseau local ou privé) : {url}") from exc
    except httpx.TimeoutException as exc:
        raise InspectError(f"Le site ne répond pas (délai dépassé) : {url}") from exc
    except httpx.HTTPError as exc:
        raise InspectError(f"Impossible de joindre {url} : {exc}") from exc


async def _read_capped(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > INSPECT_MAX_BYTES:
            raise InspectError(f"Page trop grande (plus de {INSPECT_MAX_BYTES // 1_000_000} Mo)")
        chunks.append(chunk)
    return b"".join(chunks)


def print_summary(console: Console, result: dict[str, Any]) -> None:
    target = result["input"].get("target")
    if "error" in result:
        console.print(Text(f"{target} : {result['error']}", style="red"))
        return
    table = Table(title=escape(str(target)), show_header=False)
    signals, evidence = result["signals"], result["evidence"]
    for key, label in SUMMARY_LABELS.items():
        proof = evidence.get(key, [{}])[0].get("snippet", "") if evidence.get(key) else ""
        table.add_row(label, Text(_plain(signals.get(key))), Text(proof[:80]))
    console.print(table)
    if result.get("steps"):
        print_steps(console, result["steps"])


def _plain(value: Any) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if value in (None, [], ""):
        return "—"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
