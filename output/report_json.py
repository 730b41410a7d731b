"""scan.json: the canonical full record, written shop by shop (never the whole list in memory).

Shape (documented by output/schema/scan.schema.json):
    {"scan": {id, label, commune, status, started_at, finished_at, settings, ...},
     "shops": [shop result, ...],
     "commune": {...commune section...}}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from output._files import atomic_text
from output.store import Store

SCAN_META_KEYS = ("id", "label", "commune", "status", "started_at", "finished_at", "settings",
                  "shops_planned", "shops_done")


def scan_meta(scan: dict[str, Any]) -> dict[str, Any]:
    return {key: scan.get(key) for key in SCAN_META_KEYS}


def write_scan_json(store: Store, scan: dict[str, Any], commune: dict[str, Any],
                    path: Path) -> Path:
    with atomic_text(path) as out:
        out.write('{"scan": ')
        out.write(_dumps(scan_meta(scan)))
        out.write(',\n"shops": [')
        for index, result in enumerate(store.iter_shop_results(scan["id"])):
            out.write(",\n" if index else "\n")
            out.write(_dumps(result))
        out.write('\n],\n"commune": ')
        out.write(_dumps(commune))
        out.write("}\n")
    return path


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
