import re
import shutil

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.text import case_folded
from probes.keywords import (
    KEYWORDS_DIR,
    SCAN_LIMIT,
    SNIPPET_RADIUS,
    TEXT_CATEGORIES,
    KeywordError,
    KeywordHit,
    _sentence,
    load_keywords,
)


def test_negative_context_cancels_only_its_own_sentence():
    kw = load_keywords()
    assert kw.find("pickup", "Pas de retrait en magasin le dimanche.") == []
    text = "Retrait en magasin dès demain. Attention : pas de retrait le dimanche."
    assert [h.term for h in kw.find("pickup", text)] == ["Retrait en magasin"]
    assert kw.find("pickup", "Er is geen afhaling op zondag.") == []
    assert kw.find("pickup", "Keine Abholung im Geschäft möglich.") == []
    assert [h.term.lower() for h in kw.find("pickup", "Abholung im Geschäft ist gratis.")] == [
        "abholung im geschäft"]


def test_terms_match_whole_words_in_all_languages():
    kw = load_keywords()
    assert kw.matches_label("add_to_cart", "In den Warenkorb")
    assert kw.matches_label("add_to_cart", "Toevoegen aan winkelwagen")
    assert kw.matches_label("add_to_cart", "Add to basket")
    assert not kw.matches_label("cart", "Cartoon origami")
    assert kw.categories["cart"].url_regex.search("/mon_panier.php")
    assert not kw.categories["cart"].url_regex.search("/cartoons/")


def test_scan_groups_hits_by_category():
    hits = load_keywords().scan("Click & collect possible. Livraison à domicile le samedi.")
    assert [h.term for h in hits["pickup"]] == ["Click & collect"]
    assert [h.term for h in hits["local_delivery"]] == ["Livraison à domicile"]


def _copy(tmp_path):
    target = tmp_path / "kw"
    shutil.copytree(KEYWORDS_DIR, target)
    return target


def test_unknown_category_fails(tmp_path):
    folder = _copy(tmp_path)
    (folder / "fr.toml").write_text((folder / "fr.toml").read_text() + '\n[typo]\nterms = ["x"]\n')
    with pytest.raises(KeywordError, match="typo"):
        load_keywords(str(folder))


def test_empty_terms_fail(tmp_path):
    folder = _copy(tmp_path)
    (folder / "en.toml").write_text('language = "en"\nstopwords = ["the"]\n[cart]\nterms = []\n')
    with pytest.raises(KeywordError, match="terms"):
        load_keywords(str(folder))


def plain_scan(text, limit=SCAN_LIMIT):
    """Keywords.scan as it was written first: text_regex over the whole lower-cased text."""
    kw = load_keywords()
    hits = {category: [] for category in TEXT_CATEGORIES}
    lower = text.lower()
    if len(lower) != len(text):
        text = lower
    for m in kw.text_regex.finditer(lower):
        found = hits[m.lastgroup]
        if len(found) >= limit:
            continue
        negative = kw.categories[m.lastgroup].negative
        if negative and negative.search(_sentence(text, m.start(), m.end())):
            continue
        lo = max(0, m.start() - SNIPPET_RADIUS)
        found.append(KeywordHit(m.lastgroup, text[m.start():m.end()],
                                text[lo:m.end() + SNIPPET_RADIUS]))
    return hits


