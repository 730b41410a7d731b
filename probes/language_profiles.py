"""Deterministic naive Bayes over langdetect's own n-gram profiles (its full ~55 languages).

langdetect (Shuyo's language-detection) draws n-grams of the text at random and multiplies
the probabilities of the languages by each draw's, over a few seeded random restarts. The
answer it converges to is the naive Bayes answer over all the text's n-grams; this module
computes that answer directly, in one pass:

1. The text is cleaned and normalised as langdetect does (`Detector.append`,
   `Detector.cleaning_text`, `NGram.normalize` per character: digits and punctuation become
   spaces, kana, hangul and CJK ideographs fold to one representative…). Per character,
   normalisation is a pure function: its table is built once for the Basic Multilingual
   Plane (no character above it is changed) and applied with `str.translate`.
2. Its 1-, 2- and 3-grams are the substrings of " " + text of those lengths, ending
   anywhere but inside a word written in capitals (`NGram.capitalword`: an upper-case letter
   after an upper-case letter). A substring that spans two words ("a b") or is only spaces
   is never a profile key, so it finds no row.
3. Each known n-gram is one row of a dense float32 matrix (n-grams x languages) holding
   log(alpha / BASE_FREQ + P(n-gram | language)), langdetect's smoothing with its default
   alpha; the text's score per language is the sum of its n-grams' rows (with repeats), and
   the best score names the language. A uniform prior, as langdetect's default.
4. The lookup is done on numbers (`rows_of`): each normalised character is a number of the
   profiles' alphabet and an n-gram c1*base^2 + c2*base + c3, found in sorted arrays; the
   rows come out in the order of the string n-grams, so the sums are the same to the bit.

No randomness: the same text always gets the same answer ("seeded" holds trivially).
langdetect stays the dependency that ships the profiles and the normalisation rules.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import add, and_, not_
from pathlib import Path

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram
from langdetect.utils.unicode_block import UNICODE_LATIN_EXTENDED_ADDITIONAL
from langdetect.utils.unicode_block import _unicode_blocks as UNICODE_BLOCKS

from core.derived_cache import cached, key_of

BMP = 0x10000  # langdetect's normalisation changes no character at or above this one
MAX_N = NGram.N_GRAM  # 3
SMOOTHING = Detector.ALPHA_DEFAULT / Detector.BASE_FREQ  # langdetect's alpha / BASE_FREQ
NON_LATIN_FROM = 0x0300  # langdetect's cleaning_text counts characters from here on as non-Latin
LATIN_RUNS = re.compile("[A-z]+")  # cleaning_text's Latin: 'A' <= ch <= 'z', [\\]^_` included


@dataclass(frozen=True)
class Profiles:
    """langdetect's profiles as one matrix: row of an n-gram -> log-probability per language."""

    langs: tuple[str, ...]  # langdetect's codes: "fr", "zh-cn"…
    rows: dict[str, int]  # n-gram -> row of log_probs
    log_probs: np.ndarray  # float32, len(rows) x len(langs)
    normalise: dict[int, str]  # str.translate table: langdetect's NGram.normalize per char
    non_latin_runs: re.Pattern[str]  # cleaning_text's non-Latin: from U+0300, but Vietnamese
    codes: CharCodes  # the same n-grams as numbers, for `rows_of`


@dataclass(frozen=True)
class CharCodes:
    """Each BMP character, normalised, as a number 1..base-1 of the profiles' alphabet (0: a
    character no n-gram holds), so that an n-gram is a number too (c1·base² + c2·base + c3),
    looked up in a sorted array instead of a dict of strings."""

    base: int
    code_of: np.ndarray  # int64 per BMP code point: its normalised character's number, or 0
    upper: np.ndarray  # bool per BMP code point: its normalised character is upper case
    space: int  # the number of " ", which starts langdetect's buffer
    keys: tuple[np.ndarray, ...]  # per n-gram length 1..MAX_N: its numbers, sorted
    key_rows: tuple[np.ndarray, ...]  # the row of log_probs of each of those numbers


def detect(text: str) -> str | None:
    """The langdetect code ("fr", "zh-cn"…) most likely to have written `text`, or None."""
    profiles = load_profiles()
    rows = rows_of(_before_normalising(text, profiles), profiles)
    if not rows.size:
        return None
    scores = profiles.log_probs.take(rows, axis=0).sum(axis=0)
    return profiles.langs[int(np.argmax(scores))]


