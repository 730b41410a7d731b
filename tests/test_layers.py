"""Every import points one way: core at the bottom, scanner on top, no cycle.

Reads every import of the project's packages with ``ast`` (top level and inside functions)
and fails on an arrow that points up, on a cycle between packages, and on an import inside a
function unless it loads one of the heavy or platform-only modules listed below.

    core                                   the shared vocabulary
    sources, probes, scoring  -> core
    output                    -> core, scoring
    fixtures                  -> core
    scanner                   -> everything
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "sources": {"core"},
    "probes": {"core"},
    "scoring": {"core"},
    "output": {"core", "scoring"},
    "fixtures": {"core"},
    "scanner": {"core", "sources", "probes", "scoring", "output", "fixtures"},
}
PACKAGES = tuple(ALLOWED)
#: Modules that may be imported inside a function, each with a reason.
LAZY_ALLOWED = {
    "playwright": "heavy, and only when a JavaScript-only site is rendered",
    "googlemaps": "optional, only behind --places-api legacy",
    "extruct": "0.5 s to import, only for pages with RDFa",
    "fcntl": "POSIX only",
    "msvcrt": "Windows only",
    "pandas": "~60 MB resident, only when a KBO/BCE extract is read",
    "uvicorn": "the web server, only for `smartcommerce serve`",
}


@dataclass(frozen=True, slots=True)
class Import:
    path: Path
    line: int
    module: str  # absolute dotted name
    in_function: bool

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line} imports {self.module}"


def python_files(package: str) -> Iterator[Path]:
    yield from sorted((ROOT / package).rglob("*.py"))


def imports_of(path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    yield from _walk(tree, path, in_function=False)


def _walk(node: ast.AST, path: Path, in_function: bool) -> Iterator[Import]:
    for child in ast.iter_child_nodes(node):
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        if isinstance(child, ast.Import):
            for alias in child.names:
                yield Import(path, child.lineno, alias.name, in_function)
        elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
            yield Import(path, child.lineno, child.module, in_function)
        elif isinstance(child, ast.ImportFrom) and child.level > 0:
            yield Import(path, child.lineno, _relative(path, child), in_function)
        yield from _walk(child, path, inside)


def _relative(path: Path, node: ast.ImportFrom) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    base = parts[:len(parts) - node.level]
    return ".".join(base + ([node.module] if node.module else []))


def package_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in PACKAGES else None


def all_imports() -> list[tuple[str, Import]]:
    return [(package, imp) for package in PACKAGES for path in python_files(package)
            for imp in imports_of(path)]


def test_the_import_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = ROOT / "core" / "__layers_sample__.py"
    source = ("import core.shop\nfrom scoring import x\nfrom .steps import STEPS\n"
              "def f():\n    from scanner import pipeline\n    import playwright\n")
    try:
        sample.write_text(source, "utf-8")
        found = [(i.module, i.in_function) for i in imports_of(sample)]
    finally:
        sample.unlink()
    assert found == [("core.shop", False), ("scoring", False), ("core.steps", False),
                     ("scanner", True), ("playwright", True)]


def test_no_import_points_up() -> None:
    upward = [imp.where() for package, imp in all_imports()
              if (target := package_of(imp.module)) not in (None, package)
              and target not in ALLOWED[package]]
    assert upward == []


def test_no_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for package, imp in all_imports():
        target = package_of(imp.module)
        if target is not None and target != package:
            edges[package].add(target)
    cycles = [f"{a} <-> {b}" for a in PACKAGES for b in edges[a] if _reaches(edges, b, a)]
    assert cycles == []


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges[node])
    return False


def test_imports_inside_functions_only_for_heavy_optional_modules() -> None:
    lazy = [imp.where() for _, imp in all_imports()
            if imp.in_function and imp.module.split(".")[0] not in LAZY_ALLOWED]
    assert lazy == []


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_read(package: str) -> None:
    assert any(True for _ in python_files(package))
