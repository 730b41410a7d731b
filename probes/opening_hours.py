"""Opening hours in visible text, as people write them (patterns in data/opening_hours.toml).

    finder = load_hours_finder()
    finder.find("Openingsuren: ma t/m vr 9.00–17.30")  # -> "ma t/m vr 9.00–17.30"

A day or a day range followed closely by a time range, in FR, NL, DE, EN or IT; also a
table with one row per day (its cells come out of the page as "Lundi 9h-18h"). Hours
that follow a customer-service word are a phone line's, not the business's.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HOURS_FILE = Path(__file__).parent / "data" / "opening_hours.toml"
SERVICE_WINDOW = 100  # characters before the hours in which a service word disqualifies them
LIST_KEYS = ("days", "day_joiners", "time_joiners", "closed_words", "service_words")


class HoursDataError(ValueError):
    """data/opening_hours.toml is malformed."""


@dataclass(frozen=True, slots=True)
class HoursFinder:
    hours: re.Pattern[str]  # a day (range) then a time range
    closed: re.Pattern[str]  # a closing day ("fermé le dimanche", "Ruhetag: Montag")
    time_range: re.Pattern[str]
    service: re.Pattern[str]

    def find(self, text: str) -> str | None:
        """The first day-and-hours of `text` that is not a service line's, or None."""
        for m in self.hours.finditer(text):
            if not self.service.search(text, max(0, m.start() - SERVICE_WINDOW), m.start()):
                return m.group(0)
        closed = self.closed.search(text)
        if closed and self.time_range.search(text):
            return closed.group(0)
        return None


def _words(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


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
    if not isinstance(data.get("time"), str) or not isinstance(data.get("max_gap"), int):
        raise HoursDataError(f"{path.name}: needs 'time' (a regex) and 'max_gap' (a number)")
    day = rf"(?<!\w)(?:{_words(data['days'])})\.?(?!\w)"
    days = rf"{day}(?:\s*(?:{_words(data['day_joiners'])})\s*{day})*"
    time = data["time"]
    time_range = rf"(?<![\d\w]){time}\s*(?:{_words(data['time_joiners'])})\s*{time}(?![\d\w])"
    flags = re.IGNORECASE
    try:
        return HoursFinder(
            hours=re.compile(rf"{days}[^\d]{{0,{data['max_gap']}}}?{time_range}", flags),
            closed=re.compile(rf"(?<!\w)(?:{_words(data['closed_words'])})\W{{1,6}}(?:\w+\W+)?"
                              rf"{day}", flags),
            time_range=re.compile(time_range, flags),
            service=re.compile(rf"(?<!\w)(?:{_words(data['service_words'])})(?!\w)", flags))
    except re.error as exc:
        raise HoursDataError(f"{path.name}: bad pattern: {exc}") from exc
