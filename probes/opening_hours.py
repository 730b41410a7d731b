"""Opening hours in visible text, as people write them (patterns in data/opening_hours.toml).

    finder = load_hours_finder()
    finder.find("Openingsuren: ma t/m vr 9.00–17.30")  # -> "ma t/m vr 9.00–17.30"

A time range ("9.00–17.30", "9u-18u", "с 8:30 до 17:00") preceded closely by a day or a
day range, in FR, NL, DE, EN, IT (and RU); or by an hours heading ("Openingsuren",
"Öffnungszeiten"); a table with one row per day comes out of the page as "Lundi 9h-18h".
The text is scanned for time ranges (cheap: they start with a digit) and only the few
characters before each are searched for days. Hours that follow a customer-service or
delivery word are a phone line's or a delivery slot's, not the business's; hours followed by
a time zone ("8am - 8pm ET") are a remote line's unless an hours heading introduces them;
a time range followed by a price ("8u - 18u € 85") is a rate.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from core.text import case_folded, first_match_at, matches_at, occurrences
from probes.term_scan import TermScanner, TextPrefilter, latin1_view

HOURS_FILE = Path(__file__).parent / "data" / "opening_hours.toml"
SERVICE_WINDOW = 100  # characters before the hours in which a service word disqualifies them
DIGIT_RUN = re.compile(r"\d\d*")  # not \d+: a first single class lets the engine scan for it
NUMPY_DIGITS_FROM = 8_000  # characters: from here numpy finds the runs faster than DIGIT_RUN
FIRST_OTHER_DIGIT = 0x660  # the first \d outside ASCII (ARABIC-INDIC DIGIT ZERO)
# Digits a time starts with ("9h", "18:30"): a longer run of digits ("2024", "1000") starts
# no time range nor clock time (the data file's `time` and the clock of `day_cells`).
TIME_DIGITS = 2
DAYS_LOOKBACK = 90  # characters before a time range searched for its day (range)
BARE_DASH_RANGE = re.compile(r"\d{1,2}\s*[-–—]\s*\d{1,2}")
BARE_NUMBER = re.compile(r"\d+")
LIST_KEYS = ("days", "day_joiners", "time_joiners", "pair_joiners", "closed_words",
             "service_words", "heading_words", "appointment_words", "time_zones",
             "currency_signs")
INT_KEYS = ("max_gap", "heading_window", "continuation_window")


class HoursDataError(ValueError):
    """data/opening_hours.toml is malformed."""


@dataclass(frozen=True, slots=True)
class HoursFinder:
    time_range: re.Pattern[str]
    days_before: re.Pattern[str]  # a day (range) and a short gap, ending where searched
    heading_before: re.Pattern[str]  # an hours heading, then up to heading_window characters
    appointment: re.Pattern[str]  # a heading followed by "op afspraak", "sur rendez-vous"…
    appointment_words: tuple[str, ...]  # "op afspraak", "sur rendez-vous"… in lower case
    day_cells: re.Pattern[str]  # a table row "Mardi | 10h00 | 18h30": two clock times, no joiner
    cell_times: re.Pattern[str]  # where two clock times start (group 1: both), cheap to find
    cell_reach: int  # longest day and gap that day_cells puts before its clock times
    closed: re.Pattern[str]  # a closing day ("fermé le dimanche", "Ruhetag: Montag")
    closed_words: tuple[str, ...]  # where a `closed` match starts, in lower case
    service: re.Pattern[str]
    remote_after: re.Pattern[str]  # a time zone right after a time range (case-sensitive)
    price_after: re.Pattern[str]  # a currency sign right after a time range
    continuation: int
    words: TermScanner | None  # appointment_words then closed_words (None: not all Latin-1)
    gate: TextPrefilter  # time_range, then two clock times (cell_times' group)

    def find(self, text: str) -> str | None:
        """The first hours of `text` that are not a service line's, or None.

        One hyperscan pass (`gate`) tells whether a time range or two clock times may stand
        in the text; the digit runs where they would start are looked for only then."""
        bad_until = -1
        any_range = False
        may = self.gate.candidates(text)
        ranges, pairs = may is None or 0 in may, may is None or 1 in may
        starts = digit_run_starts(text, TIME_DIGITS) if ranges or pairs else []
        for tr in self._time_ranges(text, starts if ranges else []):
            any_range = True
            if not _plausible(tr.group(0)):
                continue
            start = self._start_of(text, tr.start())
            if start is None:
                continue
            if (start <= bad_until or self.price_after.match(text, tr.end())
                    or self.service.search(text, max(0, start - SERVICE_WINDOW), start)
                    or self._remote(text, start, tr.end())):
                bad_until = tr.end() + self.continuation
                continue
            return text[start:tr.end()]
        found = self._day_cells(text, starts) if pairs else None
        if found is None:
            phrase, closing = self._word_starts(text)
            found = self._appointment(text, phrase) or (
                self._closed(text, closing) if any_range else None)
        return found.group(0) if found else None

    def _word_starts(self, text: str) -> tuple[bool, list[int]]:
        """Whether `text` may hold an appointment phrase, and where a closing word may start
        (a superset of where they stand in case_folded(text), as re.IGNORECASE compares),
        from one hyperscan pass over its Latin-1 view (probes/term_scan.py); a text that
        view cannot read is case-folded and searched word by word."""
        view = latin1_view(text) if self.words is not None else None
        if view is None:
            lower = case_folded(text)
            return (any(word in lower for word in self.appointment_words),
                    [at for word in self.closed_words for at in occurrences(lower, word)])
        assert self.words is not None
        found = self.words.occurrences(view)
        phrases = len(self.appointment_words)  # the first words, then the closing words
        return any(index < phrases for _, index in found), [at for at, i in found if i >= phrases]

    def _appointment(self, text: str, phrase: bool) -> re.Match[str] | None:
        """appointment.search(text), only on a text that may hold one of its phrases
        (`_word_starts`; the regex over every page cost 0.5 ms, and the phrases are rare)."""
        return self.appointment.search(text) if phrase else None

    def _closed(self, text: str, starts: list[int]) -> re.Match[str] | None:
        """closed.search(text), tried only at `starts`, where a closing word may start
        (`_word_starts`): the same leftmost match, without trying every position."""
        return first_match_at(self.closed, text, starts)

    def _time_ranges(self, text: str, starts: list[int]) -> Iterator[re.Match[str]]:
        """time_range.finditer(text), tried only where a run of at most TIME_DIGITS digits
        starts (a time range starts with a time's one or two digits, after no letter or
        digit): the same matches."""
        return matches_at(self.time_range, text, starts)

    def _day_cells(self, text: str, starts: list[int]) -> re.Match[str] | None:
        """day_cells.search(text), tried only just before each pair of clock times.

        Same leftmost match: days hold no digit, so a match's day cannot reach over an
        earlier pair. One character past the pair lets the final lookahead see it. A pair
        starts where a run of one or two digits does (`starts`).
        """
        for pair in filter(None, map(partial(self.cell_times.match, text), starts)):
            found = self.day_cells.search(text, max(0, pair.start() - self.cell_reach),
                                          pair.end(1) + 1)
            if found:
                return found
        return None

    def _remote(self, text: str, start: int, end: int) -> bool:
        """A time zone follows the hours and no hours heading introduces them."""
        if not self.remote_after.match(text, end):
            return False
        return not self.heading_before.search(text, max(0, start - DAYS_LOOKBACK), start)

    def _start_of(self, text: str, at: int) -> int | None:
        """Where the day (range) or heading that introduces the time range at `at` starts."""
        lo = max(0, at - DAYS_LOOKBACK)
        if lo:
            lo = text.find(" ", lo, at) + 1  # a whole word first
        m = self.days_before.search(text, lo, at) or self.heading_before.search(text, lo, at)
        return m.start() if m else None


def digit_run_starts(text: str, longest: int | None = None) -> list[int]:
    r"""Where each run of digits (regex \d: "٣" too) of `text` starts; only the runs of at
    most `longest` digits, when given. The regex begins with a single character class, so
    the engine scans for a digit instead of trying the whole pattern at every position; on a
    long text numpy finds the runs of ASCII digits faster (`_ascii_digit_run_starts`)."""
    if len(text) >= NUMPY_DIGITS_FROM and (
            found := _ascii_digit_run_starts(text, longest)) is not None:
        return found
    if longest is None:
        return [m.start() for m in DIGIT_RUN.finditer(text)]
    return [m.start() for m in DIGIT_RUN.finditer(text) if m.end() - m.start() <= longest]


def _ascii_digit_run_starts(text: str, longest: int | None) -> list[int] | None:
    """digit_run_starts(text, longest) from the text's UTF-16 code units with numpy; None
    for a text that holds a digit outside ASCII ("٣") or a character outside the BMP."""
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    high = units[units >= FIRST_OTHER_DIGIT]
    if high.size and any(chr(unit).isdecimal() or 0xD800 <= unit < 0xE000
                         for unit in np.unique(high).tolist()):
        return None
    edges = np.diff(((units - ord("0")) < 10).view(np.int8), prepend=np.int8(0),
                    append=np.int8(0))  # 1 where a run starts, -1 after its last digit
    starts = np.flatnonzero(edges == 1)
    if longest is not None:
        starts = starts[np.flatnonzero(edges == -1) - starts <= longest]
    return starts.tolist()


def _plausible(time_range: str) -> bool:
    """False for bare numbers that read as a score or a date ("3-1", "12-02", "0-9").

    A range with a unit or minutes ("9u", "9:30", "5pm") or a word joiner ("10 tot 18") is
    kept; two bare numbers joined by a dash must look like a working day (5 <= from < to).
    """
    if not BARE_DASH_RANGE.fullmatch(time_range):
        return True
    first, second = BARE_NUMBER.findall(time_range)
    return not first.startswith("0") and 5 <= int(first) < int(second) <= 24


def _words(words: list[str]) -> str:
    """An alternation of `words`, longest first; words of one length in alphabetical order,
    so that the pattern is the same in every process (a set's order is not: the disk cache
    of compiled matchers is keyed by the pattern). Two words of one length never match at
    the same place, so their order changes no match."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=2)
