"""Opening hours as people write them, FR, NL, DE, EN, IT (probes/opening_hours.py)."""

import dataclasses

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from probes import inspect_html
from probes.opening_hours import (
    DIGIT_RUN,
    TIME_DIGITS,
    _ascii_digit_run_starts,
    _words,
    digit_run_starts,
    load_hours_finder,
)

WRITTEN = [
    "Openingsuren: ma t/m vr 9.00–17.30",
    "Wij zijn open di-za: 9u-18u",
    "Ouvert du lundi au samedi de 9h à 18h",
    "Öffnungszeiten Mo–Fr 9–18 Uhr",
    "Lundi : 9h30 – 12h / 14h – 18h30",
    "Hours of Operation: Monday-Friday 9AM - 4PM",
    "Orari: lunedì - sabato 9:00 - 19:30",
    "Sluitingsdag: maandag. Andere dagen 9-18",
    "Ruhetag: Montag, sonst 10-18",
    "Openingstijden: ma: 12.00 t/m 18.00 di: 10.00 t/m 18.00",
    "tijdens de week enkel na afspraak en op zaterdag tussen 13u en 17u",
    "Elle est ouverte du mardi au samedi, de 7 heures à 12 h 30.",
    "Samstags von 08:00 bis 16:30 Uhr",
    "Hours of Operation: Monday-Friday 9AM - 4PM PST Toll Free 1-800-858-8437",
    "Lundi 9h-12h et 14h-18h",
    "LUNDI : 9H-12H ET 14H-18H",
]
NOT_HOURS = [
    "Customer service Mon-Fri 8am-5pm",
    "Klantenservice: ma t/m vr 9.00-17.00",
    "We sell packs of 10 - 12 items",
    "Le 14 juillet 2024 à Namur",
    "Questions? Monday through Friday 8am - 8pm ET Saturday 9am to 5pm ET or call us",
    "Contact Us: 1-877-833-2633 Hours: M-F 7:00-5:00 PT | Sat 8:30 - 4:30 PT",
    "All Categories Mon - Fri 7am to 7pm CST 1-800-624-4488",
    "Belgien Montag-Freitag 09:00-17:00 Uhr CET (UTC +1)",
    "Maandag tot vrijdag 8u - 18u € 85 na 18u € 95",
    "Notdienst-Nummer: Montag – Sonntag: 7:00 – 23:00 Uhr",
    "Lundi 3 et 4 mai, portes ouvertes",
]


@pytest.mark.parametrize("text", WRITTEN)
def test_written_hours_are_found(text):
    assert load_hours_finder().find(text)


@pytest.mark.parametrize("text", NOT_HOURS)
def test_other_numbers_and_service_lines_are_not_hours(text):
    assert load_hours_finder().find(text) is None


def test_a_time_zone_after_hours_is_checked_right_after_them():
    finder = load_hours_finder()
    assert finder.remote_after.match(" ET Saturday") and finder.remote_after.match(" (PST)")
    assert not finder.remote_after.match(" et samedi")  # French "and", lower case
    assert not finder.remote_after.match(" ET 14H-18H") and not finder.remote_after.match(
        " ET DE 14H À 18H")  # an upper-case French "et" before the next hours
    assert finder.price_after.match(" € 85") and not finder.price_after.match(" 85 €")


def test_one_row_per_day_in_a_table():
    rows = "".join(f"<tr><td>{day}</td><td>{hours}</td></tr>" for day, hours in (
        ("Maandag", "gesloten"), ("Dinsdag", "9:00 - 18:00"), ("Woensdag", "9:00 - 18:00")))
    html = f"<html><body><h2>Openingsuren</h2><table>{rows}</table></body></html>"
    assert inspect_html(html, "https://bakkerij.example.be/")["signals"][
        "web_presence.opening_hours"] is True


@pytest.mark.parametrize("text", [
    "Mardi 10h00 18h30",
    "9h00 10h00 18h00 mardi 10h00 18h00",  # clock pairs that overlap, the day before the second
    "vendredi.  9h00 18h00",
    "jeudi 9h00 18h00x",  # a letter right after: no row
    "Lundi 9h00 Mardi 10h00 18h00 Mercredi 10h00 18h00",
    "x" * 100 + " samedi : 10.00 17.30 dimanche 10.00 12.00",
    "Page 12h00 18h00 without a day",
    "Lundi ٣ 9h00 Mardi 10h00 18h00",  # another digit: a run of its own
    "Mardi ١٠h٠٠ ١٨h٣٠",  # Arabic-Indic digits are \d too
    "mardi 110h00 18h00 mercredi 10h00 118h00 jeudi 2024 10h00 18h00",  # long runs start none
])
def test_day_cells_found_near_clock_times_as_a_full_search_finds_them(text):
    finder = load_hours_finder()
    full = finder.day_cells.search(text)
    fast = finder._day_cells(text, digit_run_starts(text, TIME_DIGITS))
    assert (fast and (fast.span(), fast.group(0))) == (full and (full.span(), full.group(0)))


@pytest.mark.parametrize(("text", "starts"), [
    ("ab 12 c3 x456_7", [3, 7, 10, 14]),
    ("9h-18h", [0, 3]),
    ("", []),
    ("Lundi 9h ١٢", [6, 9]),  # Arabic-Indic digits: a regex \d matches them
    ("Prix ² ½ 5", [9]),  # numeric, but not \d
])
def test_digit_run_starts(text, starts):
    assert digit_run_starts(text) == starts


