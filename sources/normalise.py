"""Comparable keys for merging: phone (E.164) and street address (the website domain is
core.text.shop_domain)."""

from __future__ import annotations

import re

import phonenumbers

from core.text import fold

PHONE_REGION = "BE"
# Street words written in full or abbreviated: all reduced to one form.
STREET_ABBREVIATIONS = {
    "r": "rue", "av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard",
    "boul": "boulevard", "ch": "chaussee", "chee": "chaussee", "chau": "chaussee", "pl": "place",
    "str": "straat", "stwg": "steenweg", "stw": "steenweg", "ln": "laan", "rte": "route",
    "imp": "impasse", "sq": "square", "gd": "grand", "gde": "grande", "st": "saint",
    "ste": "sainte",
}


def phone_key(raw: str | None) -> str | None:
    """'+32 81 23 45 67' / '081 23 45 67' -> '+3281234567'; None if not a valid number."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def address_key(address: str | None) -> str | None:
    """'R. Haute, 12' / 'rue haute 12' -> 'rue haute 12'; None when empty."""
    if not address:
        return None
    words = re.findall(r"[a-z]+|\d+[a-z]?", fold(address).replace("'", " "))
    words = [STREET_ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(words) or None


def house_number(address: str | None) -> str | None:
    key = address_key(address)
    if not key:
        return None
    numbers = re.findall(r"\b\d+[a-z]?\b", key)
    return numbers[0] if numbers else None