@given(st.lists(st.sampled_from(["retrait", " en ", "magasin", "click", " & ", "collect",
                                 "livraison", "à domicile", "ouvert", "lundi", "x", " ", "-",
                                 "afhalen", "in de winkel", "abholung", "rue", "é", "9h",
                                 "RETRAIT", "À DOMICILE", "İ", "K", "ſ", "€", "Σ", "?"]),
                max_size=30).map("".join), st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_text_scan_finds_what_a_full_regex_scan_finds(text, limit):
    assert load_keywords().scan(text, limit) == plain_scan(text, limit)


def test_text_scan_stops_trying_terms_of_full_categories_but_keeps_their_overlaps():
    kw = load_keywords()
    # "horaires" fills opening_hours at once (limit 1); the next one still covers the
    # "rue" of a street word that starts inside it, as text_regex.finditer would.
    for text in ["Horaires horaires rue de fer", "horaires. horaires; x rue", "HORAIRES " * 50]:
        for limit in (1, 2, 20):
            assert kw.scan(text, limit) == plain_scan(text, limit), (text, limit)


@given(st.lists(st.sampled_from(["Réserver", "réservez", " en ligne", "Prendre", " rendez-vous",
                                 "Book", " now", "Panier", "Winkelmandje", "Cart", "x", " ",
                                 "\n", "-", "Commander", "Bestellen", "É", "1"]),
                max_size=30).map("".join))
@settings(max_examples=150, deadline=None)
def test_category_search_equals_its_regex_search(text):
    for category in load_keywords().categories.values():
        fast, full = category.search(text), category.regex.search(text)
        assert (fast and fast.span()) == (full and full.span())


TEXT_PIECES = ["retrait en magasin", "afhalen", "afhalen in de winkel", "winkel", "click & collect",
               "collect", "collection", "livraison à domicile", "livraison", "rue", "rue de fer",
               "openingsuren", " ", " ", ", ", "x", "é", "-", "lundi", "9h-18h", "straat",
               "bestellen en afhalen", "gratis afhalen", "parcel locker", "locker", "open monday"]


@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=25).map("".join), st.integers(1, 3))
@example("gratis afhalen", 20)  # "afhalen" inside a longer term: not a second match
@example("openingsuren rue openingsuren rue", 1)
@settings(max_examples=300, deadline=None)
def test_text_scan_finds_what_the_one_regex_finds(text, limit):
    """The hyperscan candidates give the same hits as text_regex.finditer."""
    assert load_keywords().scan(text, limit) == plain_scan(text, limit)


def test_case_folding_finds_every_ignorecase_match_of_the_terms():
    """Category.search looks for terms in case_folded(text): every character re.IGNORECASE
    takes for a letter of a term must fold to that letter (and no two term letters match)."""
    kw = load_keywords()
    letters = sorted({ch for cat in kw.categories.values()
                      for t in [*cat.terms, *cat.url_fragments] for ch in t})
    for a in letters:
        for b in letters:
            assert a == b or not re.fullmatch(re.escape(a), b, re.IGNORECASE), (a, b)
    any_letter = re.compile("[" + "".join(map(re.escape, letters)) + "]", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        if any_letter.fullmatch(char):
            folded = case_folded(char)
            assert folded in letters and re.fullmatch(re.escape(folded), char, re.I), hex(code)


LABELS = ["Panier", "PANIER (2)", "Mon panier", "Winkelwagen", "Warenkorb", "Cart", "Checkout",
          "Add to cart", "In winkelmand", "Boutique", "Shop", "İ", "ſhop", "Kart", "\n", " "]


@given(st.lists(st.sampled_from(LABELS), max_size=12).map("".join))
@settings(max_examples=300, deadline=None)
def test_category_search_equals_its_regex(text):
    kw = load_keywords()
    for cat in kw.categories.values():
        fast, plain = cat.search(text), cat.regex.search(text)
        assert (fast and (fast.start(), fast.end())) == (plain and (plain.start(), plain.end()))
    names = tuple(kw.categories)
    for name, fast in zip(names, kw.search_each(names, text), strict=True):
        plain = kw.categories[name].regex.search(text)
        assert (fast and fast.span()) == (plain and plain.span()), name


PATHS = ["/cart", "/CART/", "/checkout", "/checkout/cart", "/shop", "/x_panier", "-basket",
         "/warenkorb?x=1", "/cartx", "/a", "\n", "\n", "İ", "ſ", "/mon-panier.html", "#"]


@given(st.lists(st.sampled_from(PATHS), max_size=10).map("".join))
@example("/a\n/cart\n/b")  # "$" only at the blob's end, unless each line is searched
@settings(max_examples=300, deadline=None)
def test_url_search_equals_the_url_regex_on_each_line(blob):
    kw = load_keywords()
    names = tuple(kw.categories)
    assert sum(kw.categories[name].url_regex is not None for name in names) >= 2
    for name, fast in zip(names, kw.url_search_each(names, blob), strict=True):
        regex = kw.categories[name].url_regex
        lines = re.compile(regex.pattern, regex.flags | re.MULTILINE) if regex else None
        plain = lines.search(blob) if lines else None
        assert (fast and fast.span()) == (plain and plain.span()), name
