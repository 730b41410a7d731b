"""The dashboard's words: the report's messages (output/i18n) plus its own `dash.*` keys.

`texts/<lang>.toml` holds only what the report does not say (page names, the compare form…);
steps, levels, sectors and column titles are the report's, so both speak the same words.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from output.i18n import DEFAULT_LANGUAGE, LANGUAGES, Messages, _flatten, load_messages

TEXTS_DIR = Path(__file__).parent / "texts"


@cache
def dashboard_table(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"Langue inconnue : {lang!r} (choisir parmi {', '.join(LANGUAGES)})")
    with open(TEXTS_DIR / f"{lang}.toml", "rb") as handle:
        return _flatten(tomllib.load(handle))


@cache
def dashboard_messages(lang: str = DEFAULT_LANGUAGE) -> Messages:
    """Report messages and dashboard texts of `lang`, gaps filled from French."""
    table = dict(load_messages(lang).table)
    table.update(dashboard_table(DEFAULT_LANGUAGE))
    table.update(dashboard_table(lang))
    return Messages(lang, table)
