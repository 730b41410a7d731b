"""One hyperscan pass for lower-case terms in any case (probes/term_scan.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import case_folded, occurrences
from probes.term_scan import LOWER_INTO_LATIN1, TermScanner, latin1_view

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
