"""The house stays navigable: no product module over about 400 lines, no import circles
between product modules, each layer imports only what ARCHITECTURE.md allows, and nothing
imports the composition root (``upc``).

Run alone with ``python -m tests.unit.test_shape`` to print the import graph's problems.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "workflows", "api", "letters", "upc")
MAX_LINES = 400

# What each layer may import from the others (ARCHITECTURE.md's package table).
ALLOWED = {
    "domain": {"domain"},
    "projections": {"domain", "projections"},
    "workflows": {"domain", "workflows", "letters"},  # the notice workflow emails letters
    "letters": {"domain", "letters"},
    "api": {"domain", "projections", "workflows", "letters", "api"},
    "upc": set(PACKAGES),
}


def product_files() -> Iterator[Path]:
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            yield from sorted(folder.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Product modules ``path`` imports anywhere: at module level, inside functions and
    under ``TYPE_CHECKING`` (a deferred import is still a dependency)."""
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            if len(submodules) < len(node.names):  # names from the module itself
                found.add(base)
            found.update(submodules)
    return {name for name in found if name in known and name != this}


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in product_files()}
    known = set(files)
    return {name: imports_of(path, known) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        layer = module.split(".")[0]
        for target in sorted(targets):
            if target.split(".")[0] not in ALLOWED[layer]:
                problems.append(f"{module} imports {target}")
    return problems


def oversized() -> list[str]:
    return [f"{p.relative_to(ROOT)}: {n} lines" for p in product_files()
            if (n := len(p.read_text().splitlines())) > MAX_LINES]


def test_no_import_circles() -> None:
    assert cycles(import_graph()) == []


def test_layers_import_only_what_the_architecture_allows() -> None:
    assert layer_violations(import_graph()) == []


def test_no_product_module_is_over_the_size_limit() -> None:
    assert oversized() == []


def test_the_checker_finds_a_planted_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


if __name__ == "__main__":
    graph = import_graph()
    for problem in ([f"circle: {' <-> '.join(c)}" for c in cycles(graph)]
                    + layer_violations(graph) + oversized()):
        print(problem)