def rows_of(text: str, profiles: Profiles) -> np.ndarray:
    """The rows of log_probs of the n-grams of `text` (before `str.translate`) that a profile
    holds, in the order of `ngrams` (all 1-grams, then 2-grams, then 3-grams): the rows of
    `[profiles.rows[g] for g in ngrams(normalised(text)) if g in profiles.rows]`, computed
    with numpy on the characters' numbers (a text with a character above the BMP takes
    that path instead)."""
    if not text.isascii() and max(text) >= chr(BMP):
        row_of = profiles.rows.get
        return np.array([row for row in map(row_of, ngrams(text.translate(profiles.normalise)))
                         if row is not None], dtype=np.int64)
    c = profiles.codes
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = np.concatenate(([c.space], c.code_of[points]))  # " " + text, as numbers
    upper = np.concatenate(([False], c.upper[points]))
    keep = ~(upper[1:] & upper[:-1])  # per end 1, 2…: not inside a word in capitals
    bigrams = ids[:-1] * c.base + ids[1:]
    grams = (ids[1:][keep], bigrams[keep], (bigrams[:-1] * c.base + ids[2:])[keep[1:]])
    found = [_found(q, keys, at) for q, keys, at in zip(grams, c.keys, c.key_rows, strict=True)]
    rows = np.concatenate(found)
    return rows[rows >= 0]


