"""Load and validate the scoring rubric (scoring/data/rubric.toml or --rubric FILE).

Every mistake an editor can make fails loudly with a French message that names
the file, the step, the profile and the criterion: unknown signal, duplicate id,
bad weight, bad level rule, unknown key. See docs/rubric.md for the format.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from core.signals import load_signal_catalogue
from core.steps import STEPS

from .audit import load_audit_template
from .conditions import TESTS_WITH_VALUE, check_test, is_number
from .errors import RubricError
from .model import (
    DEFAULT_PROFILE,
    LEVELS,
    SECTORS,
    Criterion,
    LevelRule,
    Profile,
    Rubric,
    StepRubric,
)
from .opportunities import load_actions
from .texts import parse_text

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_RUBRIC_PATH = DATA_DIR / "rubric.toml"
BUILTIN_RUBRIC_NAME = "grille intégrée (scoring/data/rubric.toml)"
DEFAULT_ACTIONS_PATH = DATA_DIR / "actions.toml"
DEFAULT_AUDIT_TEMPLATE_PATH = DATA_DIR / "audit_template.toml"
LEVEL_LABEL_COUNT = len(LEVELS)
CRITERION_KEYS = {"id", "signal", "test", "value", "weight", "label"}
LEVEL_KEYS = {"level", "min_score", "requires", "requires_any"}


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file or raise RubricError in plain words."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RubricError(f"Fichier {what} introuvable : {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"Fichier {what} {path} mal formé : {exc}") from None


def load_rubric(path: str | None = None) -> Rubric:
    """Load and validate a rubric; `None` means the built-in one."""
    rubric_path = Path(path) if path else DEFAULT_RUBRIC_PATH
    data = read_toml(rubric_path, "de grille de notation")
    return rubric_from_dict(data, rubric_path, path or BUILTIN_RUBRIC_NAME)


def rubric_from_dict(data: dict[str, Any], path: Path, source: str | None = None) -> Rubric:
    """Validate the parsed rubric; relative file names are resolved beside `path`.

    `source` is how reports name the rubric (the built-in one, or the user's path)."""
    where = f"Grille {path.name}"
    unknown = set(data) - {"version", "level_labels", "steps", "actions_file",
                           "audit_template_file"}
    if unknown:
        raise RubricError(f"{where} : clé inconnue {sorted(unknown)[0]!r}.")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RubricError(f"{where} : 'version' manquante (texte attendu).")
    raw_labels = data.get("level_labels")
    if not isinstance(raw_labels, list) or len(raw_labels) != LEVEL_LABEL_COUNT:
        raise RubricError(f"{where} : 'level_labels' doit lister {LEVEL_LABEL_COUNT} "
                          f"libellés (niveaux 0 à 4).")
    labels = [parse_text(x, where, f"level_labels[{i}]") for i, x in enumerate(raw_labels)]
    catalogue = load_signal_catalogue()
    steps = parse_steps(data.get("steps"), where, catalogue)
    actions_path = companion_file(data, "actions_file", path, DEFAULT_ACTIONS_PATH)
    audit_path = companion_file(data, "audit_template_file", path,
                                DEFAULT_AUDIT_TEMPLATE_PATH)
    actions = load_actions(read_toml(actions_path, "d'actions"), actions_path.name, catalogue)
    audit = load_audit_template(read_toml(audit_path, "de modèle d'audit"),
                                audit_path.name, catalogue)
    return Rubric(version=version, level_labels=tuple(labels), steps=steps,
                  actions=actions, audit=audit, source=source or str(path))


def companion_file(data: dict[str, Any], key: str, path: Path, default: Path) -> Path:
    """A file named in the rubric, relative to the rubric; the built-in one otherwise."""
    if key not in data:
        return default
    if not isinstance(data[key], str) or not data[key].strip():
        raise RubricError(f"Grille {path.name} : '{key}' doit être un nom de fichier.")
    return path.parent / data[key]


def parse_steps(raw: Any, where: str, catalogue: dict[str, str]) -> dict[str, StepRubric]:
    if not isinstance(raw, dict):
        raise RubricError(f"{where} : section [steps] manquante.")
    for step in raw:
        if step not in STEPS:
            raise RubricError(f"{where} : étape inconnue {step!r} "
                              f"(étapes : {', '.join(STEPS)}).")
    missing = [s for s in STEPS if s not in raw]
    if missing:
        raise RubricError(f"{where} : étape manquante {missing[0]!r}.")
    return {step: parse_step(step, raw[step], f"{where}, étape {step}", catalogue)
            for step in STEPS}


def parse_step(step: str, raw: Any, where: str, catalogue: dict[str, str]) -> StepRubric:
    if not isinstance(raw, dict) or set(raw) - {"profiles", "not_applicable"}:
        raise RubricError(f"{where} : seules les clés 'profiles' et 'not_applicable' "
                          f"sont permises.")
    profiles_raw = raw.get("profiles")
    if not isinstance(profiles_raw, dict) or DEFAULT_PROFILE not in profiles_raw:
        raise RubricError(f"{where} : profil 'default' manquant.")
    not_applicable = raw.get("not_applicable", {})
    if not isinstance(not_applicable, dict):
        raise RubricError(f"{where} : 'not_applicable' doit associer secteur et raison.")
    for sector in [*profiles_raw, *not_applicable]:
        if sector != DEFAULT_PROFILE and sector not in SECTORS:
            raise RubricError(f"{where} : secteur inconnu {sector!r} "
                              f"(secteurs : {', '.join(SECTORS)}).")
    reasons = {sector: parse_text(reason, where, f"not_applicable.{sector}")
               for sector, reason in not_applicable.items()}
    profiles = {name: parse_profile(p, f"{where}, profil {name}", catalogue)
                for name, p in profiles_raw.items()}
    return StepRubric(step=step, profiles=profiles, not_applicable=reasons)


def parse_profile(raw: Any, where: str, catalogue: dict[str, str]) -> Profile:
    if not isinstance(raw, dict) or not {"criteria", "levels"} <= set(raw) \
            or set(raw) - {"criteria", "levels", "needs"}:
        raise RubricError(f"{where} : un profil contient 'criteria', 'levels' et, au "
                          f"besoin, 'needs'.")
    if not isinstance(raw["criteria"], list) or not raw["criteria"]:
        raise RubricError(f"{where} : 'criteria' doit être une liste non vide.")
    criteria = tuple(parse_criterion(c, where, catalogue) for c in raw["criteria"])
    ids = [c.id for c in criteria]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RubricError(f"{where} : identifiant de critère en double {duplicates[0]!r}.")
    if sum(c.weight for c in criteria) <= 0:
        raise RubricError(f"{where} : tous les poids sont à zéro ; au moins un critère "
                          f"doit peser.")
    levels = parse_levels(raw["levels"], where, set(ids))
    needs = raw.get("needs", [])
    if not isinstance(needs, list) or any(n not in ids for n in needs):
        raise RubricError(f"{where} : 'needs' doit lister des critères du profil "
                          f"(reçu {needs!r}).")
    return Profile(criteria=criteria, levels=levels, needs=tuple(needs))


def parse_criterion(raw: Any, where: str, catalogue: dict[str, str]) -> Criterion:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise RubricError(f"{where} : chaque critère doit avoir un 'id' (texte).")
    here = f"{where}, critère {raw['id']!r}"
    unknown = set(raw) - CRITERION_KEYS
    if unknown:
        raise RubricError(f"{here} : clé inconnue {sorted(unknown)[0]!r}.")
    check_test(here, raw.get("signal"), raw.get("test"), raw.get("value"), catalogue)
    if raw.get("value") is not None and raw["test"] not in TESTS_WITH_VALUE:
        raise RubricError(f"{here} : 'value' n'a pas de sens pour le test {raw['test']!r}.")
    weight = raw.get("weight")
    if not is_number(weight):
        raise RubricError(f"{here} : le poids doit être un nombre (reçu {weight!r}).")
    if weight < 0:
        raise RubricError(f"{here} : le poids ne peut pas être négatif ({weight}).")
    return Criterion(id=raw["id"], signal=raw["signal"], test=raw["test"],
                     weight=float(weight), label=parse_text(raw.get("label"), here, "label"),
                     value=raw.get("value"))


def parse_levels(raw: Any, where: str, criterion_ids: set[str]) -> tuple[LevelRule, ...]:
    if not isinstance(raw, list):
        raise RubricError(f"{where} : 'levels' doit être une liste de règles.")
    rules = [parse_level(r, where, criterion_ids) for r in raw]
    numbers = [r.level for r in rules]
    if sorted(numbers) != list(LEVELS[1:]):
        raise RubricError(f"{where} : il faut une règle par niveau 1, 2, 3 et 4, une seule "
                          f"fois chacun (trouvé : {sorted(numbers)}).")
    rules.sort(key=lambda r: r.level)
    for lower, higher in zip(rules, rules[1:], strict=False):
        if higher.min_score < lower.min_score:
            raise RubricError(f"{where} : le niveau {higher.level} demande un score minimum "
                              f"({higher.min_score:g}) plus bas que le niveau "
                              f"{lower.level} ({lower.min_score:g}).")
    return tuple(rules)


def parse_level(raw: Any, where: str, criterion_ids: set[str]) -> LevelRule:
    if not isinstance(raw, dict) or set(raw) - LEVEL_KEYS or "level" not in raw:
        raise RubricError(f"{where} : règle de niveau invalide {raw!r} (clés permises : "
                          f"{', '.join(sorted(LEVEL_KEYS))}).")
    level, min_score = raw["level"], raw.get("min_score", 0)
    here = f"{where}, niveau {level!r}"
    if not isinstance(level, int) or isinstance(level, bool) or level not in LEVELS[1:]:
        raise RubricError(f"{here} : le niveau doit être un entier de 1 à 4.")
    if not is_number(min_score) or not 0 <= min_score <= 100:
        raise RubricError(f"{here} : 'min_score' doit être un nombre entre 0 et 100.")
    requires, requires_any = raw.get("requires", []), raw.get("requires_any", [])
    if not isinstance(requires, list) or not isinstance(requires_any, list):
        raise RubricError(f"{here} : 'requires' et 'requires_any' sont des listes d'ids.")
    for name in [*requires, *requires_any]:
        if name not in criterion_ids:
            raise RubricError(f"{here} : critère inconnu {name!r} dans la règle.")
    return LevelRule(level=level, min_score=float(min_score), requires=tuple(requires),
                     requires_any=tuple(requires_any))
