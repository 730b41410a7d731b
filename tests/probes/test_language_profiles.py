from collections import Counter

import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from probes import language_profiles
from probes.language_profiles import _before_normalising, load_profiles, ngrams, normalised, rows_of

TEXTS = [
    "Bienvenue dans notre boutique : livraison à domicile, retrait en magasin !",
    "HELLO World ABC dEF GhI Ünïcödé ÇA VA l'été 2024 — «test» https://x.com/a b@c.de",
    "Привет мир, это русский текст ABC def [x]_^ Ёлка и ещё немного слов",
    "日本語のテキストとカタカナ、漢字 中文 한국어 텍스트 Tiếng Việt có dấu",
    "ΣΊΣΥΦΟΣ ΚΑΙ ΑΛΛΑ Hello ǅemal İstanbul",
    "  lots   of   spaces\n\nand\ttabs  ", "AB", "a", "",
]


@pytest.fixture(scope="module")
def factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


@pytest.mark.parametrize("text", TEXTS)
def test_same_ngrams_as_langdetect(factory: DetectorFactory, text: str) -> None:
    detector = factory.create()
    detector.append(text)
    detector.cleaning_text()
    theirs = Counter(detector._extract_ngrams())
    profiles = load_profiles()
    mine = Counter(g for g in ngrams(normalised(text, profiles)) if g in profiles.rows)
    assert mine == theirs


@pytest.mark.parametrize("text", [*TEXTS, "𝐀𝐁𝐂 above the BMP: ABC", "ǄEMAL ǅemal İSTANBUL ΣΊΣΥΦΟΣ",
                                  "x\ud800y lone surrogate"])
def test_rows_as_numbers_are_the_rows_of_the_ngrams_in_order(text: str) -> None:
    profiles = load_profiles()
    by_string = [profiles.rows[g] for g in ngrams(normalised(text, profiles)) if g in profiles.rows]
    assert rows_of(_before_normalising(text, profiles), profiles).tolist() == by_string


def test_capital_words_give_only_their_edges() -> None:
    grams = Counter(g for g in ngrams("ab CDE f") if g.strip())
    assert {"C", " C", "E ", "DE "} <= set(grams)
    assert not {"D", "CD", "CDE", "E"} & set(grams)  # inside the word in capitals


@pytest.mark.parametrize(("text", "code"), [
    ("Dit is een winkel in het centrum van de stad, wij verkopen fietsen en onderdelen.", "nl"),
    ("Questo negozio vende biciclette e accessori nel centro della città da molti anni.", "it"),
    ("Этот магазин продаёт велосипеды и запчасти в центре города уже много лет.", "ru"),
    ("Ten sklep sprzedaje rowery i części w centrum miasta od wielu lat.", "pl"),
])
def test_names_the_language(text: str, code: str) -> None:
    assert language_profiles.detect(text) == code
    assert language_profiles.detect(text) == code  # no randomness: same answer every time


def test_nothing_to_go_on() -> None:
    assert language_profiles.detect("12 345 - 67 / 89") is None
