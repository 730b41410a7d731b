"""What changed between two scans, shop by shop and step by step.

Shops are lined up by `identity_key` (see output._identity), so a shop keeps its place even
when its source ids or website changed. A shop counts as improved/regressed at a step when
it was measured in both scans and its level went up/down.
"""

from __future__ import annotations

from typing import Any

from core.steps import STEPS
from output.store import Store, StoreError

CLOSED_STATUS = "CLOSED_PERMANENTLY"
BUSINESS_STATUS_SIGNAL = "google_listing.business_status"


def _compact(result: dict[str, Any]) -> dict[str, Any]:
    """Only what a diff needs (keeps memory small for large communes)."""
    levels = {}
    for step in STEPS:
        observed = (result.get("steps") or {}).get(step) or {}
        level = observed.get("level")
        levels[step] = level if observed.get("status") == "measured" and isinstance(
            level, int) else None
    signals = result.get("signals") or {}
    return {"id": result.get("id"), "identity_key": result.get("identity_key") or result.get("id"),
            "name": result.get("name"), "address": result.get("address"), "levels": levels,
            "closed": signals.get(BUSINESS_STATUS_SIGNAL) == CLOSED_STATUS}


def _index(store: Store, scan_id: str) -> dict[str, dict[str, Any]]:
    return {row["identity_key"]: row for row in map(_compact, store.iter_shop_results(scan_id))}


def _brief(shop: dict[str, Any]) -> dict[str, Any]:
    return {"identity_key": shop["identity_key"], "id": shop["id"], "name": shop["name"],
            "address": shop["address"]}


def diff_scans(store: Store, scan_a: str, scan_b: str) -> dict[str, Any]:
    """{"scan_a", "scan_b", "steps": {step: {"improved": [...], "regressed": [...]}},
    "new": [...], "gone": [...], "closed": [...], "counts": {...}}."""
    meta_a, meta_b = store.get_scan(scan_a), store.get_scan(scan_b)
    for wanted, meta in ((scan_a, meta_a), (scan_b, meta_b)):
        if meta is None:
            raise StoreError(f"Scan introuvable : {wanted}")
    assert meta_a is not None and meta_b is not None
    before, after = _index(store, meta_a["id"]), _index(store, meta_b["id"])
    steps: dict[str, dict[str, list[dict[str, Any]]]] = {
        step: {"improved": [], "regressed": []} for step in STEPS}
    for key in before.keys() & after.keys():
        old, new = before[key], after[key]
        for step in STEPS:
            was, now = old["levels"][step], new["levels"][step]
            if was is None or now is None or was == now:
                continue
            change = {**_brief(new), "from": was, "to": now}
            steps[step]["improved" if now > was else "regressed"].append(change)
    for changes in steps.values():
        for rows in changes.values():
            rows.sort(key=lambda row: (str(row["name"]).casefold(), row["identity_key"]))
    result = {
        "scan_a": _scan_brief(meta_a), "scan_b": _scan_brief(meta_b), "steps": steps,
        "new": _sorted(after[k] for k in after.keys() - before.keys()),
        "gone": _sorted(before[k] for k in before.keys() - after.keys()),
        "closed": _sorted(s for k, s in after.items() if s["closed"]
                          and not before.get(k, {}).get("closed")),
    }
    result["counts"] = {
        "steps": {s: {k: len(v) for k, v in c.items()} for s, c in steps.items()},
        "new": len(result["new"]), "gone": len(result["gone"]), "closed": len(result["closed"])}
    return result


def _sorted(shops: Any) -> list[dict[str, Any]]:
    return sorted((_brief(s) for s in shops),
                  key=lambda s: (str(s["name"]).casefold(), s["identity_key"]))


def _scan_brief(scan: dict[str, Any]) -> dict[str, Any]:
    return {k: scan.get(k) for k in ("id", "label", "commune", "started_at", "status")}
