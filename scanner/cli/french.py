"""The command line's own texts (click's and typer's help and errors) in French.

click looks its texts up with `gettext` bound at import in each of its modules, and typer's
rich help keeps some as module constants. `install_french()` replaces those look-ups with
our catalogue (data/click_fr.toml): "Show this message and exit." becomes "Affiche cette aide
et quitte.". A text missing from the catalogue is shown in English, as before.
"""

from __future__ import annotations

import gettext
import importlib
import pkgutil
import re
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import typer.rich_utils

CATALOGUE = Path(__file__).parent / "data" / "click_fr.toml"
# click, typer's own copy of click (typer >= 0.24), and typer's help renderer.
TRANSLATED_PACKAGES = ("click", "typer._click")
TRANSLATED_MODULES = ("typer.core", "typer.rich_utils")
SKIPPED_MODULES = ("_winconsole", "__main__", "testing")  # platform-only or not user-facing
RICH_CONSTANTS = ("DEPRECATED_STRING", "DEFAULT_STRING", "ENVVAR_STRING", "REQUIRED_LONG_STRING",
                  "ARGUMENTS_PANEL_TITLE", "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE",
                  "ERRORS_PANEL_TITLE", "ABORTED_TEXT", "RICH_HELP")


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    with open(CATALOGUE, "rb") as handle:
        data = tomllib.load(handle)
    for section in ("messages", "patterns"):
        if not all(isinstance(v, str) for v in data[section].values()):
            raise ValueError(f"{CATALOGUE.name}: every [{section}] entry must be text")
    return data


def french_messages() -> dict[str, str]:
    return dict(_catalogue()["messages"])


def translate_error(text: str) -> str:
    """An error line of typer's own click (no gettext there), through [patterns]."""
    for pattern, french in _catalogue()["patterns"].items():
        match = re.match(pattern, text, re.S)
        if match:
            filled = match.expand(french)
            return filled.replace(" (options proches : )", "")
    return translate(text)


def translate(message: str) -> str:
    return french_messages().get(message, message)


def translate_plural(singular: str, plural: str, count: int) -> str:
    return translate(singular if count == 1 else plural)


def install_french() -> None:
    """Route click's and typer's texts through the French catalogue (idempotent)."""
    for module in _texts_modules():
        if getattr(module, "_", None) is gettext.gettext:
            module._ = translate  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = translate_plural  # type: ignore[attr-defined]
    _wrap_rich_error()
    _wrap_parameter_help()
    _wrap_usage_prefix()
    for name in RICH_CONSTANTS:
        english = getattr(typer.rich_utils, name, None)
        if isinstance(english, str):
            setattr(typer.rich_utils, name, translate(_english_of(english)))


def _wrap_rich_error() -> None:
    """typer prints errors with rich_format_error(exc): translate exc's message first."""
    original = typer.rich_utils.rich_format_error
    if getattr(original, "_french", False):
        return

    def rich_format_error(exc: Any) -> None:
        english = exc.format_message
        exc.format_message = lambda: translate_error(english())
        original(exc)

    rich_format_error._french = True  # type: ignore[attr-defined]
    typer.rich_utils.rich_format_error = rich_format_error  # type: ignore[assignment]


def _wrap_parameter_help() -> None:
    """The --help option's own help text is a plain literal in typer's click."""
    original = typer.rich_utils._get_parameter_help
    if getattr(original, "_french", False):
        return

    def parameter_help(*, param: Any, ctx: Any, markup_mode: Any) -> Any:
        if isinstance(getattr(param, "help", None), str):
            param.help = translate(param.help)
        return original(param=param, ctx=ctx, markup_mode=markup_mode)

    parameter_help._french = True  # type: ignore[attr-defined]
    typer.rich_utils._get_parameter_help = parameter_help


def _wrap_usage_prefix() -> None:
    """typer's click writes a literal "Usage: " when no prefix is given (no gettext there)."""
    for name in ("click.formatting", "typer._click.formatting"):
        try:
            formatter = importlib.import_module(name).HelpFormatter
        except ImportError:  # an older typer without its own click
            continue
        original = formatter.write_usage
        if getattr(original, "_french", False):
            continue

        def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None,
                        _original: Any = original) -> None:
            _original(self, prog, args, prefix if prefix is not None else translate("Usage:") + " ")

        write_usage._french = True  # type: ignore[attr-defined]
        formatter.write_usage = write_usage


def _texts_modules() -> Iterator[ModuleType]:
    """The modules of click and typer that look texts up with gettext (imported by name:
    which ones exist depends on the installed versions)."""
    for name in TRANSLATED_PACKAGES:
        try:
            package = importlib.import_module(name)
        except ImportError:  # an older typer without its own click
            continue
        yield package
        for found in pkgutil.iter_modules(package.__path__, name + "."):
            if not found.name.rsplit(".", 1)[-1].startswith(SKIPPED_MODULES):
                yield sys.modules.get(found.name) or importlib.import_module(found.name)
    for name in TRANSLATED_MODULES:
        yield importlib.import_module(name)


def _english_of(text: str) -> str:
    """The English original of a constant, also when it was already translated."""
    reverse = {french: english for english, french in french_messages().items()}
    return reverse.get(text, text)
