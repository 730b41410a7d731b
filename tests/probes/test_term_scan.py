"""Hyperscan passes over long visible texts (probes/term_scan.py)."""

import re

import hyperscan
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import case_folded, occurrences
from probes.opening_hours import load_hours_finder
from probes.prefilter import WIDENED
from probes.term_scan import (
    LOWER_INTO_LATIN1,
    SAME_READING,
    TermScanner,
    TextPrefilter,
    latin1_view,
)

TERMS = ("horaires", "horaire", "fermé", "straße", "rue", "à domicile", "k", "is")


def test_the_characters_that_lower_case_into_latin1_from_outside_it_are_listed():
    found = [char for char in map(chr, range(256, 0x110000))
             if any(ord(low) < 256 for low in char.lower() + case_folded(char))]
    assert "".join(found) == LOWER_INTO_LATIN1


def test_latin1_view_keeps_offsets_and_declines_texts_it_cannot_read():
    assert latin1_view("Fermé – 10 €") == b"Ferm\xe9 ? 10 ?"
    assert latin1_view("plain") == b"plain"
    for char in LOWER_INTO_LATIN1:
        assert latin1_view(f"Horaires {char}") is None


@given(st.lists(st.sampled_from(["Horaires", "HORAIRE", "fermé", "FERMÉ", "Straße", "STRASSE",
                                 "rue", "RUE", "À DOMICILE", "à domicile", "K", "ſ", "İs", "IS",
                                 "€", "?", " ", "x", "é", "\u212a"]),
                max_size=20).map("".join))
@settings(max_examples=300, deadline=None)
def test_every_occurrence_in_the_lower_cased_or_case_folded_text_is_found(text):
    view = latin1_view(text)
    if view is None:
        assert any(char in text for char in LOWER_INTO_LATIN1)
        return
    found = set(TermScanner(TERMS).occurrences(view))
    for index, term in enumerate(TERMS):
        for lower in (text.lower(), case_folded(text)):
            assert {(at, index) for at in occurrences(lower, term)} <= found
    for at, index in found:  # and each is one, but for a "?" standing for another character
        assert len(TERMS[index]) <= len(text) - at


def test_terms_outside_latin1_are_refused():
    with pytest.raises(ValueError):
        TermScanner(["самовывоз"])
    with pytest.raises(ValueError):
        TermScanner([""])
    assert TermScanner([]).occurrences(b"anything") == []


def _same_reading(char):
    return any(lo <= ord(char) <= hi for lo, hi in SAME_READING)


def test_hyperscan_reads_the_same_reading_characters_as_python():
    """Each character of SAME_READING that Python's re (IGNORECASE) takes for \\s, \\d, \\w…
    or for a letter (any of them, or one of the hours' patterns), hyperscan takes too."""
    chars = [chr(code) for lo, hi in SAME_READING for code in range(lo, hi + 1)]
    letters = {char for regex in load_hours_finder().gate.regexes for char in regex.pattern}
    probes = [r"\s", r"\d", r"\w", r"\W", r"\S", r"\D"] + [
        re.escape(char) for char in sorted(set(chars) | letters) if char != "\x00"]
    flags = WIDENED & ~hyperscan.HS_FLAG_PREFILTER  # the gate's reading, not its widening
    text = "\n".join(chars).encode()  # one character a line: where each probe matches
    line_of, end = {}, -1
    for char in chars:  # the offset after each character -> that character
        end += 1 + len(char.encode())
        line_of[end] = char
    for probe in probes:  # one database each: compiled together they take 25 s
        database = hyperscan.Database()
        database.compile(expressions=[probe.encode()], ids=[0], elements=1,
                         flags=[flags & ~hyperscan.HS_FLAG_SINGLEMATCH])
        found = {line_of.get(end) for end in _match_ends(database, text)}
        python = {char for char in chars if re.fullmatch(probe, char, re.IGNORECASE)}
        assert python <= found, (probe, sorted(python - found))


def _match_ends(database, text):
    ends = []
    database.scan(text, match_event_handler=lambda _i, _f, end, *_: ends.append(end))
    return ends


def test_texts_outside_the_same_reading_characters_are_not_scanned():
    gate = TextPrefilter([re.compile("x", re.IGNORECASE)])
    for code in [*range(0x10000), 0x1F600, 0x10FFFF]:
        char = chr(code)
        if not 0xD800 <= code < 0xE000:
            assert (gate.candidates("x" + char) is None) != _same_reading(char), hex(code)
    assert gate.candidates("abc") == set() and gate.candidates("XYZ – 10 €") == {0}
    assert gate.candidates("x\ud800") is None  # a lone surrogate: not even UTF-8


@given(st.lists(st.sampled_from(["9h", "18", "–", "-", " ", "\u202f", "\x1c", "à", "À", "h",
                                 "30", "tot", "TOT", "ДО", "٣", "x", "é", "€", ":", "\u212a"]),
                max_size=25).map("".join))
@settings(max_examples=300, deadline=None)
def test_a_regex_that_matches_is_a_candidate(text):
    gate = load_hours_finder().gate
    found = gate.candidates(text)
    for index, regex in enumerate(gate.regexes):
        assert found is None or index in found or not regex.search(text)


def test_a_regex_hyperscan_cannot_read_makes_every_text_a_candidate():
    assert TextPrefilter([re.compile("a{,3}", re.IGNORECASE)]).candidates("b") is None
