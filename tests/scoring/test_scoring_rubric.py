"""Rubric, action list and audit template validation: every failure mode, its message."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

import scoring
from core.signals import load_signal_catalogue
from scoring.audit import load_audit_template
from scoring.opportunities import load_actions
from scoring.rubric import (
    DEFAULT_ACTIONS_PATH,
    DEFAULT_AUDIT_TEMPLATE_PATH,
    DEFAULT_RUBRIC_PATH,
    rubric_from_dict,
)
from scoring.sectors import load_sector_map
from tests.helpers.scoring import check_golden, read_json

DELETE = "<delete>"
ERROR_CASES = read_json("rubric_errors.json")["cases"]
SOURCES = {"rubric": DEFAULT_RUBRIC_PATH, "actions": DEFAULT_ACTIONS_PATH,
           "audit": DEFAULT_AUDIT_TEMPLATE_PATH}


def load_default(target: str) -> dict[str, Any]:
    with open(SOURCES[target], "rb") as fh:
        return tomllib.load(fh)


def mutate(data: dict[str, Any], path: list[Any], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    if value == DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def validate(target: str, data: dict[str, Any]) -> None:
    catalogue = load_signal_catalogue()
    if target == "rubric":
        rubric_from_dict(data, DEFAULT_RUBRIC_PATH)
    elif target == "actions":
        load_actions(data, "actions.toml", catalogue)
    else:
        load_audit_template(data, "audit_template.toml", catalogue)


def test_public_surface_is_sorted_and_complete() -> None:
    assert scoring.__all__ == sorted(scoring.__all__)
    assert {"aggregate_commune", "load_rubric", "score_shop", "sector_of",
            "RubricError", "Rubric"} <= set(scoring.__all__)


def test_builtin_files_are_valid() -> None:
    for target in SOURCES:
        validate(target, load_default(target))
    rubric = scoring.load_rubric()
    assert [label.fr for label in rubric.level_labels] == [
        "absent", "émergent", "basique", "avancé", "exemplaire"]
    assert rubric.level_labels[2].in_lang("nl") == "basis"
    assert rubric.steps["online_ordering"].not_applicable.keys() == {"health"}


def test_every_error_case_fails_with_its_message() -> None:
    messages = {}
    for case in ERROR_CASES:
        data = copy.deepcopy(load_default(case["target"]))
        for path, value in case["mutations"]:
            mutate(data, path, value)
        with pytest.raises(scoring.RubricError) as caught:
            validate(case["target"], data)
        messages[case["name"]] = str(caught.value)
    assert len(set(messages.values())) == len(messages), "two cases share one message"
    check_golden("rubric_errors_expected.json", messages)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(scoring.RubricError, match="introuvable"):
        scoring.load_rubric(str(tmp_path / "absent.toml"))
    broken = tmp_path / "broken.toml"
    broken.write_text("version = \n", encoding="utf-8")
    with pytest.raises(scoring.RubricError, match="mal formé"):
        scoring.load_rubric(str(broken))


def test_user_rubric_can_point_to_its_own_actions(tmp_path: Path) -> None:
    rubric_text = DEFAULT_RUBRIC_PATH.read_text(encoding="utf-8")
    custom = tmp_path / "ma_grille.toml"
    custom.write_text('actions_file = "mes_actions.toml"\n' + rubric_text, encoding="utf-8")
    (tmp_path / "mes_actions.toml").write_text(
        '[[actions]]\nid = "https"\nlabel = { fr = "Passer en HTTPS", nl = "Naar HTTPS", '
        'de = "Auf HTTPS umstellen", en = "Switch to HTTPS" }\n'
        'trigger = "web_presence.https"\nsets = { "web_presence.https" = true }\n',
        encoding="utf-8")
    rubric = scoring.load_rubric(str(custom))
    assert [a.id for a in rubric.actions] == ["https"]
    assert rubric.source == str(custom)
    assert len(rubric.audit.criteria) == len(load_default("audit")["criteria"])


def test_sector_map_rejects_unknown_sector(tmp_path: Path) -> None:
    bad = tmp_path / "sectors.toml"
    bad.write_text('[osm]\n"shop=bakery" = "boulangerie"\n', encoding="utf-8")
    with pytest.raises(scoring.RubricError, match="secteur inconnu 'boulangerie'"):
        load_sector_map(bad)
