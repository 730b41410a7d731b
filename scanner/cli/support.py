"""Shared command-line plumbing: one clear error line, documented exit codes, --debug."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from core.errors import EXIT_FAILED, EXIT_USAGE, SmartCommerceError

F = TypeVar("F", bound=Callable[..., Any])
DEBUG_ENV = "SMARTCOMMERCE_DEBUG"
err_console = Console(stderr=True, highlight=False)


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV) == "1"


def set_debug(enabled: bool) -> None:
    if enabled:
        os.environ[DEBUG_ENV] = "1"
    logging.basicConfig(
        level=logging.DEBUG if enabled else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "asyncio", "hpack", "urllib3"):
        # Request lines may carry secrets in URLs: keep the HTTP libraries quiet.
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print one error line; the message is plain text (paths, names, « [crawl] »), never
    read as Rich markup."""
    err_console.print(f"[bold red]Erreur :[/] {escape(message)}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Turn exceptions into one error line and an exit code; traceback only with --debug."""

    if getattr(fn, "_handles_errors", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except SmartCommerceError as exc:
            if debug_enabled():
                err_console.print_exception()
            raise fail(str(exc), exc.exit_code) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            if debug_enabled():
                err_console.print_exception()
            raise fail(f"{exc.strerror}: {exc.filename}", EXIT_USAGE) from None
        except OSError as exc:  # full disk, broken pipe...
            if debug_enabled():
                err_console.print_exception()
            where = f" ({exc.filename})" if exc.filename else ""
            raise fail(f"erreur système : {exc.strerror or exc}{where}", EXIT_FAILED) from None
        except KeyboardInterrupt:
            raise fail("interrompu ; reprenez avec « smartcommerce resume SCAN_ID »", 130) \
                from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if debug_enabled():
                err_console.print_exception()
            first_line = next(iter(str(exc).splitlines()), "")
            raise fail(f"erreur inattendue ({type(exc).__name__}) : {first_line}. "
                       "Relancez avec --debug pour le détail.", EXIT_FAILED) from None

    wrapper._handles_errors = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def guard_all_commands(app: typer.Typer) -> None:
    """Give every registered command the same error handling (plugins included)."""
    for command in app.registered_commands:
        callback = command.callback
        if callback is not None and not getattr(callback, "_handles_errors", False):
            command.callback = handle_errors(callback)
            command.callback._handles_errors = True  # type: ignore[attr-defined]
