"""The hyperscan prefilter never leaves out a regex that matches, and rules most out."""

import re
import threading

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fixtures.corpus import CORPUS_PAGES
from probes.document import RDFA_MARKERS, parse_page
from probes.fingerprints import field_index, load_fingerprints
from probes.prefilter import _word_finder, regex_prefilter, shared_candidates, whole_words
from probes.settings import load_webshop_rules


def every_html_pattern():
    """The raw-HTML patterns a scan searches: fingerprints, RDFa markers, pickup options."""
    fingerprints = field_index(tuple(load_fingerprints().values())).html_patterns
    return (fingerprints, RDFA_MARKERS, load_webshop_rules().pickup_platform_option)


def assert_candidates_hold_every_match(html: str, plain: bool = True) -> None:
    """`plain`: each pattern's plain regex search, else the shortcut one (search_html, which
    test_fingerprints holds equal to it: the plain one takes minutes on the corpus)."""
    page = parse_page(html, "https://shop.example.be/a/")
    for patterns in every_html_pattern():
        candidates = regex_prefilter(tuple(p.regex for p in patterns)).candidates(
            page.lower_bytes())
        matching = {i for i, p in enumerate(patterns)
                    if (p.regex.search(page.html) if plain else page.search_html(p))}
        assert matching <= candidates, [patterns[i].source for i in matching - candidates]
        assert dict(page.html_matches(patterns)).keys() == matching
    blobs = {"scriptSrc": page.scripts_blob, "links": page.links_blob, "url": page.url or ""}
    for key, index in field_index(tuple(load_fingerprints().values())).blobs.items():
        named = {id(entry) for entry in index.candidates(blobs[key])}
        missed = [p.source for entry in index.ranked if id(entry) not in named
                  for p in [entry[2]] if p.regex.search(blobs[key])]
        assert missed == [], key


FRAGMENTS = ["<a href='", "<script src='", "//", "cdn.shopify.com", "js.mollie.com",
             "shopify", "Shopify", "-section", "cdn.", ".com/", "mollie", "wp-content",
             "/plugins/", "WooCommerce", "id_product", "=", "Mage.Cookies", "x", "2",
             "<img alt='", "PayPal", " ", "\n", "/", "_", "é", "É", "K", "\u212a", "ſ", "typeof=",
             "vocab=", "'", '"', "https://schema.org", "schema:", "<", ">", "ccvshop", ".be",
             "xt", ":", "Commerce", "click", "collect", "afhalen", "data-", "bancontact", "-logo"]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join))
@example("<div class='shopify-section'>")
@example("<html vocab='https://schema.org/'>")
@example("xt:Commerce")
@settings(max_examples=300, deadline=None)
def test_every_matching_pattern_is_a_candidate(html):
    assert_candidates_hold_every_match(html)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_text_keeps_every_match(html):
    assert_candidates_hold_every_match(html)


def test_candidates_rule_most_patterns_out():
    patterns = every_html_pattern()[0]
    prefilter = regex_prefilter(tuple(p.regex for p in patterns))
    page = parse_page("<link href='//cdn.shopify.com/s.css'><div class='shopify-section'>"
                      "<img alt='Bancontact' src='/bancontact-logo.png'>")
    found = prefilter.candidates(page.lower_bytes())
    assert {patterns[i].source for i in found} >= {"shopify-section"}
    assert len(found) < 10 < len(patterns)
    assert prefilter.always == frozenset()  # every fingerprint compiles


def test_regexes_hyperscan_cannot_read_as_python_does_are_always_candidates():
    regexes = (re.compile("ab{,3}c", re.I),  # "{,3}" is literal text for hyperscan
               re.compile("Case-Sensitive"),  # the scanned text is lower-cased
               re.compile(r"\u00e9t\u00e9", re.I),  # an escape hyperscan rejects
               re.compile("x[:digit:]", re.I),  # a POSIX class for hyperscan only
               re.compile("café", re.I),  # non-ASCII text (Unicode tables differ)
               re.compile("plain", re.I))
    prefilter = regex_prefilter(regexes)
    assert prefilter.always == {0, 1, 2, 3, 4}
    assert prefilter.candidates(b"nothing here") == {0, 1, 2, 3, 4}
    assert prefilter.candidates(b"a plain page") == {0, 1, 2, 3, 4, 5}


def test_widened_constructs_still_find_their_matches():
    regexes = (re.compile(r"(?P<q>['\"])shop(?P=q)", re.I), re.compile(r"cart(?=\.js)", re.I),
               re.compile(r"(?<!x)basket", re.I))
    prefilter = regex_prefilter(regexes)
    assert prefilter.candidates(b"<a class='shop'> cart.js basket") == {0, 1, 2}
    assert prefilter.candidates(b"<a class=shop> kart.js") == set()


@given(st.lists(st.sampled_from(["cart", "Cart", "carts", "xcart", "panier", "é", "_", "-", " ",
                                 "9", "kassa", "\n", "."]), max_size=20).map("".join))
@settings(max_examples=300, deadline=None)
def test_whole_words_are_the_pages_ascii_words(text):
    low = text.encode().lower()
    words = frozenset([b"cart", b"panier", b"kassa", b"carts"])
    assert whole_words(low, words) == words & set(re.findall(rb"[a-z0-9]+", low))


def test_threads_scan_with_their_own_scratch():
    prefilter = regex_prefilter((re.compile("shopify", re.I), re.compile("magento", re.I)))
    texts = [b"a shopify page " * 500, b"a magento page " * 500] * 20
    results: list[set[int]] = []

    def scan(text: bytes) -> None:
        results.append(prefilter.candidates(text))

    threads = [threading.Thread(target=scan, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(sorted, results)) == sorted([[0]] * 20 + [[1]] * 20)


def test_on_the_corpus_every_matching_pattern_is_a_candidate():
    if not CORPUS_PAGES.is_dir():
        pytest.skip("../shared/corpus/pages is not here")
    for path in sorted(CORPUS_PAGES.glob("*.html")):
        assert_candidates_hold_every_match(path.read_bytes().decode("utf-8", "replace"), False)


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=15).map("".join),
       st.permutations(range(4)))
@settings(max_examples=100, deadline=None)
def test_shared_scans_answer_as_each_prefilter_alone(html, order):
    """One scan for every prefilter asked so far gives each one's own candidates."""
    groups = [regex_prefilter(tuple(p.regex for p in patterns))
              for patterns in every_html_pattern()]
    groups.append(_word_finder(tuple(sorted(load_webshop_rules().markup_vocabulary))))
    low = html.encode().lower()
    done: dict[str, set[int]] = {}
    for i in order:
        assert shared_candidates(low, groups[i], done) == groups[i].candidates(low)
    assert shared_candidates(low, groups[order[0]], done) == groups[order[0]].candidates(low)
    fresh: dict[str, set[int]] = {}
    shared_candidates(low, groups[0], fresh)
    assert set(fresh) >= {g.key for g in groups}  # the first question answered them all


def test_more_prefilters_than_are_shared_still_answer_right():
    prefilters = [regex_prefilter((re.compile(f"word{i}", re.I),)) for i in range(12)]
    for text in (b"word3 word11", b"word0 word7 word9"):
        done: dict[str, set[int]] = {}
        for prefilter in prefilters:
            assert shared_candidates(text, prefilter, done) == prefilter.candidates(text)
