"""Google's opening hours (English weekday descriptions) read in the report's language."""

from __future__ import annotations

import pytest

from output._evidence import evidence_text
from output.i18n import LANGUAGES, load_messages, load_table

ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SNIPPET = ("regularOpeningHours: Monday: 9:00\u202fAM\u2009–\u20096:30\u202fPM; "
           "Tuesday: Closed; Wednesday: Open 24 hours; Friday: 12:00\u202fPM – 12:30\u202fAM")
ITEM = {"snippet": SNIPPET, "pattern": "Places regularOpeningHours", "url": None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_day_names_in_the_report_language(lang: str) -> None:
    text = evidence_text("google_listing.hours", ITEM, load_messages(lang))
    table = load_table(lang)
    for day in ("Monday", "Tuesday", "Wednesday", "Friday"):
        assert table[f"google_hours.{day}"] in text
    assert table["google_hours.Closed"] in text
    assert table["google_hours.Open 24 hours"] in text
    if lang != "en":
        assert not any(day in text for day in ENGLISH_DAYS)
        assert "AM" not in text and "PM" not in text
        assert "18:30" in text and "12:00" in text and "0:30" in text  # on 24 hours


def test_every_weekday_is_in_every_catalogue() -> None:
    for lang in LANGUAGES:
        names = [load_table(lang)[f"google_hours.{day}"] for day in ENGLISH_DAYS]
        assert len(set(names)) == len(ENGLISH_DAYS), lang
