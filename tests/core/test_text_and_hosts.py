"""The one copy of each text helper: folding, registrable domain, host lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.hosts import (
    HostListError,
    is_not_crawled,
    is_shared_domain,
    load_host_lists,
    social_network,
)
from core.text import (
    case_folded,
    collapsed,
    fold,
    joined_paths,
    listed_domain,
    occurrences,
    path_of,
    registrable_domain,
    shop_domain,
    whole_word_at,
)


@pytest.mark.parametrize(("text", "part", "places"), [
    ("9h-18h, 9h", "9h", [0, 8]), ("aaa", "aa", [0, 1]), ("abc", "x", []), ("", "a", []),
])
def test_occurrences(text: str, part: str, places: list[int]) -> None:
    assert list(occurrences(text, part)) == places


@pytest.mark.parametrize(("text", "folded"), [
    ("  À  Propos ", "a propos"), ("Écaussinnes", "ecaussinnes"), ("Straße", "straße"),
    ("L'ÉCLUSE\tdu  Moulin", "l'ecluse du moulin"), ("", ""),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.shop.be/x", "shop.be"), ("shop.co.uk", "shop.co.uk"),
    ("https://boutique.shop.be:8443/", "shop.be"), ("HTTP://WWW.SHOP.BE", "shop.be"),
    ("http://localhost:8000/", "localhost"), ("http://www.intranet/", "intranet"),
    ("http://127.0.0.1/", "127.0.0.1"), ("", None), (None, None), ("http://[::1", None),
])
def test_registrable_domain(url: str | None, domain: str | None) -> None:
    assert registrable_domain(url) == domain


def test_listed_and_shop_domains() -> None:
    assert listed_domain("http://localhost/") is None
    assert listed_domain("https://www.shop.be/") == "shop.be"
    assert shop_domain("https://www.shop.be/") == "shop.be"
    for shared in ("https://www.facebook.com/dupont", "https://dupont.wixsite.com/site",
                   "https://sites.google.com/view/x", "https://dupont.myshopify.com/"):
        assert shop_domain(shared) is None, shared


def test_social_networks_and_hosts_never_crawled() -> None:
    assert social_network("https://m.facebook.com/dupont") == "facebook"
    assert social_network("www.instagram.com") == "instagram"
    assert social_network("https://facebook.com.evil.be/") is None
    assert social_network("https://shop.be/") is None
    assert is_not_crawled("https://maps.app.goo.gl/abc") and is_not_crawled("https://wa.me/32")
    assert not is_not_crawled("https://goo.gl/abc")  # only the maps short links are listed
    assert not is_not_crawled("https://shop.be/facebook.com")
    assert is_shared_domain("facebook.com") and not is_shared_domain("shop.be")


def test_host_list_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "hosts.toml"
    bad.write_text('[social_networks]\n"facebook.com" = "facebook"\n[not_crawled]\nhosts = []\n'
                   '[shared]\ndomains = ["wix.com"]\n', "utf-8")
    with pytest.raises(HostListError, match="not_crawled"):
        load_host_lists(bad)


def test_case_folded_is_a_sound_check_before_an_ignorecase_regex():
    """Every character re.IGNORECASE takes for an ASCII letter folds to that letter."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        if letter.fullmatch(char):
            folded = case_folded(char)
            assert folded in "abcdefghijklmnopqrstuvwxyz" and re.fullmatch(folded, char, re.I), \
                hex(code)



def test_case_folded_keeps_positions():
    text = "Ouvert UNIQUEMENT SUR RENDEZ-VOUS, İnfo ſur rendez-vous"
    folded = case_folded(text)
    assert len(folded) == len(text) and folded.count("sur rendez-vous") == 2


def test_every_whitespace_but_the_space_is_unprintable():
    """What `collapsed` relies on to accept text as already collapsed."""
    for code in range(0x110000):
        char = chr(code)
        if char.isspace() and char != " ":
            assert not char.isprintable(), hex(code)


# Words, single and double spaces and the other whitespace str.split() knows.
SPACED_TEXT = st.lists(st.sampled_from(["ab", "é€", "x", " ", " ", "  ", "\n", "\xa0", "\u2003",
                                        "\x1f", "\t "]), max_size=40).map("".join)


@given(SPACED_TEXT, st.integers(min_value=0, max_value=30))
def test_collapsed_is_split_and_join_cut_at_the_limit(text: str, limit: int) -> None:
    assert collapsed(text, limit) == " ".join(text.split())[:limit]


@pytest.mark.parametrize("text", [
    "one two three four", " one two three", "one two three ", "one  two three",
    "one\ntwo three four", "one two three four five six seven", "onetwothreefourfivesix",
    "one two three four five six seven ", "o n e t w o t h r e e f o u r",
])
@pytest.mark.parametrize("limit", [0, 1, 3, 4, 7, 8, 9, 13, 14, 18, 40])
def test_collapsed_at_each_limit(text: str, limit: int) -> None:
    """Every path: collapsed text checked, a prefix split (cutting a word or not), the whole."""
    assert collapsed(text, limit) == " ".join(text.split())[:limit]
    spread = text.replace(" ", "\n ")
    assert collapsed(spread, limit) == " ".join(text.split())[:limit]


ADDRESS = st.lists(st.sampled_from(["https:", "//", "/", "shop.be", "x", ":8", "?q", "\n", "é"]),
                   max_size=6).map("".join)
SAME_ORIGIN = st.lists(st.sampled_from(["/", "/a", "/b/c", "//d", "?x", "/\n", "\nhttps://shop.be/"]),
                       max_size=4).map(lambda parts: "https://shop.be/" + "".join(parts))


@given(st.lists(st.one_of(ADDRESS, SAME_ORIGIN), max_size=6))
@example(["https://shop.be/a\nhttps://shop.be/b", "x"])  # a line break in an address
def test_joined_paths_are_the_paths_of_each_link(hrefs):
    assert joined_paths(hrefs) == "\n".join(map(path_of, hrefs))


@given(st.lists(SAME_ORIGIN, min_size=1, max_size=6))
def test_joined_paths_of_one_origin(hrefs):
    assert joined_paths(hrefs) == "\n".join(map(path_of, hrefs))


@pytest.mark.parametrize(("low", "word", "at"), [
    (b"/cartography/cart", b"cart", 13), (b"a-cart.", b"cart", 2), (b"cart", b"cart", 0),
    (b"cartcart cart", b"cart", 9), (b"\xc3\xa9cart", b"cart", 2), (b"carts", b"cart", -1),
])
def test_whole_word_at(low: bytes, word: bytes, at: int) -> None:
    assert whole_word_at(low, word) == at


def test_path_of() -> None:
    assert [path_of(h) for h in ("https://a.be/x?q", "https://a.be", "//cdn.be/a//b", "p/q")] \
        == ["/x?q", "/", "/a//b", "/q"]
