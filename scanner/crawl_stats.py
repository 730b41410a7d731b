"""Counters the crawler keeps while it runs, for the progress bar and the benchmark."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(slots=True)
class CrawlStats:
    requests: int = 0  # HTTP requests sent (robots, pages, redirects, retries)
    pages_fetched: int = 0  # pages kept in SiteArtifacts (including 304 reused from cache)
    bytes_received: int = 0  # decompressed body bytes
    errors: int = 0  # failed fetches recorded as FetchError
    retries: int = 0
    renders: int = 0  # pages rendered by Chromium
    not_modified: int = 0  # 304 answers reused from the previous scan
    shops_done: int = 0
    started: float = field(default_factory=time.monotonic)

    def pages_per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages_fetched / elapsed if elapsed > 0 else 0.0