def load_hours_finder(path: Path = HOURS_FILE) -> HoursFinder:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise HoursDataError(f"cannot read {path}: {exc}") from exc
    for key in LIST_KEYS:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise HoursDataError(f"{path.name}: '{key}' must be a non-empty list of strings")
    if not all(isinstance(data.get(k), str) for k in ("time", "timed")) or not all(
            isinstance(data.get(k), int) for k in INT_KEYS):
        raise HoursDataError(f"{path.name}: needs 'time' and 'timed' (regexes) and "
                             f"{', '.join(INT_KEYS)}")
    if any(ch.isdigit() for day in data["days"] for ch in day):
        raise HoursDataError(f"{path.name}: 'days' must hold no digit")
    try:
        return _compile(data)
    except re.error as exc:
        raise HoursDataError(f"{path.name}: bad pattern: {exc}") from exc


def _compile(data: dict) -> HoursFinder:
    day = rf"(?<!\w)(?:{_words(data['days'])})\.?(?!\w)"
    days = rf"{day}(?:\s*(?:{_words(data['day_joiners'])})\s*{day})*"
    time, timed = data["time"], data["timed"]
    # (?=\d) first: the engine gives up at once where no digit starts (3x fewer steps)
    time_range = (rf"(?=\d)(?<![\d\w]){time}(?:\s*(?:{_words(data['time_joiners'])})\s*{time}"
                  rf"|\s+(?:{_words(data['pair_joiners'])})\s+{timed})(?![\d\w])")
    clock = r"(?<![\d\w])(?:[01]?\d|2[0-4])\s?[h:.u]\s?[0-5]\d(?![\d\w])"  # 10h00, 18:30
    heading = rf"(?<!\w)(?:{_words(data['heading_words'])})(?!\w)"
    pair = rf"{clock}\s{clock}"
    flags = re.IGNORECASE
    time_range_regex = re.compile(time_range, flags)
    appointment_words = tuple(word.lower() for word in data["appointment_words"])
    closed_words = tuple(word.lower() for word in data["closed_words"])
    return HoursFinder(
        time_range=time_range_regex,
        days_before=re.compile(rf"{days}[^\d]{{0,{data['max_gap']}}}$", flags),
        heading_before=re.compile(rf"{heading}.{{0,{data['heading_window']}}}$", flags),
        appointment=re.compile(rf"{heading}.{{0,{data['heading_window']}}}?"
                               rf"(?:{_words(data['appointment_words'])})(?!\w)", flags),
        appointment_words=appointment_words,
        day_cells=re.compile(rf"{day}\s?:?\s?{clock}\s{clock}", flags),
        cell_times=re.compile(rf"(?=({pair}))", flags),
        cell_reach=max(map(len, data["days"])) + len(".") + len(" : "),
        closed=re.compile(rf"(?<!\w)(?:{_words(data['closed_words'])})\W{{1,6}}(?:\w+\W+)?"
                          rf"{day}", flags),
        closed_words=closed_words,
        service=re.compile(rf"(?<!\w)(?:{_words(data['service_words'])})(?!\w)", flags),
        remote_after=re.compile(rf"[\s(]{{1,3}}(?:{_words(data['time_zones'])})(?![A-Za-z])"
                                rf"(?!(?i:\s*(?:de\s+)?{timed}))"),  # "9H-12H ET 14H-18H": French
        price_after=re.compile(rf"\s{{0,3}}(?:{_words(data['currency_signs'])})"),
        continuation=data["continuation_window"],
        words=_term_scanner([*appointment_words, *closed_words]),
        gate=TextPrefilter((time_range_regex, re.compile(pair, flags))))


def _term_scanner(words: list[str]) -> TermScanner | None:
    try:
        return TermScanner(words)
    except ValueError:  # a word outside Latin-1: _word_starts searches them one by one
        return None