@pytest.mark.parametrize(("text", "longest", "starts"), [
    ("ab 12 c3 x456_7 2024", 2, [3, 7, 14]),
    ("ab 12 c3 x456_7 2024", 3, [3, 7, 10, 14]),
    ("9h-18h 1000", 1, [0]),
    ("", 2, []),
    ("Lundi 9h ١٢٣", 2, [6]),
])
def test_digit_run_starts_of_short_runs(text, longest, starts):
    assert digit_run_starts(text, longest) == starts


@given(st.lists(st.sampled_from(["9", "18", "2024", "x", " ", "é", "€", "²", "٣", "𝟗", "\ud800",
                                 "0"]), max_size=40).map("".join), st.sampled_from([None, 1, 2]))
@settings(max_examples=300, deadline=None)
def test_digit_runs_found_by_numpy_as_the_regex_finds_them(text, longest):
    """numpy's ASCII runs are the regex's, or it declines ("٣", "𝟗" and lone surrogates)."""
    runs = [m for m in DIGIT_RUN.finditer(text) if longest is None or len(m.group()) <= longest]
    fast = _ascii_digit_run_starts(text, longest)
    assert fast is None or fast == [m.start() for m in runs]
    assert (fast is None) == any(char.isdecimal() and not "0" <= char <= "9"
                                 or "\ud800" <= char <= "\udfff" or char > "\uffff"
                                 for char in text)
    assert digit_run_starts(text * 400, longest) == [
        m.start() for m in DIGIT_RUN.finditer(text * 400)
        if longest is None or len(m.group()) <= longest]


@settings(max_examples=300, deadline=None)
@example(["9", "-", "18", "-", "20"])  # a run of digits inside a match starts none of its own
@example(["lundi", " ", "9", "h", "-", "12", "h", "-", "14", "h", "٣"])
@example(["2024", "-", "18", "h"])  # a run too long to be a time starts no range
@given(st.lists(st.sampled_from(["9", "18", "h", "u", ":", "30", ".", " ", "-", "–", "à",
                                 "de", "tot", "lundi", "ma", "x", "_", "é", "٣", "\n", "2024",
                                 "0"]),
                max_size=30))
def test_time_ranges_found_at_digit_runs_as_a_full_search_finds_them(parts):
    text = "".join(parts)
    finder = load_hours_finder()
    full = [m.span() for m in finder.time_range.finditer(text)]
    starts = digit_run_starts(text, TIME_DIGITS)
    assert [m.span() for m in finder._time_ranges(text, starts)] == full


@pytest.mark.parametrize("text", [
    "Openingsuren: enkel op afspraak",
    "OPENINGSUREN : UNIQUEMENT SUR RENDEZ-VOUS",
    "Öffnungszeiten nach Vereinbarung",
    "Sur rendez-vous, sans horaires",  # the phrase without a heading
    "Horaires d'ouverture du magasin",  # a heading without the phrase
    "Prix en € – HORAIRES : SUR RENDEZ-VOUS",  # € is outside Latin-1: "?" in the view
    "Openingsuren: op afſpraak",  # ſ: the case-folded text, not the Latin-1 view
])
def test_appointment_searched_only_where_its_phrase_is_as_the_full_search(text):
    finder = load_hours_finder()
    full = finder.appointment.search(text)
    fast = finder._appointment(text, finder._word_starts(text)[0])
    assert (fast and (fast.span(), fast.group(0))) == (full and (full.span(), full.group(0)))


@pytest.mark.parametrize("text", [
    "Fermé le dimanche",
    "9h-18h. FERMÉ: lundi, gesloten op zondag",
    "Closed Sunday, ruhetag montag",
    "closedclosed sunday",  # no closing word on its own: no match there
    "Nous sommes fermés. Fermeture annuelle, fermé le lundi",
    "Geschloſſen",  # ſ: compared as s by re.IGNORECASE, and in the case-folded text
    "Nothing closed here",
    "10 € – FERMÉ LE LUNDI",  # € is outside Latin-1: "?" in the view
])
def test_closing_day_searched_only_where_its_words_are_as_the_full_search(text):
    finder = load_hours_finder()
    full = finder.closed.search(text)
    fast = finder._closed(text, finder._word_starts(text)[1])
    assert (fast and (fast.span(), fast.group(0))) == (full and (full.span(), full.group(0)))


def test_schema_opening_hours_specification():
    html = ('<html><body><script type="application/ld+json">{"@type": "Bakery", '
            '"openingHoursSpecification": [{"dayOfWeek": "Monday", "opens": "08:00", '
            '"closes": "18:00"}]}</script><p>Boulangerie</p></body></html>')
    assert inspect_html(html, "https://boulangerie.example.be/")["signals"][
        "web_presence.opening_hours"] is True


class _NoGate:
    def candidates(self, text):
        return None


HOURS_PIECES = [*WRITTEN, *NOT_HOURS, " ", ". ", "x", "12,50 €", "n°3", "Lundi", "9h-18h",
                "10h00 18h00", "fermé le lundi", "sur rendez-vous", "\u202f", "–", "٣"]


@given(st.lists(st.sampled_from(HOURS_PIECES), max_size=12).map("".join))
@settings(max_examples=200, deadline=None)
def test_hours_found_with_the_gate_as_without_it(text):
    finder = load_hours_finder()
    assert finder.find(text) == dataclasses.replace(finder, gate=_NoGate()).find(text)


def test_word_alternations_are_the_same_in_every_process():
    """Longest first, then alphabetical: not a set's order (the disk cache of compiled
    matchers is keyed by the pattern)."""
    assert _words(["mo", "di", "maandag", "ma", "di"]) == "maandag|di|ma|mo"
