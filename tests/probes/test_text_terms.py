"""The keyword scan's two-part scan of long texts (probes/text_terms.py)."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from probes import text_terms
from probes.keywords import load_keywords
from probes.text_terms import _never_covers
from tests.probes.test_keywords import plain_scan

PIECES = ["horaires", "Samedi", "horaire", " ", " ", ". ", "x", "retrait en magasin",
          "click & collect", "livraison à domicile", "rue de fer", "gesloten op", "ophalen",
          "fermé le", "levering aan huis", "openingsuren", "afhalen in de winkel", "é", "€",
          "Horaires d'ouverture", "ouvert du", "lundi", "pas de retrait en magasin"]


@given(st.lists(st.sampled_from(PIECES), min_size=20, max_size=90).map("".join),
       st.integers(1, 4))
@example("horaires " * 40 + "retrait en magasin " + "horaires " * 10, 2)
@example("samedi " * 60 + "gesloten op" + "halen in de winkel " * 3, 1)
@settings(max_examples=300, deadline=None)
def test_a_long_text_scanned_in_two_parts_gives_the_hits_of_the_plain_scan(text, limit):
    kw = load_keywords()
    assert kw.text_terms is not None and kw.text_terms.rest is not None
    with pytest.MonkeyPatch.context() as patch:  # short texts scanned in two parts
        patch.setattr(text_terms, "FIRST_CHUNK", 120)
        assert len(text) > 2 * 120 or kw.scan(text, limit) == plain_scan(text, limit)
        assert kw.scan(text, limit) == plain_scan(text, limit)


def test_the_frequent_terms_are_left_out_only_if_they_cover_no_other_match():
    # "gesloten op" and "ophalen…" share "op", but "gesloten op" ends before a letter there
    assert _never_covers(["gesloten op", "fermé le"], ["ophalen in de winkel", "levering"])
    assert not _never_covers(["openingsuren winkel"], ["winkel afhalen"])  # "winkel" then " "
    assert not _never_covers(["heures d'ouverture"], ["ouverture"])  # the same end
    assert not _never_covers(["open monday to friday"], ["monday"])  # ends before " to"
    assert _never_covers(["open monday"], ["mondays"])  # "monday" then "s": no match
