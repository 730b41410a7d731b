"""Detection accuracy against labelled pages, cross-validated where a decision is fitted.

Each page is judged as a scan judges it (with the address it was saved from): one full
probe run gives a `PageOutcome` (the evidence kinds the webshop decision weighs, the engine
fingerprinted, the language…). `score_outcomes` compares outcomes with labels; the webshop
decision comes either from the shipped weights or from `probes.fitting.cross_validated`.
Used by bench/eval_detection.py, bench/fit_detection.py and tests/probes/test_eval_gate.py.
Label columns: see docs/labelling.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from probes._runner import artifacts_for_html, run_probes
from probes.context import ProbeContext
from probes.fitting import cross_validated
from probes.online_ordering import platform_candidate, webshop_evidence
from probes.opening_hours import load_hours_finder
from probes.settings import WEIGHT_NAMES

# Label spellings of engines -> our platform slugs (fingerprints.json `slug`).
PLATFORM_ALIASES = {
    "zencart": "zen-cart", "zen cart": "zen-cart", "oracle_commerce": "oracle-commerce",
    "atg": "oracle-commerce", "salesforce_commerce": "salesforce-commerce-cloud",
    "demandware": "salesforce-commerce-cloud",
    "salesforce commerce cloud": "salesforce-commerce-cloud",
    "sap_commerce": "sap-commerce", "hybris": "sap-commerce", "ccvshop": "ccv-shop",
    "ccv": "ccv-shop", "webshopapp": "lightspeed", "websphere_commerce": "websphere-commerce",
    "webasyst-shopscript": "webasyst", "aspdotnetstorefront": "aspdotnetstorefront",
    "ecommerce_templates": "ecommerce-templates", "loaded_commerce": "loaded-commerce",
    "yahoo_store": "yahoo-store", "xtcommerce": "xt-commerce", "3dcart": "3dcart",
    "jtl": "jtl-shop", "oxid": "oxid", "virtuemart": "virtuemart",
}
UNNAMED_PLATFORMS = ("", "none", "unknown", "other", "custom")
KNOWN_SLUGS = ("shopify", "woocommerce", "prestashop", "magento", "shopware", "lightspeed",
               "wix", "squarespace", "opencart", "oscommerce", "bigcommerce", "intershop",
               "ecwid", "odoo", "webflow", "jimdo", "miva", "bitrix", "shoper", "corecommerce",
               "marketlive", "cafepress", "volusion")


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What one probe run says about one page."""

    kinds: frozenset[str]  # webshop evidence kinds found
    webshop: bool  # as the shipped weights decide
    platform: str | None  # engine fingerprinted (whether or not the page is a webshop)
    language: str | None
    opening_hours: bool
    pickup: bool
    schema_types: tuple[str, ...]
    localbusiness: bool


def judge_page(html: str, url: str | None) -> PageOutcome:
    """One full probe run on one page, as `inspect` does."""
    artifacts = artifacts_for_html(html, url)
    ctx = ProbeContext(artifacts)
    signals = run_probes(artifacts, ctx).flat_signals()
    return PageOutcome(
        kinds=frozenset(webshop_evidence(ctx)),
        webshop=bool(signals.get("online_ordering.webshop")),
        platform=platform_candidate(ctx)[0],
        language=signals.get("web_presence.language"),
        opening_hours=bool(signals.get("web_presence.opening_hours")),
        pickup=bool(signals.get("click_and_collect.pickup")),
        schema_types=tuple(signals.get("web_presence.schema_types") or ()),
        localbusiness=bool(signals.get("web_presence.schema_localbusiness")))


@dataclass
class BinaryScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, truth: bool, predicted: bool, name: str) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.mistakes.append(f"FP {name}")
        elif truth:
            self.fn += 1
            self.mistakes.append(f"FN {name}")
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, truth: Any, predicted: Any, name: str) -> None:
        self.total += 1
        if truth == predicted:
            self.right += 1
        else:
            self.mistakes.append(f"{name}: expected {truth}, got {predicted}")

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


