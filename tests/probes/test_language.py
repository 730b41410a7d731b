from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from probes.keywords import load_keywords
from probes.language import (
    LATIN_LETTERS,
    MIN_LATIN_SHARE,
    WORD,
    _by_stopwords,
    _mostly_latin,
    words_of,
)
from probes.settings import (
    LANG_DOMINANCE,
    LANG_MIN_STOPWORDS,
    LANG_MIN_STOPWORDS_ALONE,
    load_language_data,
)

PIECES = ["de", "la", "the", "and", "het", "een", "und", "der", "el", "los", "o", "a", "é",
          "l’", "été", "n°5", "x_y", "2024", "'", "-", " ", "\u00a0", "\n", "²", "½", "ǅ",
          "İ", "ß", "ſ", "Привет", "и", "日本", "٣", "\ud800", ".", "…", "«", "»"]


@settings(max_examples=300, deadline=None)
@example(["l’", "été", " ", "n°5", "x_y"])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_words_as_the_regex_finds_them(parts: list[str]) -> None:
    lower = "".join(parts).lower()
    assert words_of(lower) == WORD.findall(lower)


def _by_stopwords_with_sets(text: str, words: list[str]) -> tuple[str | None, str]:
    """The stopword shortcut written plainly, one set intersection per language and pair."""
    letters = sum(map(len, words))
    latin = sum(map(len, LATIN_LETTERS.findall(text)))
    if not letters or latin < MIN_LATIN_SHARE * letters:
        return None, ""
    seen = Counter(w for w in words if len(w) != 1)
    stopwords = load_keywords().stopwords
    lists = {**load_language_data().markers, **stopwords}
    totals = {lang: sum(seen[w] for w in stop) for lang, stop in lists.items()}
    top = max(totals, key=totals.__getitem__)
    mine, theirs = totals[top], 0
    for lang, stop in lists.items():
        if lang != top and totals[lang]:
            own = sum(seen[w] for w in lists[top] - stop)
            other = sum(seen[w] for w in stop - lists[top])
            if other * mine > theirs * own or not theirs:
                mine, theirs = own, other
    n1 = totals[top]
    if (n1 >= LANG_MIN_STOPWORDS and mine >= LANG_MIN_STOPWORDS // 2
            and mine >= LANG_DOMINANCE * max(theirs, 1)) or (
            top in stopwords and n1 >= LANG_MIN_STOPWORDS_ALONE and theirs == 0 and mine > 0):
        return top, f"stopwords {top}={mine} vs {theirs}"
    return None, ""


@pytest.mark.parametrize("text", [
    "De winkel is open en de fiets staat in het centrum van de stad, met een korting voor "
    "de klanten die het eerst komen en de onderdelen van het merk.",
    "Le magasin est ouvert et la boutique se trouve dans le centre de la ville, avec les "
    "vélos et les pièces pour les clients qui sont là.",
    "El negocio y los clientes de la ciudad, con las bicicletas para todos los que están.",
    "O negócio e os clientes da cidade, com as bicicletas para todos os que não estão.",
    "The shop and the bikes are in the centre of the town and open to all of the people.",
    "de la de la de la the and the and",  # two languages close together: no shortcut
    "Привет мир, это русский текст и ещё немного слов de la",  # not mostly Latin
    "", "a b c", "Die Räder und die Teile der Marke für den Laden in der Stadt.",
])
@pytest.mark.parametrize("times", [1, 3])
def test_stopword_shortcut_as_with_one_set_per_language(text: str, times: int) -> None:
    text *= times  # three times: long enough for the shortcut to decide
    data, keywords = load_language_data(), load_keywords()
    words = WORD.findall(text.lower())
    letters = sum(map(len, words))
    assert _by_stopwords(text, words, letters, keywords, data) == \
        _by_stopwords_with_sets(text, words)


@pytest.mark.parametrize(("text", "lang"), [
    ("Le magasin est ouvert et la boutique se trouve dans le centre de la ville. ", "fr"),
    ("El negocio y los clientes de la ciudad, con las bicicletas para todos los que. ", "es"),
])
def test_stopword_shortcut_names_a_clear_winner(text: str, lang: str) -> None:
    words = WORD.findall((text * 3).lower())
    found = _by_stopwords(text * 3, words, sum(map(len, words)), load_keywords(),
                          load_language_data())
    assert found[0] == lang


@pytest.mark.parametrize("text", ["plain ascii", "été à Liège", "Привет мир abc",
                                  "ab Привет", "Ⅻ ǅemal ΣΊΣΥΦΟΣ x", ""])
def test_latin_share_as_counted_letter_by_letter(text: str) -> None:
    letters = sum(map(len, WORD.findall(text.lower())))
    latin = sum(map(len, LATIN_LETTERS.findall(text)))
    assert _mostly_latin(text, letters) == (latin >= MIN_LATIN_SHARE * letters)
