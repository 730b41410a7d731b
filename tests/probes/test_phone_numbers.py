import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneMetadata

from probes import phone_numbers
from probes.phone_numbers import (
    _PATTERN,
    MAX_PHONE_TRIES,
    MIN_VALID_PHONE_DIGITS,
    QUICK_FIND,
    _QuickMatcher,
    first_in_text,
)
from probes.settings import PHONE_REGION


def _library_answer(text: str) -> tuple[str, str] | None:
    for m in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION, max_tries=MAX_PHONE_TRIES):
        return phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164), \
            m.raw_string
    return None


def _shortest(metadata: PhoneMetadata | None, with_code: bool) -> int:
    assert metadata is not None and metadata.general_desc is not None
    lengths = [n for n in metadata.general_desc.possible_length if n > 0]
    return min(lengths) + (len(str(metadata.country_code)) if with_code else 0)


def test_no_valid_number_is_shorter_than_the_shortcut_assumes() -> None:
    regions = [PhoneMetadata.metadata_for_region(r) for r in phonenumbers.SUPPORTED_REGIONS]
    regions += [PhoneMetadata.metadata_for_nongeo_region(cc)
                for cc in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    with_code = min(_shortest(m, with_code=True) for m in regions)
    home = _shortest(PhoneMetadata.metadata_for_region(PHONE_REGION), with_code=False)
    assert min(with_code, home) >= MIN_VALID_PHONE_DIGITS


@pytest.mark.parametrize("text", [
    "Rue Haute 12, 6720 Habay. Tél. 063 42 11 22 — ouvert 9h-18h",
    "© 2024 Ma Boutique · 6720 Habay · +32 63 42 11 22 · TVA BE 0123.456.789",
    "Prix 12,99 € 129,99 € 1999 € Tel: +49 30 1234567",
    "Call 0800-FLOWERS or +1 650-253-0000 today",
    "Notre numéro : 0470 12 34 56, fax 063/42.11.23",
    "Postcodes 1000 1050 1180 4000 5000 6000 7000 8000 9000 and dates 01/12/2024",
])
def test_same_answer_as_the_library(text: str) -> None:
    assert first_in_text(text) == _library_answer(text)


def test_the_copied_search_is_used_with_the_version_it_copies() -> None:
    if phonenumbers.__version__ != "9.0.43":
        pytest.skip("_QuickMatcher._find copies phonenumbers 9.0.43's _find")
    assert QUICK_FIND


def test_another_library_version_gets_its_own_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phone_numbers, "QUICK_FIND", False)
    text = "6720 Habay, 1999, Tél. 063 42 11 22 ou +32 63 42 11 23"
    assert first_in_text(text) == _library_answer(text) == ("+3263421122", "063 42 11 22")


@pytest.mark.parametrize(("before", "found"), [(MAX_PHONE_TRIES - 1, True),
                                               (MAX_PHONE_TRIES, False)])
def test_short_candidates_still_count_as_tries(before: int, found: bool) -> None:
    text = " ".join(f"item {1000 + i};" for i in range(before)) + " appelez le 063 42 11 22"
    assert first_in_text(text) == _library_answer(text)
    assert (first_in_text(text) is not None) is found


def test_finds_a_number_after_short_candidates() -> None:
    assert first_in_text("6720 Habay, 1999, 063 42 11 22") == ("+3263421122", "063 42 11 22")


PHONE_PIECES = ["0", "63", "42 11 22", "+", "+32", "(", ")", "[", "（", "＋", " ", "-", ".",
                "/", "Tél.", "ext. 5", "x", "2024", "01/12/2024", "€", "٣", "tel:", "\n"]


@settings(max_examples=300, deadline=None)
@example(["(", "x", " ", "+", " ", "063", " ", "42 11 22"])  # leads that start no candidate
@given(st.lists(st.sampled_from(PHONE_PIECES), max_size=25))
def test_candidates_and_numbers_as_the_library_finds_them(parts: list[str]) -> None:
    if not QUICK_FIND:
        pytest.skip("this phonenumbers version gets its own search")
    text = "".join(parts)
    matcher = _QuickMatcher(text, PHONE_REGION, max_tries=MAX_PHONE_TRIES)
    for index in range(len(text) + 1):
        mine, theirs = matcher._next_candidate(index), _PATTERN.search(text, index)
        assert (mine and mine.span()) == (theirs and theirs.span())
    assert first_in_text(text) == _library_answer(text)