def named_platform(labels: dict[str, str]) -> str | None:
    """Our slug for the engine a label names, or None when no engine is named."""
    raw = (labels.get("platform") or "").strip().lower()
    raw = raw.split(":", 1)[1] if raw.startswith("other:") else raw
    if raw in UNNAMED_PLATFORMS:
        return None
    if raw in PLATFORM_ALIASES or raw in KNOWN_SLUGS:
        return PLATFORM_ALIASES.get(raw, raw)
    for alias, slug in (*PLATFORM_ALIASES.items(), *((s, s) for s in KNOWN_SLUGS)):
        if alias in raw:  # free text, e.g. "magento 1 (skin/frontend)"
            return slug
    return None if raw.startswith(("custom", "wordpress")) else raw.replace("_", "-")


def score_outcomes(names: Sequence[str], labels: Sequence[dict[str, str]],
                   outcomes: Sequence[PageOutcome], webshop: Sequence[bool]) -> dict[str, Any]:
    """Every figure, given each page's webshop decision (shipped or cross-validated)."""
    shop, product, local = BinaryScore(), BinaryScore(), BinaryScore()
    hours, pickup = BinaryScore(), BinaryScore()
    platform, language, nonshop_platform = Accuracy(), Accuracy(), Accuracy()
    for name, label, out, is_shop in zip(names, labels, outcomes, webshop, strict=True):
        truth_shop = label.get("webshop") == "yes"
        shop.add(truth_shop, is_shop, name)
        given = out.platform if is_shop else None
        if truth_shop:
            platform.add(named_platform(label), given, name)
        else:
            nonshop_platform.add(None, given, name)
        if label.get("language"):
            language.add(label["language"], out.language, name)
        types = set((label.get("schema_types") or "").split())
        product.add("Product" in types, "Product" in out.schema_types, name)
        if label.get("schema_localbusiness"):
            local.add(label["schema_localbusiness"] == "yes", out.localbusiness, name)
        if label.get("opening_hours"):
            hours.add(label["opening_hours"] == "yes", out.opening_hours, name)
        if label.get("pickup"):
            pickup.add(label["pickup"] == "yes", out.pickup, name)
    return {"pages": len(names), "webshop": shop, "platform": platform,
            "nonshop_platform": nonshop_platform, "language": language,
            "schema_product": product, "schema_localbusiness": local,
            "opening_hours": hours, "pickup": pickup}


def cross_validated_webshop(outcomes: Sequence[PageOutcome], labels: Sequence[dict[str, str]],
                            groups: Sequence[str], k: int, seed: int = 0) -> list[bool]:
    """Each page's webshop decision by weights fitted on the other folds (grouped by host)."""
    truth = [label.get("webshop") == "yes" for label in labels]
    return cross_validated([o.kinds for o in outcomes], truth, groups, WEIGHT_NAMES, k, seed)


def score_hours_texts(texts: Iterable[tuple[str, str, bool]]) -> BinaryScore:
    """Opening hours found in labelled visible texts: (name, text, has hours) each.

    The text is read as a page's visible text is (whitespace collapsed), by the same finder
    web_presence.opening_hours uses (fixtures/hours_snippets/real_snippets.toml).
    """
    finder = load_hours_finder()
    score = BinaryScore()
    for name, text, truth in texts:
        score.add(truth, finder.find(" ".join(text.split())) is not None, name)
    return score


BINARY_KEYS = ("webshop", "schema_product", "schema_localbusiness", "opening_hours", "pickup")


def summary(results: dict[str, Any]) -> dict[str, float]:
    """Flat metric name -> value, the numbers the gate pins."""
    out = {}
    for key in BINARY_KEYS:
        score: BinaryScore = results[key]
        if score.tp + score.fp + score.fn == 0:
            continue  # not labelled in this corpus
        out[f"{key}.precision"] = score.precision
        out[f"{key}.recall"] = score.recall
        out[f"{key}.f1"] = score.f1
    out["platform.accuracy"] = results["platform"].value
    out["platform.nonshop_rate"] = 1.0 - results["nonshop_platform"].value
    out["language.accuracy"] = results["language"].value
    return out


def read_page(path: Path) -> str:
    """A saved page as text: UTF-8, else cp1252 (used by `inspect FILE` and the benches)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
