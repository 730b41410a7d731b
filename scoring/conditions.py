"""Tests that turn one signal value into true / false / unknown.

Shared by rubric criteria, opportunity actions and audit formulas, so that
the three data files speak the same small language:

    test = "true"      the signal is the boolean true        (bool)
    test = "nonempty"  the list or text is not empty          (list, str)
    test = "at_least"  the number is >= value                 (int, float, year)
    test = "at_most"   the number is <= value                 (int, float, year)
    test = "equals"    the value equals value                 (str, int, bool)

A value of None (unknown, or the rule raised) gives None: unknown, never false.
A value of the wrong type (a probe bug) is also treated as unknown.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from .errors import RubricError

NUMERIC_TYPES = {"int", "float", "year"}
TEST_SIGNAL_TYPES = {
    "true": {"bool"},
    "nonempty": {"list", "str"},
    "at_least": NUMERIC_TYPES,
    "at_most": NUMERIC_TYPES,
    "equals": {"str", "int", "bool", "year"},
}
TESTS_WITH_VALUE = {"at_least", "at_most", "equals"}


def check_test(where: str, signal: Any, test: Any, value: Any,
               catalogue: dict[str, str]) -> None:
    """Raise RubricError unless `signal` is catalogued and `test`/`value` fit its type."""
    if not isinstance(signal, str) or signal not in catalogue:
        raise RubricError(f"{where} : signal inconnu {signal!r} "
                          f"(il n'existe pas dans core/data/signals.toml).")
    if test not in TEST_SIGNAL_TYPES:
        raise RubricError(f"{where} : test inconnu {test!r} "
                          f"(tests possibles : {', '.join(sorted(TEST_SIGNAL_TYPES))}).")
    kind = catalogue[signal]
    if kind not in TEST_SIGNAL_TYPES[test]:
        raise RubricError(f"{where} : le test {test!r} ne s'applique pas au signal "
                          f"{signal!r} de type {kind}.")
    if test in TESTS_WITH_VALUE and value is None:
        raise RubricError(f"{where} : le test {test!r} demande une valeur 'value'.")
    if test in ("at_least", "at_most") and not is_number(value):
        raise RubricError(f"{where} : 'value' doit être un nombre pour le test {test!r}.")


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def evaluate(test: str, value: Any, expected: Any = None) -> bool | None:
    """True, False, or None when the value is unknown or of an unexpected type."""
    if value is None:
        return None
    if test == "true":
        return value if isinstance(value, bool) else None
    if test == "nonempty":
        return len(value) > 0 if isinstance(value, list | str) else None
    if test == "at_least":
        return value >= expected if is_number(value) else None
    if test == "at_most":
        return value <= expected if is_number(value) else None
    if test == "equals":
        return value == expected
    return None
