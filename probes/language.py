"""Language of a page's main content: stopword counts, then seeded langdetect.

`<html lang>` is a hint; when it disagrees with the content, the content wins.
"""

from __future__ import annotations

import re
from collections import Counter

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

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
)

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_TEXT_FOR_LANGDETECT = 40  # characters


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
    seen = Counter(WORD.findall(text.lower()))
    counts = {lang: sum(seen[w] for w in words.intersection(seen))
              for lang, words in keywords.stopwords.items()}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked:
        return None, ""
    (top, n1), n2 = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0)
    clear_winner = n1 >= LANG_MIN_STOPWORDS and n1 >= LANG_DOMINANCE * max(n2, 1)
    short_but_clean = n1 >= LANG_MIN_STOPWORDS_ALONE and n2 == 0  # short page, one language
    if clear_winner or short_but_clean:
        return top, f"stopwords {top}={n1} vs {n2}"
    return None, ""


def _by_langdetect(text: str) -> str | None:
    if len(text) < MIN_TEXT_FOR_LANGDETECT:
        return None
    DetectorFactory.seed = LANGDETECT_SEED
    try:
        code = detect(text[:LANGDETECT_CHARS])
    except LangDetectException:
        return None
    return code.split("-")[0] if code and code != "unknown" else None
