"""Shared fixtures of the probes tests: the labelled corpus, judged once per session."""

import pytest

from fixtures.corpus import CORPUS_LABELS, CORPUS_PAGES, LabelledPage, labelled_pages
from probes.evaluation import PageOutcome, judge_page
from scanner.gather.encoding import decode_html


@pytest.fixture(scope="session")
def judged_corpus() -> tuple[list[LabelledPage], list[PageOutcome]]:
    """Every labelled page of ../shared/corpus judged once, decoded as the crawler does."""
    if not CORPUS_PAGES.is_dir():
        pytest.skip("../shared/corpus/pages is not here")
    pages = labelled_pages(CORPUS_PAGES, CORPUS_LABELS)
    return pages, [judge_page(decode_html(p.path.read_bytes(), None), p.url) for p in pages]
