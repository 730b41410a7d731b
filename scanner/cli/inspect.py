"""`smartcommerce inspect`: what the scanner sees on a web site or a saved page.

An address is crawled exactly as a scan crawls it (scanner/gather: robots.txt, redirects checked
hop by hop, encoding rules, SSRF guard, size cap, key pages, rendering of JavaScript-only
sites), then judged by the same probes, so `inspect URL` and a scan of the same site give the
same signals (the Google listing aside: inspect does not query Google).

A saved HTML file is judged alone. Without ``--base-url``, its original address is taken from
``<link rel=canonical>``, ``og:url`` or ``<base href>``, and the command says which.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from selectolax.lexbor import LexborHTMLParser

from core.artifacts import PlacesArtifact, ShopArtifacts, SiteArtifacts
from core.errors import UserInputError
from core.http import HttpContext
from core.network import parse_resolve
from core.shop import Shop
from output.i18n import LANGUAGES, Messages, load_messages
from probes import inspect_artifacts, inspect_html
from probes.evaluation import read_page
from probes.fingerprints import FingerprintError, Technology, load_fingerprints
from scanner.cli.inspect_view import judged_steps, print_steps
from scanner.cli.support import err_console
from scanner.gather.crawler import Crawler
from scanner.gather.settings import CrawlSettings
from scanner.judge import with_sector
from scoring import load_rubric

INSPECT_SHOP_NAME = "inspect"
NO_PLACES_REASON = "inspect : pas de recherche Google"
#: Where a saved page's own address may be written, in the order they are trusted.
BASE_URL_SOURCES = (("link[rel]", "href", "<link rel=canonical>"),
                    ("meta[property]", "content", "og:url"),
                    ("base[href]", "href", "<base href>"))

# Signals shown in the readable summary, labelled as the report labels them (signals.*).
SUMMARY_SIGNALS = (
    "web_presence.language", "web_presence.mobile_viewport", "web_presence.https",
    "web_presence.phone", "web_presence.opening_hours", "web_presence.social_links",
    "web_presence.schema_types", "web_presence.schema_localbusiness",
    "online_ordering.webshop", "online_ordering.platform", "online_ordering.payment_methods",
    "online_ordering.online_booking", "click_and_collect.pickup",
    "click_and_collect.local_delivery", "reviews.review_widgets", "reviews.schema_rating",
)


class InspectError(Exception):
    """A target could not be read or fetched; the message is for the user (French)."""


Fingerprints = dict[str, Technology] | None


def register(app: typer.Typer) -> None:
    """Add the `inspect` command to `app`."""
    app.command("inspect", help="Montre ce que le scanner détecte sur un site web "
                                "(adresse https://) ou une page enregistrée (fichier HTML).")(
        inspect_command)


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
    resolve: Annotated[list[str] | None, typer.Option(
        "--resolve", metavar="HÔTE:PORT:ADRESSE",
        help="Envoie HÔTE:PORT vers ADRESSE, comme curl --resolve (répétable).")] = None,
    rubric_file: Annotated[Path | None, typer.Option(
        "--rubric", help="Grille de score personnalisée (TOML), comme pour scan.")] = None,
    lang: Annotated[str, typer.Option(
        help="Langue du résumé et des niveaux : fr, nl, de, en.")] = "fr",
) -> None:
    """Show what the scanner detects on web sites and saved pages."""
    if lang not in LANGUAGES:
        raise UserInputError(f"langue inconnue : {lang} (choisir parmi {', '.join(LANGUAGES)})")
    messages = load_messages(lang)
    missing = [t for t in targets if not _is_url(t) and not Path(t).is_file()]
    if missing:  # a usage error: nothing is inspected
        raise UserInputError(f"fichier introuvable : {', '.join(missing)}")
    console = Console()
    try:
        techs = load_fingerprints(tuple(str(p) for p in fingerprints)) if fingerprints else None
    except FingerprintError as exc:
        console.print(Text(f"Fichier d'empreintes illisible : {exc}", style="red"))
        raise typer.Exit(2) from exc
    http_ctx = HttpContext(resolve=parse_resolve(resolve or ()) or None,
                           allow_private=allow_private_addresses)
    rubric = load_rubric(str(rubric_file) if rubric_file else None)  # as scan --rubric
    failures = 0
    for target in targets:
        try:
            result = inspect_target(target, base_url, http_ctx, techs)
            result["steps"] = judged_steps(result, rubric, lang)
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
            print_summary(console, result, messages)
    if failures:
        raise typer.Exit(1)


def inspect_target(target: str, base_url: str | None, http_ctx: HttpContext,
                   fingerprints: Fingerprints = None) -> dict[str, Any]:
    """The inspect result of an address (crawled) or a saved file (judged alone)."""
    if _is_url(target):
        result = asyncio.run(inspect_url(target, http_ctx, fingerprints=fingerprints))
    else:
        result = inspect_file(Path(target), base_url, fingerprints)
    result["input"]["target"] = target
    return result


async def inspect_url(url: str, http_ctx: HttpContext, settings: CrawlSettings | None = None,
                      fingerprints: Fingerprints = None) -> dict[str, Any]:
    """Crawl the site at ``url`` as a scan does, then judge it with the probes."""
    shop = Shop(name=INSPECT_SHOP_NAME, website=url)
    async with Crawler(settings or CrawlSettings(), http_ctx) as crawler:
        site = await crawler.crawl_site(shop)
    if site.status != "ok" or site.home is None:
        raise InspectError(site_problem(url, site))
    places = PlacesArtifact(status="not_measured", reason=NO_PLACES_REASON)
    result = inspect_artifacts(with_sector(ShopArtifacts(shop, site, places)), fingerprints)
    result["input"] = {"url": url, "final_url": site.home.final_url,
                       "pages": [page.url for page in site.pages],
                       "bytes": sum(len(p.html.encode("utf-8", "replace")) for p in site.pages)}
    return result


def site_problem(url: str, site: SiteArtifacts) -> str:
    """Why the site could not be judged, in plain French."""
    detail = f" ({site.errors[0].message})" if site.errors else ""
    messages = {
        "refused": f"Adresse refusée (réseau local ou privé) : {url}",
        "blocked_by_robots": f"Le fichier robots.txt du site interdit de lire {url}",
        "unreachable": f"Impossible de joindre {url}{detail}",
        "http_error": f"Le site a répondu par une erreur pour {url}{detail}",
        "social_only": f"Page de réseau social, non analysée : {url}",
    }
    return messages.get(site.status, f"Analyse impossible : {url}{detail}")


def inspect_file(path: Path, base_url: str | None,
                 fingerprints: Fingerprints = None) -> dict[str, Any]:
    """Judge one saved page; its address is --base-url or the one the page gives itself."""
    try:
        html = read_page(path)
    except OSError as exc:
        raise InspectError(f"Fichier illisible : {path} ({exc.strerror})") from exc
    source = "--base-url" if base_url else None
    if base_url is None:
        found = base_url_in_page(html)
        if found is not None:
            base_url, source = found
            err_console.print(f"{escape(str(path))} : adresse d'origine prise de "
                              f"{escape(source)} : {escape(base_url)}", soft_wrap=True)
    result = inspect_html(html, base_url, {}, fingerprints=fingerprints)
    result["input"]["base_url_from"] = source
    return result


def base_url_in_page(html: str) -> tuple[str, str] | None:
    """(address, where it was found) from canonical link, og:url or base href; else None."""
    tree = LexborHTMLParser(html)
    for selector, attribute, label in BASE_URL_SOURCES:
        for node in tree.css(selector):
            if not _names_base(node.attributes, label):
                continue
            value = (node.attributes.get(attribute) or "").strip()
            if _is_url(value):
                return value, label
    return None


def _names_base(attributes: dict[str, str | None], label: str) -> bool:
    if label == "og:url":
        return (attributes.get("property") or "").strip().lower() == "og:url"
    if label == "<link rel=canonical>":
        return "canonical" in (attributes.get("rel") or "").lower().split()
    return True


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def print_summary(console: Console, result: dict[str, Any], messages: Messages) -> None:
    target = result["input"].get("target")
    if "error" in result:
        console.print(Text(f"{target} : {result['error']}", style="red"))
        return
    table = Table(title=escape(str(target)), show_header=False)
    signals, evidence = result["signals"], result["evidence"]
    for key in SUMMARY_SIGNALS:
        proof = evidence.get(key, [{}])[0].get("snippet", "") if evidence.get(key) else ""
        table.add_row(messages(f"signals.{key}"), Text(_plain(messages, signals.get(key))),
                      Text(proof[:80]))
    console.print(table)
    if result.get("steps"):
        print_steps(console, result["steps"], messages)


def _plain(messages: Messages, value: Any) -> str:
    if isinstance(value, bool):
        return messages(f"google_values.{value}")
    if value in (None, [], ""):
        return "—"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