def _found(numbers: np.ndarray, keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The row of each of `numbers` in (`keys`, `rows`), sorted by key; -1 where absent."""
    at = np.searchsorted(keys, numbers).clip(max=len(keys) - 1)
    return np.where(keys[at] == numbers, rows[at], -1)


def normalised(text: str, profiles: Profiles) -> str:
    """`text` as langdetect's detector sees it: no URL or e-mail, cleaned, each char normalised."""
    return _before_normalising(text, profiles).translate(profiles.normalise)


def _before_normalising(text: str, profiles: Profiles) -> str:
    """`normalised` but the last step, each character's NGram.normalize."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = NGram.normalize_vi(text)
    return _without_latin_if_minor(text, profiles)


def _without_latin_if_minor(text: str, profiles: Profiles) -> str:
    """langdetect's cleaning_text: drop 'A'..'z' when non-Latin letters are over twice as many."""
    if text.isascii():
        return text  # nothing at or above U+0300
    latin = sum(map(len, LATIN_RUNS.findall(text)))
    if latin * 2 >= len(text) - latin:
        return text  # even if every other character were non-Latin
    non_latin = sum(map(len, profiles.non_latin_runs.findall(text)))
    return LATIN_RUNS.sub("", text) if latin * 2 < non_latin else text


def ngrams(text: str) -> list[str]:
    """The 1- to 3-grams langdetect's NGram buffer yields over normalised `text`, in repeats.

    The buffer starts with a space; every substring of " " + text of 1 to 3 characters
    ending after that space counts, but those ending inside a word in capitals
    (NGram.capitalword: an upper-case letter right after another). A lone space, a substring
    spanning two words ("a b") or only spaces is listed too and never found in a profile.
    """
    padded = " " + text
    bigrams = list(map(add, padded, padded[1:]))  # the one ending at j: padded[j-1:j+1]
    trigrams = list(map(add, bigrams, padded[2:]))  # ending at 2, 3…
    if not padded.islower():  # some upper-case letter: maybe two in a row
        upper = list(map(str.isupper, padded))
        inside = list(map(and_, upper[1:], upper))  # ending at 1, 2…: in a word in capitals
        if any(inside):
            keep = list(map(not_, inside))
            return [*compress(padded[1:], keep), *compress(bigrams, keep),
                    *compress(trigrams, keep[1:])]
    return [*padded[1:], *bigrams, *trigrams]


@lru_cache(maxsize=1)
def load_profiles() -> Profiles:
    """langdetect's profiles as tables, from the disk cache (core/derived_cache.py) when they
    were derived before: deriving them takes about 1 s, reading them back 30 ms."""
    files = sorted(os.listdir(PROFILES_DIRECTORY))
    key = key_of("language profiles", Path(__file__).read_bytes(), np.__version__,
                 *(part for name in files for part in (name, _read_bytes(name))))
    return cached("language", key, lambda: _as_bytes(derive_profiles()), _from_bytes)


def _read_bytes(name: str) -> bytes:
    path = os.path.join(PROFILES_DIRECTORY, name)
    return Path(path).read_bytes() if os.path.isfile(path) else b""


def derive_profiles() -> Profiles:
    """langdetect's profiles from PROFILES_DIRECTORY (about 88 000 n-grams).

    One profile at a time, each kept as two small arrays (rows, log-probabilities) until the
    matrix is filled: about 20 MB in all, where langdetect's own tables take 65 MB."""
    langs: list[str] = []
    rows: dict[str, int] = {}
    columns: list[tuple[np.ndarray, np.ndarray]] = []
    for name in sorted(os.listdir(PROFILES_DIRECTORY)):
        path = os.path.join(PROFILES_DIRECTORY, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as file:
            profile = json.load(file)
        totals = profile["n_words"]  # n-grams of each length in the training text
        grams = [(g, n / totals[len(g) - 1]) for g, n in profile["freq"].items()
                 if 1 <= len(g) <= MAX_N]
        langs.append(profile["name"])
        at = np.fromiter((rows.setdefault(g, len(rows)) for g, _ in grams), dtype=np.int64)
        probs = np.fromiter((p for _, p in grams), dtype=np.float64)
        columns.append((at, np.log(probs + SMOOTHING).astype(np.float32)))
    log_probs = np.full((len(rows), len(langs)), np.log(SMOOTHING), dtype=np.float32)
    for column, (at, values) in enumerate(columns):
        log_probs[at, column] = values
    normalise = _normalise_table()
    return Profiles(tuple(langs), rows, log_probs, normalise, _non_latin_runs(),
                    _char_codes(rows, normalise))


def _char_codes(rows: dict[str, int], normalise: dict[int, str]) -> CharCodes:
    """The numbers of the profiles' characters and n-grams (see CharCodes)."""
    alphabet = sorted({ch for gram in rows for ch in gram} | {" "})
    number = {ch: i for i, ch in enumerate(alphabet, start=1)}
    base = len(alphabet) + 1
    folded = [normalise.get(code, chr(code)) for code in range(BMP)]
    if any(len(ch) != 1 for ch in folded):
        raise ValueError("NGram.normalize gave more than one character")
    code_of = np.array([number.get(ch, 0) for ch in folded], dtype=np.int64)
    upper = np.array([ch.isupper() for ch in folded], dtype=bool)
    keys, key_rows = [], []
    for n in range(1, MAX_N + 1):
        grams = [(_number_of(g, number, base), row) for g, row in rows.items() if len(g) == n]
        grams.sort()
        keys.append(np.array([k for k, _ in grams], dtype=np.int64))
        key_rows.append(np.array([r for _, r in grams], dtype=np.int64))
    return CharCodes(base, code_of, upper, number[" "], tuple(keys), tuple(key_rows))


def _number_of(gram: str, number: dict[str, int], base: int) -> int:
    value = 0
    for ch in gram:
        value = value * base + number[ch]
    return value


def _normalise_table() -> dict[int, str]:
    """NGram.normalize of every BMP character it changes, as a str.translate table."""
    table = {}
    for code in range(BMP):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates: never in a decoded str
        folded = NGram.normalize(ch)
        if folded != ch:
            table[code] = folded
    return table


def _non_latin_runs() -> re.Pattern[str]:
    """Runs of what cleaning_text counts as non-Latin: U+0300 on, less Latin Extended Additional."""
    start, end = next((start, end) for block, start, end in UNICODE_BLOCKS
                      if block == UNICODE_LATIN_EXTENDED_ADDITIONAL)
    ranges = [(NON_LATIN_FROM, start - 1), (end + 1, sys.maxunicode)]
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]+")


def _as_bytes(profiles: Profiles) -> bytes:
    """The tables as one .npz (no pickle); checked to read back as they are."""
    c = profiles.codes
    out = io.BytesIO()
    arrays = {"langs": np.array(profiles.langs), "grams": np.array(list(profiles.rows)),
              "log_probs": profiles.log_probs,
              "normalise_codes": np.array(list(profiles.normalise), dtype=np.int64),
              "normalise_chars": np.array(list(profiles.normalise.values())),
              "numbers": np.array([c.base, c.space], dtype=np.int64), "code_of": c.code_of,
              "upper": c.upper}
    for n in range(MAX_N):
        arrays[f"keys{n}"], arrays[f"key_rows{n}"] = c.keys[n], c.key_rows[n]
    np.savez(out, *(), **arrays)  # type: ignore[arg-type]  # numpy's stub: **kwds vs allow_pickle
    data = out.getvalue()
    again = _from_bytes(data)  # numpy drops trailing NULs of strings: none may be lost
    if again.rows != profiles.rows or again.normalise != profiles.normalise:
        raise ValueError("language tables do not survive .npz")
    return data


def _from_bytes(data: bytes) -> Profiles:
    arrays = np.load(io.BytesIO(data), allow_pickle=False)
    grams = arrays["grams"].tolist()
    normalise = dict(zip(arrays["normalise_codes"].tolist(), arrays["normalise_chars"].tolist(),
                         strict=True))
    base, space = arrays["numbers"].tolist()
    codes = CharCodes(base, arrays["code_of"], arrays["upper"], space,
                      tuple(arrays[f"keys{n}"] for n in range(MAX_N)),
                      tuple(arrays[f"key_rows{n}"] for n in range(MAX_N)))
    return Profiles(tuple(arrays["langs"].tolist()), {g: i for i, g in enumerate(grams)},
                    arrays["log_probs"], normalise, _non_latin_runs(), codes)
