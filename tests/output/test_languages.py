"""A report in one language holds no text from another language's catalogue, nor from the
other languages of the scoring data's own texts (criteria, reasons, audit questions,
confidence labels, references, actions): html and xlsx."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from output import write_reports
from output.i18n import LANGUAGES, load_table
from output.store import Store
from scoring import load_rubric
from scoring.texts import TEXT_LANGUAGES, Text
from tests.output.sample import build_scan

MIN_FRAGMENT = 12  # shorter pieces ("Horeca", "Click & collect") are shared between languages
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def data_texts(node: object) -> list[Text]:
    """Every translated text of the rubric, its actions and its audit template."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, dict):
        node = list(node.values())
    elif hasattr(node, "__dataclass_fields__"):
        node = [getattr(node, name) for name in node.__dataclass_fields__]
    if isinstance(node, list | tuple):
        return [text for child in node for text in data_texts(child)]
    return []


def texts_in(lang: str) -> list[str]:
    """The catalogue of `lang` and the scoring data's texts in `lang`."""
    return [*load_table(lang).values(), *(t.in_lang(lang) for t in data_texts(load_rubric()))]


def foreign_fragments(lang: str) -> dict[str, str]:
    """{fragment: its language} for texts of other languages that ours lacks."""
    own = " | ".join(texts_in(lang))
    found = {}
    for other in LANGUAGES:
        if other == lang:
            continue
        for text in texts_in(other):
            for piece in PLACEHOLDER.split(text):
                piece = piece.strip(" .:;,()«»")
                if len(piece) >= MIN_FRAGMENT and piece not in own:
                    found[piece] = other
    return found


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("languages")
    store = Store(f"sqlite:///{tmp / 'l.db'}")
    build_scan(store, shift=-1, label="2025")
    scan_id = build_scan(store, label="2026")
    written = {lang: write_reports(store, scan_id, tmp / lang, formats=("html", "xlsx"),
                                   lang=lang) for lang in LANGUAGES}
    store.close()
    return written


def _html_text(path: Path) -> str:
    page = path.read_text("utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(page)  # tags stay: their title attributes are read too


def _xlsx_text(path: Path) -> str:
    book = load_workbook(path)
    return "\n".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
                     for c in row if isinstance(c.value, str))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_from_another_language(outputs: dict[str, dict[str, Path]], lang: str) -> None:
    fragments = foreign_fragments(lang)
    assert len(fragments) > 100  # the check has something to find
    for kind, text in (("html", _html_text(outputs[lang]["html"])),
                       ("xlsx", _xlsx_text(outputs[lang]["xlsx"]))):
        leaks = sorted(f"{other}: {piece}" for piece, other in fragments.items() if piece in text)
        assert leaks == [], f"{lang} {kind}"


def test_the_check_catches_a_leak(outputs: dict[str, dict[str, Path]]) -> None:
    """The French report read as if it were Dutch must fail the check."""
    fragments = foreign_fragments("nl")
    text = _html_text(outputs["fr"]["html"])
    assert any(piece in text for piece, other in fragments.items() if other == "fr")


def test_data_texts_cover_every_language() -> None:
    texts = data_texts(load_rubric())
    assert len(texts) > 80  # criteria, reasons, levels, actions, questions, references...
    assert TEXT_LANGUAGES == LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_audit_questions_in_the_report_language(outputs: dict[str, dict[str, Path]],
                                                lang: str) -> None:
    """The workbook asks every audit question in the report's language, never in another."""
    text = _xlsx_text(outputs[lang]["xlsx"])
    for question in load_rubric().audit.criteria:
        assert question.question.in_lang(lang) in text
        for other in LANGUAGES:
            if question.question.in_lang(other) != question.question.in_lang(lang):
                assert question.question.in_lang(other) not in text, (other, question.id)
    reference = next(c.reference for c in load_rubric().audit.criteria if c.reference)
    assert reference is not None
    assert reference.source.in_lang(lang) in _html_text(outputs[lang]["html"])
