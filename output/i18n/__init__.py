"""User-facing words of the reports, in French (default), Dutch, German and English.

Each `<lang>.toml` holds the same keys; `load_messages(lang)` flattens them to
"section.key" and fills any gap from French. `python -m pytest tests/output` checks
that every language has every key.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("fr", "nl", "de", "en")
DEFAULT_LANGUAGE = "fr"
I18N_DIR = Path(__file__).parent


class Messages:
    """Look up a message by dotted key; `{name}` placeholders are filled from kwargs."""

    def __init__(self, lang: str, table: dict[str, str]) -> None:
        self.lang = lang
        self.table = table

    def __call__(self, key: str, **values: Any) -> str:
        """`count=1` picks the "<key>_one" variant when there is one (singular)."""
        if values.get("count") == 1 and f"{key}_one" in self.table:
            key = f"{key}_one"
        text = self.table.get(key, key)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.table


@cache
def load_table(lang: str, folder: Path = I18N_DIR) -> dict[str, str]:
    """The flat texts of ``folder/<lang>.toml`` (the report's catalogues by default)."""
    if lang not in LANGUAGES:
        raise ValueError(f"Langue inconnue : {lang!r} (choisir parmi {', '.join(LANGUAGES)})")
    with open(folder / f"{lang}.toml", "rb") as handle:
        return _flatten(tomllib.load(handle))


def load_messages(lang: str = DEFAULT_LANGUAGE) -> Messages:
    table = dict(load_table(DEFAULT_LANGUAGE))
    table.update(load_table(lang))
    return Messages(lang, table)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise ValueError(f"i18n value for {name} must be text")
    return flat
