"""Named defaults of the probes package and the loaders of its data files."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from probes.fingerprints import FingerprintError, Pattern, parse_pattern

DATA_DIR = Path(__file__).parent / "data"
FRESH_YEARS = 2  # copyright year or Last-Modified this recent counts as "fresh"
PHONE_REGION = "BE"  # default region for numbers written without +32
MAX_PHONE_TEXT = 6_000  # last characters of visible text scanned for phone numbers
LANGDETECT_CHARS = 600  # characters given to langdetect's profiles when stopwords do not decide
LANG_MIN_STOPWORDS = 8  # stopword hits needed to decide without langdetect
LANG_MIN_STOPWORDS_ALONE = 3  # enough when no other language has a single stopword
LANG_DOMINANCE = 3.0  # top language must beat every other one (markers too) by this factor
LANG_TEXT_CHARS = 4_000  # characters of visible text used for language detection


class DataFileError(ValueError):
    """A probes data file is malformed."""


@dataclass(frozen=True, slots=True)
class WebshopRules:
    threshold: float
    weights: dict[str, float]
    min_prices: int
    strong_platform_confidence: int
    add_to_cart_attr: re.Pattern[str]
    cart_form_action: re.Pattern[str]
    price: re.Pattern[str]
    pickup_platform_option: tuple[Pattern, ...]  # searched in raw HTML: literal pre-check
    markup_words: dict[str, frozenset[bytes]]  # kind -> lower-case ASCII words of the markup
    markup_unless: dict[str, frozenset[bytes]]  # kind -> words that cancel it when present

    @property
    def markup_vocabulary(self) -> frozenset[bytes]:
        """Every word of `markup_words` and `markup_unless`."""
        return frozenset().union(*self.markup_words.values(), *self.markup_unless.values())


@dataclass(frozen=True, slots=True)
class SchemaVocabulary:
    local_business: frozenset[str]
    suffixes: tuple[str, ...]
    product: frozenset[str]
    offer: frozenset[str]
    rating: frozenset[str]
    pickup_values: tuple[str, ...]

    def is_local_business(self, schema_type: str) -> bool:
        return schema_type in self.local_business or schema_type.endswith(self.suffixes)


# Kinds of webshop evidence found in visible labels, links, schema.org and fingerprints.
EVIDENCE_KINDS = ("add_to_cart_control", "add_to_cart_form", "cart_link", "checkout_link",
                  "schema_offer", "og_product_price", "ecommerce_platform_strong",
                  "ecommerce_platform_weak", "prices", "payment_method", "shop_link",
                  "checkout_text")
# Kinds found as whole words of the raw markup (class names, ids, URLs, scripts): they work
# whatever the page's language. Their words are listed in webshop.toml [markup_words].
MARKUP_KINDS = ("cart_url", "cart_markup", "checkout_markup", "quantity_markup", "account_markup")
WEIGHT_NAMES = EVIDENCE_KINDS + MARKUP_KINDS


def _toml(name: str) -> dict:
    try:
        return tomllib.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"cannot read probes/data/{name}: {exc}") from exc


def _union(patterns: list[str], where: str) -> re.Pattern[str]:
    if not patterns or not all(isinstance(p, str) for p in patterns):
        raise DataFileError(f"{where}: needs a non-empty list of regexes")
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error as exc:
        raise DataFileError(f"{where}: bad regex: {exc}") from exc


def _patterns(patterns: list[str] | None, where: str) -> tuple[Pattern, ...]:
    _union(patterns or [], where)  # validates
    try:
        return tuple(parse_pattern(p) for p in patterns or [])
    except FingerprintError as exc:
        raise DataFileError(f"{where}: {exc}") from exc


@lru_cache(maxsize=1)
def load_webshop_rules() -> WebshopRules:
    data = _toml("webshop.toml")
    weights = data.get("weights", {})
    missing = [w for w in WEIGHT_NAMES if not isinstance(weights.get(w), int | float)]
    extra = set(weights) - set(WEIGHT_NAMES)
    if missing or extra:
        raise DataFileError(f"webshop.toml weights: missing {missing}, unknown {sorted(extra)}")
    pats, limits = data.get("patterns", {}), data.get("limits", {})
    return WebshopRules(
        threshold=float(data["threshold"]), weights={k: float(v) for k, v in weights.items()},
        min_prices=int(limits.get("min_prices", 3)),
        strong_platform_confidence=int(limits.get("strong_platform_confidence", 80)),
        add_to_cart_attr=_union(pats.get("add_to_cart_attr"), "add_to_cart_attr"),
        cart_form_action=_union(pats.get("cart_form_action"), "cart_form_action"),
        price=_union(pats.get("price"), "price"),
        pickup_platform_option=_patterns(pats.get("pickup_platform_option"),
                                         "pickup_platform_option"),
        markup_words=_markup_words(data.get("markup_words", {})),
        markup_unless=_markup_unless(data.get("markup_unless", {})))


def _markup_words(table: dict) -> dict[str, frozenset[bytes]]:
    if set(table) != set(MARKUP_KINDS) - {"cart_url"}:
        raise DataFileError(f"webshop.toml [markup_words]: needs exactly {list(MARKUP_KINDS[1:])}")
    return {kind: _word_set(values, f"[markup_words] {kind}") for kind, values in table.items()}


def _markup_unless(table: dict) -> dict[str, frozenset[bytes]]:
    if set(table) - set(MARKUP_KINDS[1:]):
        raise DataFileError(f"webshop.toml [markup_unless]: kinds among {list(MARKUP_KINDS[1:])}")
    return {kind: _word_set(values, f"[markup_unless] {kind}") for kind, values in table.items()}


def _word_set(values: object, where: str) -> frozenset[bytes]:
    if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v.isascii() and v.isalnum() and v == v.lower() for v in values):
        raise DataFileError(f"webshop.toml {where}: lower-case ASCII words")
    return frozenset(v.encode() for v in values)


@lru_cache(maxsize=1)
def load_schema_vocabulary() -> SchemaVocabulary:
    data = _toml("schema.toml")
    lists = {}
    for key in ("local_business", "suffixes", "product", "offer", "rating", "pickup_values"):
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise DataFileError(f"schema.toml: '{key}' must be a non-empty list")
        lists[key] = value
    return SchemaVocabulary(frozenset(lists["local_business"]), tuple(lists["suffixes"]),
                            frozenset(lists["product"]), frozenset(lists["offer"]),
                            frozenset(lists["rating"]), tuple(lists["pickup_values"]))


@dataclass(frozen=True, slots=True)
class DistinctWords:
    """Words that tell a language langdetect cannot name from the one it names instead."""

    lang: str
    instead_of: frozenset[str]
    min_hits: int
    words: frozenset[str]


@dataclass(frozen=True, slots=True)
class LanguageData:
    markers: dict[str, frozenset[str]]  # short words of languages without a keyword list
    scripts: dict[str, re.Pattern[str]]  # language -> letters of a script only it writes
    script_share: float  # share of a page's letters that names the script's language
    distinct: tuple[DistinctWords, ...]


@lru_cache(maxsize=1)
def load_language_data() -> LanguageData:
    """probes/data/language.toml, validated."""
    data = _toml("language.toml")
    markers = data.get("markers")
    if not isinstance(markers, dict) or not markers:
        raise DataFileError("language.toml: needs a [markers] table")
    for lang, words in markers.items():
        _check_words(words, f"[markers] {lang}")
    scripts = dict(data.get("scripts") or {})
    share = scripts.pop("min_share", None)
    if not isinstance(share, float) or not 0 < share <= 1:
        raise DataFileError("language.toml [scripts]: min_share must be a number in (0, 1]")
    distinct = []
    for entry in data.get("distinct") or []:
        lang = entry.get("lang")
        _check_words(entry.get("words"), f"[[distinct]] {lang} words")
        _check_words(entry.get("instead_of"), f"[[distinct]] {lang} instead_of")
        if not isinstance(lang, str) or not isinstance(entry.get("min_hits"), int):
            raise DataFileError("language.toml [[distinct]]: needs lang and min_hits")
        distinct.append(DistinctWords(lang, frozenset(entry["instead_of"]), entry["min_hits"],
                                      frozenset(w.lower() for w in entry["words"])))
    return LanguageData({lang: frozenset(w.lower() for w in words)
                         for lang, words in markers.items()},
                        {lang: _script_class(lang, chars) for lang, chars in scripts.items()},
                        share, tuple(distinct))


def _check_words(words: object, where: str) -> None:
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        raise DataFileError(f"language.toml {where}: needs a list of words")


def _script_class(lang: str, chars: object) -> re.Pattern[str]:
    try:
        if not isinstance(chars, str) or not chars:
            raise re.error("not a string")
        return re.compile(f"[{chars}]")
    except re.error as exc:
        raise DataFileError(f"language.toml [scripts] {lang}: bad character class: {exc}") from exc
