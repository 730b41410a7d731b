"""Text helpers shared by every package: accent folding, whitespace, registrable domains.

    fold("  À  Propos ")                       -> "a propos"
    "sur rendez-vous" in case_folded("ſur RENDEZ-VOUS")  -> True (as re.IGNORECASE sees it)
    list(occurrences("9h-18h, 9h", "9h"))       -> [0, 8]
    collapsed(" a \n b  c", 4)                  -> "a b "   (" ".join(text.split())[:4])
    path_of("https://shop.be/a?b=1")            -> "/a?b=1"
    registrable_domain("https://www.shop.be/x") -> "shop.be"
    shop_domain("https://www.facebook.com/x")   -> None   (a host shared by many shops)

The public-suffix list is the one bundled with tldextract: nothing is ever fetched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

from core.hosts import is_shared_domain

#: tldextract with its bundled suffix list only (``suffix_list_urls=()``): never fetches.
OFFLINE_EXTRACT = tldextract.TLDExtract(suffix_list_urls=())


# Letters that Python's re.IGNORECASE matches to an ASCII letter but str.lower() keeps apart
# (İ and ı with i, ſ with s; the Kelvin sign lowers to k by itself).
IGNORECASE_TO_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}
IGNORECASE_TABLE = str.maketrans(IGNORECASE_TO_ASCII)


def case_folded(text: str) -> str:
    """`text` lower-cased the way re.IGNORECASE compares letters, same length: a substring
    test on it is a sound cheap check before an IGNORECASE regex of lower-case words."""
    if any(c in text for c in IGNORECASE_TO_ASCII):  # rare: translate() is slow on long text
        text = text.translate(IGNORECASE_TABLE)
    return text.lower()


def matches_at(regex: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """regex.finditer(text) when every match starts at one of `starts` (ascending): the regex
    is tried only there, not at every position of the text."""
    end = 0
    for at in starts:
        if at >= end and (found := regex.match(text, at)):
            yield found
            end = found.end()


def first_match_at(regex: re.Pattern[str], text: str,
                   starts: Iterable[int]) -> re.Match[str] | None:
    """The leftmost match of `regex` starting at one of `starts` (any order)."""
    return next(filter(None, (regex.match(text, at) for at in sorted(starts))), None)


def occurrences(text: str, part: str) -> Iterator[int]:
    """Where `part` occurs in `text`, overlapping ones too: ("aaa", "aa") -> 0, 1."""
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


def collapsed(text: str, limit: int) -> str:
    """" ".join(text.split())[:limit], without splitting what the limit cuts off.

    Text that is already collapsed (no whitespace but single spaces between words, as lexbor
    gives the text of a page written without layout whitespace) is only checked, up to the
    limit: every whitespace character but the space is unprintable. Other text longer than
    twice the limit is split from that prefix first; the whole is split only when the prefix
    collapses to less than the limit.
    """
    head = text[:limit + 1]
    if head.isprintable() and "  " not in head and head[:1] != " " \
            and (len(head) > limit or head[-1:] != " "):
        return head[:limit]  # a space at `limit` only ends the last word kept
    # A prefix's collapse is a prefix of the whole's, even when the prefix cuts a word.
    if len(text) > 2 * limit and len(joined := " ".join(text[:2 * limit].split())) >= limit:
        return joined[:limit]
    return " ".join(text.split())[:limit]


def whole_word_at(low: bytes, word: bytes) -> int:
    """Where `word` (an [a-z0-9] run) first stands in `low` (bytes without upper-case ASCII)
    as a whole word, between bytes outside a-z0-9, as a split at every other byte would find
    it; -1 if nowhere. An occurrence overlapping the one before follows a letter: never whole."""
    at = low.find(word)
    while at >= 0:
        end = at + len(word)
        if not (low[at - 1:at].isalnum() or low[end:end + 1].isalnum()):
            return at
        at = low.find(word, end)
    return -1


def joined_paths(hrefs: list[str]) -> str:
    """"\n".join(map(path_of, hrefs)). A page's own links mostly start with the first one's
    scheme and host ("https://shop.be/..."): what follows is their path; when they all do,
    the paths are made at once."""
    first = hrefs[0] if hrefs else ""
    slash = first.find("/", first.find("//") + 2) if "//" in first else -1
    if slash < 0:
        return "\n".join(map(path_of, hrefs))
    origin = first[:slash + 1]
    blob = "\n".join(hrefs)
    if blob.count("\n") == len(hrefs) - 1:  # no line break in an address
        lines = "\n" + blob
        if lines.count("\n" + origin) == len(hrefs):  # each line starts with the origin
            return lines.replace("\n" + origin, "\n/")[1:]
    return "\n".join([h[slash:] if h.startswith(origin) else path_of(h) for h in hrefs])


def path_of(href: str) -> str:
    """The path of an address, after its scheme and host ("https://a.be/x?q" -> "/x?q")."""
    head, sep, rest = href.partition("//")
    return "/" + (rest if sep else head).partition("/")[2]


def fold(text: str) -> str:
    """Lower-case, strip accents, collapse spaces: 'Écaussinnes ' -> 'ecaussinnes'."""
    if text.isascii():  # nothing to decompose or unaccent
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def host_of_url(url: str | None) -> str | None:
    """Lower-case host of a URL or of a bare host name ('www.shop.be/x' -> 'www.shop.be')."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") or None if host else None


def registrable_domain(url: str | None) -> str | None:
    """'https://www.shop.be/x' -> 'shop.be'; a host outside the suffix list: the host minus www."""
    host = host_of_url(url)
    return _domain_of_host(host) if host else None


def listed_domain(url: str | None) -> str | None:
    """The registrable domain only when the host is under a public suffix, else None."""
    host = host_of_url(url)
    if not host:
        return None
    return OFFLINE_EXTRACT(host).top_domain_under_public_suffix.lower() or None


def shop_domain(url: str | None) -> str | None:
    """The domain that tells which shop it is: listed, and not a host shared by many shops."""
    domain = listed_domain(url)
    return None if domain is None or is_shared_domain(domain) else domain


@lru_cache(maxsize=4096)
def _domain_of_host(host: str) -> str | None:
    top = OFFLINE_EXTRACT(host).top_domain_under_public_suffix
    if top:
        return top.lower()
    return host[4:] if host.startswith("www.") else host
