"""What the crawler counts while it runs (read by the benchmark and the tests).

Shops done, pages per second and errors for the progress bar are ScanCounters
(scanner/progress.py); these are the crawler's own network counters.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class CrawlStats:
    requests: int = 0  # HTTP requests sent (robots, pages, redirects, retries)
    pages_fetched: int = 0  # pages kept in SiteArtifacts (including 304 reused from cache)
    bytes_received: int = 0  # decompressed body bytes
    retries: int = 0
    renders: int = 0  # pages rendered by Chromium
    not_modified: int = 0  # 304 answers reused from the previous scan
