"""``smartcommerce serve``: the territory dashboard over the history store (read-only).

Safe by default: it listens on this computer only (127.0.0.1). Any other address makes it
reachable from the network, so it then needs an access token (``--token`` or
SMARTCOMMERCE_TOKEN); without one the command refuses to start (exit 2).
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from core.errors import EXIT_FAILED
from output._db import DB_URL_ENV, DEFAULT_DB_URL, StoreError
from output.dashboard import create_app
from output.i18n import DEFAULT_LANGUAGE, LANGUAGES
from output.store import Store
from scanner.cli.support import err_console, fail

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TOKEN_ENV = "SMARTCOMMERCE_TOKEN"
MIN_TOKEN_LENGTH = 16
LOCAL_NAMES = frozenset({"localhost"})
TOKEN_HINT = 'python3 -c "import secrets; print(secrets.token_urlsafe(24))"'


def is_local_host(host: str) -> bool:
    """True for addresses only this computer can reach (loopback)."""
    if host.strip().lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None) -> str | None:
    """The one-line reason to refuse starting, or None."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        return (f"le jeton d'accès doit compter au moins {MIN_TOKEN_LENGTH} caractères "
                f"(par exemple : {TOKEN_HINT})")
    if not is_local_host(host) and not token:
        return (f"--host {host} rend le tableau de bord visible sur le réseau : donnez aussi "
                f"--token JETON (ou la variable {TOKEN_ENV}), par exemple : {TOKEN_HINT}")
    return None


def serve(
    db: Annotated[str, typer.Option(
        "--db", envvar=DB_URL_ENV, help="Base d'historique : sqlite:///fichier.db ou "
                                        "postgresql://…")] = DEFAULT_DB_URL,
    host: Annotated[str, typer.Option(
        help="Adresse d'écoute. 127.0.0.1 : cet ordinateur seulement ; toute autre adresse "
             "exige --token.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port d'écoute.", min=1, max=65535)] = DEFAULT_PORT,
    token: Annotated[str | None, typer.Option(
        envvar=TOKEN_ENV, show_envvar=True,
        help="Jeton d'accès exigé à chaque requête (en-tête « Authorization: Bearer … », ou "
             "une fois « ?token=… » dans le navigateur).")] = None,
    lang: Annotated[str, typer.Option(help="Langue par défaut : fr, nl, de, en.")]
    = DEFAULT_LANGUAGE,
) -> None:
    """Tableau de bord du territoire : communes, commerces, évolution d'un scan à l'autre."""
    refusal = check_exposure(host, token or None)
    if refusal:
        raise fail(refusal)
    if lang not in LANGUAGES:
        raise fail(f"langue inconnue : {lang} (choisir parmi {', '.join(LANGUAGES)})")
    # Imported here: the web server is only needed by this command (keeps the others quick).
    import uvicorn

    try:
        store = Store(db)
    except StoreError as exc:
        raise fail(str(exc), EXIT_FAILED) from None
    shown_host = f"[{host}]" if ":" in host else host
    err_console.print(f"Tableau de bord : http://{shown_host}:{port}/"
                      + (" (jeton exigé : ajoutez ?token=… la première fois)" if token else "")
                      + " · Ctrl+C pour arrêter", markup=False, soft_wrap=True)
    try:
        uvicorn.run(create_app(store, token=token or None, default_lang=lang), host=host,
                    port=port, log_level="warning", server_header=False, access_log=False)
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
