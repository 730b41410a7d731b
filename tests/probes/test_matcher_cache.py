"""Compiled matchers and language tables read back from the disk cache behave as built."""

import re
from pathlib import Path

import numpy as np
import pytest

from core.env import CACHE_DIR_ENV
from fixtures.corpus import CORPUS_PAGES
from probes import language_profiles
from probes.prefilter import Prefilter, regex_prefilter

FLAGS = [0, 0, 0]
FIXTURE_PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    regex_prefilter.cache_clear()
    language_profiles.load_profiles.cache_clear()
    yield tmp_path
    regex_prefilter.cache_clear()
    language_profiles.load_profiles.cache_clear()


def test_a_cached_database_names_the_same_candidates(cache: Path) -> None:
    regexes = tuple(re.compile(p, re.I) for p in
                    (r"shopify\.com/s/files", r"woocommerce[-_]", r"<form[^>]+cart", r"\bpanier\b"))
    built = regex_prefilter(regexes)
    assert len(list((cache / "hyperscan").iterdir())) == 1
    regex_prefilter.cache_clear()
    read_back = regex_prefilter(regexes)
    assert read_back is not built
    pages = [*sorted(FIXTURE_PAGES.glob("*.html")), *sorted(CORPUS_PAGES.glob("*.html"))[:80]]
    named: set[int] = set()
    for page in pages:
        lower = page.read_text(encoding="utf-8", errors="replace").lower().encode()
        assert read_back.candidates(lower) == built.candidates(lower)
        named |= built.candidates(lower)
    assert named == {0, 1, 2, 3}  # the pages do exercise every regex


def test_a_truncated_database_is_recompiled(cache: Path) -> None:
    expressions = [rb"abc", rb"x+y", rb"panier"]
    Prefilter(expressions, FLAGS)
    [entry] = (cache / "hyperscan").iterdir()
    entry.write_bytes(entry.read_bytes()[:100])
    again = Prefilter(expressions, FLAGS)
    assert again.candidates(b"un panier xxy") == {1, 2}
    assert len(entry.read_bytes()) > 100


def test_language_tables_read_back_equal_the_derived_ones(cache: Path) -> None:
    derived = language_profiles.derive_profiles()
    language_profiles.load_profiles()  # derives and stores
    language_profiles.load_profiles.cache_clear()
    read_back = language_profiles.load_profiles()
    assert read_back.langs == derived.langs and read_back.rows == derived.rows
    assert read_back.normalise == derived.normalise
    assert np.array_equal(read_back.log_probs, derived.log_probs)
    ours, theirs = read_back.codes, derived.codes
    assert (ours.base, ours.space) == (theirs.base, theirs.space)
    for a, b in zip((*ours.keys, *ours.key_rows, ours.code_of, ours.upper),
                    (*theirs.keys, *theirs.key_rows, theirs.code_of, theirs.upper), strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert language_profiles.detect("Le boulanger ouvre sa boutique le samedi matin") == "fr"
