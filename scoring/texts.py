"""User-facing texts of the data files (rubric, actions, audit template) in every report
language. In the TOML, such a text is a table with one entry per language:

    label = { fr = "Horaires publiés", nl = "Openingsuren vermeld",
              de = "Öffnungszeiten angegeben", en = "Opening hours published" }

`parse_text` fails loudly when a language is missing or empty, so a rubric cannot be
loaded with a text the report could not show in the chosen language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import RubricError

TEXT_LANGUAGES = ("fr", "nl", "de", "en")  # the same as output.i18n.LANGUAGES (tested)


@dataclass(frozen=True, slots=True)
class Text:
    """One text in the four report languages; `fr` is the default."""
    fr: str
    nl: str
    de: str
    en: str

    def in_lang(self, lang: str) -> str:
        """The text in `lang`; French for a language we do not know."""
        return str(getattr(self, lang)) if lang in TEXT_LANGUAGES else self.fr


def parse_text(raw: Any, where: str, field: str) -> Text:
    """A Text from `{fr = "...", nl = "...", de = "...", en = "..."}`, or RubricError."""
    if raw is None:
        raise RubricError(f"{where} : '{field}' manquant.")
    if not isinstance(raw, dict):
        raise RubricError(f"{where} : '{field}' doit donner le texte dans chaque langue "
                          f"({', '.join(TEXT_LANGUAGES)}), par exemple "
                          f"{field} = {{ fr = \"…\", nl = \"…\", de = \"…\", en = \"…\" }}.")
    unknown = sorted(set(raw) - set(TEXT_LANGUAGES))
    if unknown:
        raise RubricError(f"{where} : langue inconnue {unknown[0]!r} dans '{field}' "
                          f"(langues : {', '.join(TEXT_LANGUAGES)}).")
    for lang in TEXT_LANGUAGES:
        if not isinstance(raw.get(lang), str) or not raw[lang].strip():
            raise RubricError(f"{where} : traduction '{lang}' manquante pour '{field}'.")
    return Text(**{lang: raw[lang] for lang in TEXT_LANGUAGES})
