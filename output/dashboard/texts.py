"""The dashboard's words: the report's messages (output/i18n) plus its own `dash.*` keys.

`texts/<lang>.toml` holds only what the report does not say (page names, the compare form…);
steps, levels, sectors and column titles are the report's, so both speak the same words.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from output.i18n import DEFAULT_LANGUAGE, Messages, load_messages, load_table

TEXTS_DIR = Path(__file__).parent / "texts"


def dashboard_table(lang: str) -> dict[str, str]:
    return load_table(lang, TEXTS_DIR)


@cache
def dashboard_messages(lang: str = DEFAULT_LANGUAGE) -> Messages:
    """Report messages and dashboard texts of `lang`, gaps filled from French."""
    table = dict(load_messages(lang).table)
    table.update(dashboard_table(DEFAULT_LANGUAGE))
    table.update(dashboard_table(lang))
    return Messages(lang, table)
