"""Detection accuracy against a labelled page corpus (labels.csv format of the samples).

Used by bench/eval_detection.py and the accuracy gate tests/probes/test_eval_gate.py.
Columns read: file, url_if_known, kind, platform, platform_detail, language,
has_schema_product, has_schema_localbusiness.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from probes._runner import inspect_html

# Words in `platform_detail` that name an engine -> our platform slug.
PLATFORM_ALIASES = {
    "shopify": "shopify", "woocommerce": "woocommerce", "prestashop": "prestashop",
    "magento": "magento", "shopware": "shopware", "demandware": "salesforce-commerce-cloud",
    "salesforce commerce cloud": "salesforce-commerce-cloud", "intershop": "intershop",
    "hybris": "sap-commerce", "sap commerce": "sap-commerce", "lightspeed": "lightspeed",
    "webshopapp": "lightspeed", "wix": "wix", "squarespace": "squarespace", "ecwid": "ecwid",
    "odoo": "odoo", "ccv": "ccv-shop", "bigcommerce": "bigcommerce", "opencart": "opencart",
    "jtl": "jtl-shop", "oxid": "oxid", "virtuemart": "virtuemart", "zen cart": "zen-cart",
    "miva": "miva", "jimdo": "jimdo", "webflow": "webflow",
}
UNNAMED_PLATFORMS = ("", "none", "unknown", "other")


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


def named_platform(row: dict[str, str]) -> str | None:
    """The platform slug a label names, or None when the engine is not named."""
    platform = (row.get("platform") or "").strip().lower()
    if platform not in UNNAMED_PLATFORMS:
        return PLATFORM_ALIASES.get(platform, platform)
    if platform != "other":
        return None
    detail = (row.get("platform_detail") or "").lower()
    for alias, slug in PLATFORM_ALIASES.items():
        if alias in detail:
            return slug
    return None


def read_page(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def evaluate_corpus(pages_dir: Path, labels_csv: Path) -> dict[str, Any]:
    webshop, product, local = BinaryScore(), BinaryScore(), BinaryScore()
    platform, language = Accuracy(), Accuracy()
    with labels_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        name = row["file"]
        url = row.get("url_if_known") or ""
        url = url if url.startswith(("http://", "https://")) else None
        signals = inspect_html(read_page(pages_dir / name), url)["signals"]
        webshop.add(row["kind"] == "webshop", bool(signals.get("online_ordering.webshop")), name)
        types = signals.get("web_presence.schema_types") or []
        product.add(row["has_schema_product"] == "yes", "Product" in types, name)
        local.add(row["has_schema_localbusiness"] == "yes",
                  bool(signals.get("web_presence.schema_localbusiness")), name)
        if row.get("language"):
            language.add(row["language"], signals.get("web_presence.language"), name)
        truth = named_platform(row)
        if truth:
            platform.add(truth, signals.get("online_ordering.platform"), name)
    return {"pages": len(rows), "webshop": webshop, "platform": platform, "language": language,
            "schema_product": product, "schema_localbusiness": local}


def summary(results: dict[str, Any]) -> dict[str, float]:
    """Flat metric name -> value, the numbers the gate pins."""
    out = {}
    for key in ("webshop", "schema_product", "schema_localbusiness"):
        score: BinaryScore = results[key]
        out[f"{key}.precision"] = score.precision
        out[f"{key}.recall"] = score.recall
        out[f"{key}.f1"] = score.f1
    out["platform.accuracy"] = results["platform"].value
    out["language.accuracy"] = results["language"].value
    return out
