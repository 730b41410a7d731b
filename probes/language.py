"""Language of a page's main content: stopwords when unambiguous, else seeded langdetect.

The stopword shortcut (fast) answers only for a keyword language (probes/data/keywords)
that is clearly ahead of every other one, including the marker words of languages we
have no keyword list for (probes/data/language.toml): a Spanish page full of "de" and
"la" is not French. Text mostly outside the Latin script goes to langdetect directly.
langdetect reports its full set of languages. `<html lang>` is a hint; content wins.
"""

from __future__ import annotations

import re
from collections import Counter

from core.result import Evidence
from probes.document import ParsedPage
from probes.keywords import Keywords
from probes.settings import (
    LANG_DOMINANCE,
    LANG_MIN_STOPWORDS,
    LANG_MIN_STOPWORDS_ALONE,
    LANG_TEXT_CHARS,
    LANGDETECT_CHARS,
    LANGDETECT_SEED,
    load_language_markers,
)

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u024f]")
MIN_TEXT_FOR_LANGDETECT = 40  # characters
MIN_LATIN_SHARE = 0.7  # share of letters in the Latin script for the stopword shortcut


def detect_language(page: ParsedPage, keywords: Keywords) -> tuple[str | None, Evidence | None]:
    text = page.text[:LANG_TEXT_CHARS]
    content, how = _by_stopwords(text, keywords)
    if content is None:
        content, how = _by_langdetect(text), "langdetect"
    code = content or page.lang
    if code is None:
        return None, None
    if content and page.lang and content != page.lang:
        how += f" (content wins over html lang={page.lang})"
    elif not content:
        how = "html lang attribute"
    return code, Evidence(page.url, text[:120] or f'<html lang="{page.lang}">', how)


def _by_stopwords(text: str, keywords: Keywords) -> tuple[str | None, str]:
    words = WORD.findall(text.lower())
    letters = sum(map(len, words))
    if not letters or len(LATIN_LETTER.findall(text)) < MIN_LATIN_SHARE * letters:
        return None, ""
    seen = Counter(words)
    ours = {lang: _count(seen, stop) for lang, stop in keywords.stopwords.items()}
    others = {lang: _count(seen, stop) for lang, stop in load_language_markers().items()}
    top, n1 = max(ours.items(), key=lambda kv: kv[1], default=("", 0))
    n2 = max([n for lang, n in ours.items() if lang != top]
             + [n for lang, n in others.items() if lang != top], default=0)
    clear_winner = n1 >= LANG_MIN_STOPWORDS and n1 >= LANG_DOMINANCE * max(n2, 1)
    short_but_clean = n1 >= LANG_MIN_STOPWORDS_ALONE and n2 == 0  # short page, one language
    if clear_winner or short_but_clean:
        return top, f"stopwords {top}={n1} vs {n2}"
    return None, ""


def _count(seen: Counter[str], stopwords: frozenset[str]) -> int:
    return sum(seen[w] for w in stopwords.intersection(seen))


def _by_langdetect(text: str) -> str | None:
    if len(text) < MIN_TEXT_FOR_LANGDETECT:
        return None
    # langdetect loads ~50 language profiles on first use: imported here, not at start-up
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = LANGDETECT_SEED
    try:
        code = detect(text[:LANGDETECT_CHARS])
    except LangDetectException:
        return None
    return code.split("-")[0] if code and code != "unknown" else None
