"""Evidence in words: what a probe saw, as a short quote of visible text, never markup.

    evidence_text(signal, item, msg) -> str

- Google fields ("businessStatus: OPERATIONAL") are translated through the catalogue
  (google_fields.*, google_values.*). Google's opening hours come in English
  ("Monday: 9:00 AM – 6:00 PM; Sunday: Closed"): day names and "Closed" are translated
  (google_hours.*) and, outside English, times are written on 24 hours ("9:00 – 18:00").
- The http->https check becomes a sentence.
- HTML fragments lose their tags; when nothing visible is left, the name of what was
  detected (the pattern's first part, e.g. "Bancontact") is shown instead.
"""

from __future__ import annotations

import html
import re
from typing import Any

from output.i18n import Messages

MAX_QUOTE = 140
TAG = re.compile(r"<[^>]*>")
GOOGLE_FIELD = re.compile(r"^([a-zA-Z]+): (.*)$", re.S)
REDIRECT_SIGNAL = "web_presence.http_redirects_to_https"
HOURS_FIELD = "regularOpeningHours"
HOURS_WORDS = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
                         r"|Closed|Open 24 hours)\b")
AM_PM_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?[\s\u202f\u00a0]*([AP])\.?M\.?", re.I)
DETECTED_NAME = re.compile(r"^([^:]{2,40}):(?:html|links|scriptSrc|headers|meta|cookies|url)\b")


def evidence_text(signal: str, item: dict[str, Any], msg: Messages) -> str:
    snippet = str(item.get("snippet") or "")
    pattern = str(item.get("pattern") or "")
    if signal == REDIRECT_SIGNAL:
        return msg("evidence.redirect_yes" if snippet.endswith("True") else "evidence.redirect_no")
    if pattern.startswith("Places") or pattern == "Google Places":
        translated = _google_field(snippet, msg)
        if translated:
            return translated
    quote = visible_text(snippet)
    detected = DETECTED_NAME.match(pattern)
    if detected:  # a fingerprint matched: its name says more than the markup around it
        return msg("evidence.detected", name=detected.group(1))
    return shorten(quote)


def visible_text(fragment: str) -> str:
    """Text a visitor would read: tags (also cut ones at the edges) removed, entities decoded."""
    text = fragment
    first_open, first_close = text.find("<"), text.find(">")
    if first_close != -1 and (first_open == -1 or first_close < first_open):
        text = text[first_close + 1:]  # starts inside a tag: drop its tail
    last_open = text.rfind("<")
    if last_open != -1 and text.find(">", last_open) == -1:
        text = text[:last_open]  # ends inside a tag
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def shorten(text: str, limit: int = MAX_QUOTE) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _google_field(snippet: str, msg: Messages) -> str | None:
    match = GOOGLE_FIELD.match(snippet)
    if not match or not msg.has(f"google_fields.{match.group(1)}"):
        return None
    value = match.group(2).strip()
    if match.group(1) == HOURS_FIELD:
        value = opening_hours_text(value, msg)
    if msg.has(f"google_values.{value}"):
        value = msg(f"google_values.{value}")
    return f"{msg('google_fields.' + match.group(1))} : {shorten(value)}" if msg.lang in (
        "fr",) else f"{msg('google_fields.' + match.group(1))}: {shorten(value)}"


def opening_hours_text(text: str, msg: Messages) -> str:
    """Google's English weekday descriptions with day names (and times) in the report's
    language: "Monday: 9:00 AM – 6:00 PM" -> "lundi : 9:00 – 18:00" in French."""
    def word(found: re.Match[str]) -> str:
        key = f"google_hours.{found.group(1)}"
        return msg(key) if msg.has(key) else found.group(1)

    translated = HOURS_WORDS.sub(word, text)
    if msg.lang == "en":
        return translated
    translated = AM_PM_TIME.sub(_on_24_hours, translated)
    return re.sub(r"(\w): ", r"\1 : ", translated) if msg.lang == "fr" else translated


def _on_24_hours(found: re.Match[str]) -> str:
    hour, minute = int(found.group(1)) % 12, found.group(2) or "00"
    if found.group(3).upper() == "P":
        hour += 12
    return f"{hour}:{minute}"
