"""Language of a page's main content: script or stopwords when unambiguous, else n-grams.

1. A script only one language writes (Hangul, kana, Greek…; data/language.toml [scripts]).
2. The stopword shortcut (fast): a keyword language (probes/data/keywords) or a marker
   language (data/language.toml [markers]) that is clearly ahead of every other one: a
   Spanish page full of "de" and "la" is not French.
3. Else langdetect's profiles (its full set of ~55 languages) on the first LANGDETECT_CHARS
   characters, as a deterministic naive Bayes over every 1-3-gram of them
   (probes/language_profiles.py; since Dec 2026, instead of langdetect's seeded random
   draws: the same n-grams and smoothing, 4-5 times faster, the same answer on all but 3 of
   the 680 corpus pages).
A language langdetect has no profile for (Galician) is told from the one it names instead
by words only it uses ([distinct]). `<html lang>` is a hint; content wins.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from core.result import Evidence
from probes import language_profiles
from probes.document import ParsedPage
from probes.keywords import Keywords
from probes.settings import (
    LANG_DOMINANCE,
    LANG_MIN_STOPWORDS,
    LANG_MIN_STOPWORDS_ALONE,
    LANG_TEXT_CHARS,
    LANGDETECT_CHARS,
    LanguageData,
    load_language_data,
)

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# UTF-8 bytes of the lower-cased text with every ASCII byte but a letter made a space; bytes
# of other characters (0x80 on) are kept, so the text decodes back whole.
ASCII_LETTERS = string.ascii_letters.encode("ascii")
ASCII_NON_LETTERS_TO_SPACE = bytes(c if chr(c).isalpha() or c >= 0x80 else 0x20
                                   for c in range(256))
LATIN_LETTERS = re.compile(r"[a-zA-Z\u00c0-\u024f]+")  # runs: fewer matches than letters
MIN_TEXT_FOR_LANGDETECT = 40  # characters
DISTINCT_WORDS = 300  # first words of the page searched for a language's own words
MIN_LATIN_SHARE = 0.7  # share of letters in the Latin script for the stopword shortcut


def detect_language(page: ParsedPage, keywords: Keywords) -> tuple[str | None, Evidence | None]:
    text = page.text[:LANG_TEXT_CHARS]
    data = load_language_data()
    words = words_of(text.lower())
    letters = sum(map(len, words))
    content, how = _by_script(text, letters, data) \
        or _by_stopwords(text, words, letters, keywords, data)
    if content is None:
        content, how = _by_langdetect(text), "langdetect"
    if content is not None:
        content, how = _distinct(content, how, words, data)
    code = content or page.lang
    if code is None:
        return None, None
    if content and page.lang and content != page.lang:
        how += f" (content wins over html lang={page.lang})"
    elif not content:
        how = "html lang attribute"
    return code, Evidence(page.url, text[:120] or f'<html lang="{page.lang}">', how)


def words_of(lower: str) -> list[str]:
    """WORD.findall(lower), faster: ASCII separators become spaces in one bytes.translate,
    the text is split on white space, and only a piece that is not all letters ("l’équipe",
    "n°5") goes through the regex (a separator of `str.split` or of the table is one of
    WORD's too, and every letter is a WORD character)."""
    pieces = lower.encode("utf-8", "surrogatepass").translate(ASCII_NON_LETTERS_TO_SPACE) \
        .decode("utf-8", "surrogatepass").split()
    if all(map(str.isalpha, pieces)):
        return pieces
    words: list[str] = []
    for piece in pieces:
        if piece.isalpha():
            words.append(piece)
        else:
            words += WORD.findall(piece)
    return words


def _by_script(text: str, letters: int, data: LanguageData) -> tuple[str, str] | None:
    if not letters or text.isascii():
        return None
    if not _any_script(tuple(data.scripts.values())).search(text):
        return None  # no letter of any of these scripts: every count below would be 0
    for lang, script in data.scripts.items():
        n = sum(map(len, _runs_of(script).findall(text)))
        if n >= data.script_share * letters:
            return lang, f"script {lang}: {n} of {letters} letters"
    return None


@lru_cache(maxsize=8)
def _any_script(scripts: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One character class of every script's letters (each script is "[...]")."""
    return re.compile("[" + "".join(s.pattern[1:-1] for s in scripts) + "]")


@lru_cache(maxsize=64)
def _runs_of(letter: re.Pattern[str]) -> re.Pattern[str]:
    """Runs of a one-letter class: as many letters, far fewer matches."""
    return re.compile(letter.pattern + "+")


def _by_stopwords(text: str, words: list[str], letters: int, keywords: Keywords,
                  data: LanguageData) -> tuple[str | None, str]:
    if not letters or not _mostly_latin(text, letters):
        return None, ""
    index = _stopword_index(tuple({**data.markers, **keywords.stopwords}.items()))
    # Each stopword of the page (a word of one letter never counts: "s" of "Member's", "a"
    # of "A-Z"), with the languages that list it and its occurrences.
    hits = [(index.lists_of[w], n) for w, n in Counter(filter(index.lists_of.__contains__,
                                                             words)).items()]
    totals = [0] * len(index.langs)
    for langs, n in hits:
        for i in langs:
            totals[i] += n
    top = max(range(len(totals)), key=totals.__getitem__)  # the first of equals, as listed
    n1 = totals[top]
    shared = [0] * len(index.langs)  # occurrences of words both `top` and language i list
    for langs, n in hits:
        if top in langs:
            for i in langs:
                shared[i] += n
    # Against each other language, only the words one of the two lacks count: a short
    # word both use ("de", "a", "to") says nothing about which of them the page is in.
    mine, theirs = n1, 0
    for i, total in enumerate(totals):
        if i != top and total:
            own, other = n1 - shared[i], total - shared[i]
            if other * mine > theirs * own or not theirs:  # the closest rival
                mine, theirs = own, other
    lang = index.langs[top]
    clear_winner = n1 >= LANG_MIN_STOPWORDS and mine >= LANG_MIN_STOPWORDS // 2 \
        and mine >= LANG_DOMINANCE * max(theirs, 1)
    short_but_clean = lang in keywords.stopwords and n1 >= LANG_MIN_STOPWORDS_ALONE \
        and theirs == 0 and mine > 0
    if clear_winner or short_but_clean:
        return lang, f"stopwords {lang}={mine} vs {theirs}"
    return None, ""


@dataclass(frozen=True)
class StopwordIndex:
    """Every stopword list at once: which lists hold each word."""

    langs: tuple[str, ...]  # in the order of the lists: the first of equal counts wins
    lists_of: dict[str, tuple[int, ...]]  # word -> indices i of the langs that list it


@lru_cache(maxsize=8)
def _stopword_index(lists: tuple[tuple[str, frozenset[str]], ...]) -> StopwordIndex:
    """The index of `lists` (language, its stopwords), built once; words of one letter left out."""
    members: dict[str, list[int]] = {}
    for i, (_, words) in enumerate(lists):
        for word in words:
            if len(word) != 1:
                members.setdefault(word, []).append(i)
    return StopwordIndex(tuple(lang for lang, _ in lists),
                         {w: tuple(at) for w, at in members.items()})


def _mostly_latin(text: str, letters: int) -> bool:
    """At least MIN_LATIN_SHARE of the `letters` letters of `text` are Latin ones.

    ASCII letters are counted first (bytes.translate, fast): they are Latin, so when they
    are enough the answer is known without counting the others (LATIN_LETTERS)."""
    need = MIN_LATIN_SHARE * letters
    if text.isascii():
        return letters >= need  # every ASCII letter is Latin
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) - len(raw.translate(None, ASCII_LETTERS)) >= need:
        return True
    return sum(map(len, LATIN_LETTERS.findall(text))) >= need


def _distinct(code: str, how: str, words: list[str], data: LanguageData) -> tuple[str, str]:
    """`code`, or the language langdetect cannot name whose own words the page holds."""
    for distinct in data.distinct:
        if code in distinct.instead_of:
            hits = sum(1 for w in words[:DISTINCT_WORDS] if w in distinct.words)
            if hits >= distinct.min_hits:
                return distinct.lang, f"{how}, then {hits} words only {distinct.lang} uses"
    return code, how


def _by_langdetect(text: str) -> str | None:
    """langdetect's profiles, naive Bayes over every n-gram of the sample (deterministic)."""
    if len(text) < MIN_TEXT_FOR_LANGDETECT:
        return None
    code = language_profiles.detect(text[:LANGDETECT_CHARS])
    return code.split("-")[0] if code else None  # "zh-cn" -> "zh"
