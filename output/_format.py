"""Locale-aware number, percent and date formatting for the reports, and safe links."""

from __future__ import annotations

from datetime import datetime, tzinfo
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NBSP = "\u202f"  # narrow no-break space, used before % in French and German
SAFE_SCHEMES = frozenset({"http", "https"})
LOCAL_ZONE = "Europe/Brussels"  # scans are stored in UTC and shown in Belgian time


class Formatter:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.decimal = "." if lang == "en" else ","

    def pct(self, share: float | None) -> str:
        if share is None:
            return "–"
        number = f"{round(share * 100):d}"
        return f"{number}{NBSP}%" if self.lang in ("fr", "de") else f"{number}%"

    def num(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        text = f"{value:.{digits}f}" if digits else f"{round(value):d}"
        return text.replace(".", self.decimal)

    def date(self, iso: str | None) -> str:
        if not iso:
            return "–"
        try:
            moment = datetime.fromisoformat(iso)
        except ValueError:
            return iso[:10]
        if self.lang == "en":
            return moment.strftime("%Y-%m-%d")
        return moment.strftime("%d.%m.%Y" if self.lang == "de" else "%d/%m/%Y")

    def datetime(self, iso: str | None) -> str:
        """Date and time (Belgian time), so two scans of one day stay apart."""
        if not iso:
            return "–"
        try:
            moment = datetime.fromisoformat(iso)
        except ValueError:
            return iso[:16]
        if moment.tzinfo is not None:
            moment = moment.astimezone(_local_zone())
        return f"{self.date(moment.replace(tzinfo=None).isoformat())} {moment:%H:%M}"


def _local_zone() -> tzinfo | None:
    try:
        return ZoneInfo(LOCAL_ZONE)
    except ZoneInfoNotFoundError:  # no time zone data on this machine: keep UTC
        return None


def safe_href(url: object) -> str | None:
    """The URL if it may become a link (absolute http/https, no spaces or controls), else None."""
    if not isinstance(url, str) or not url or any(ord(c) < 33 or c == "\x7f" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return url
