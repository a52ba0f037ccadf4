"""What the code can refuse with, read from its own source, so the documentation cannot drift.

The source of ``domain``, ``api`` and ``letters`` is parsed once (``ast``). For every function we note the
domain errors it raises (with the message it gives), the ``HTTPException`` statuses it builds,
and the names it calls. What a function can refuse with is what it raises plus what any
function it calls by that name can raise, followed through the whole call graph.

Calls are followed by name, not by type (``case.approve_restriction`` follows every function
called ``approve_restriction``), so the answer can over-state, never miss, what a command
refuses with: a problem listed that never happens is harmless, one missing is a surprise.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import api
import domain
import letters
from domain import errors

# letters: the API's letter routes refuse with the notice rules through it
PACKAGES = (Path(domain.__file__).parent, Path(api.__file__).parent,
            Path(letters.__file__).parent)
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete"}
# Names too common to follow: ``jwt.decode`` and ``bytes.decode`` are not the transcoders'.
NOT_FOLLOWED = {"decode"}


@dataclass
class Function:
    module: str
    name: str
    raises: set[str] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)
    #: A route's endpoint: an entry point, never resolved as a call by name.
    endpoint: bool = False


@dataclass(frozen=True)
class Raise:
    """One ``raise SomeDomainError("...")`` in the source."""

    error: str
    message: str
    module: str
    function: str
    line: int


def domain_errors() -> dict[str, type[errors.DomainError]]:
    """Every domain error class, by class name."""
    found: dict[str, type[errors.DomainError]] = {}
    pending: list[type[errors.DomainError]] = [errors.DomainError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def template(node: ast.expr | None) -> str:
    """A message as written, each interpolation shown by what it stands for: ``{version}``."""
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        for value in node.values:
            part = template(value) if isinstance(value, ast.Constant) else \
                "{" + placeholder(value.value) + "}" if isinstance(value, ast.FormattedValue) \
                else ""
            if not (parts and part.startswith("{") and parts[-1] == part):  # where[0], where[1:]
                parts.append(part)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return template(node.left) + template(node.right)
    return "{" + placeholder(node) + "}"


def placeholder(node: ast.expr) -> str:
    """``case.version`` -> ``version``; ``moment.isoformat()`` -> ``moment``;
    ``", ".join(sorted(kinds))`` -> ``kinds``; ``_NAMES[actor.role]`` -> ``role``."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and not isinstance(node.func.value,
                                                                   ast.Constant):
            return placeholder(node.func.value)
        return placeholder(node.args[0]) if node.args else "..."
    if isinstance(node, ast.Attribute):
        return placeholder(node.value) if node.attr == "value" else node.attr
    if isinstance(node, ast.Subscript):
        index = node.slice
        return placeholder(node.value) if isinstance(index, ast.Constant | ast.Slice) \
            else placeholder(index)
    if isinstance(node, ast.Name):
        return node.id.strip("_").lower()
    return "..."


CONSTRUCTORS = ("__init__", "__post_init__")


def _scan(tree: ast.AST, module: str, known: set[str],
          functions: dict[str, list[Function]], raises: list[Raise]) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name not in known:
            # Calling a class runs its constructor: follow ``Terms(...)`` into __post_init__.
            constructors = [n.name for n in node.body if isinstance(n, ast.FunctionDef)
                            and n.name in CONSTRUCTORS]
            if constructors:
                functions.setdefault(node.name, []).append(Function(
                    module, node.name, calls={f"{node.name}.{c}" for c in constructors}))
            for method in node.body:
                if isinstance(method, ast.FunctionDef) and method.name in CONSTRUCTORS:
                    fn = _function(method, module, known, raises)
                    functions.setdefault(f"{node.name}.{method.name}", []).append(fn)
            continue
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or \
                node.name in CONSTRUCTORS:
            continue
        functions.setdefault(node.name, []).append(_function(node, module, known, raises))


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, module: str, known: set[str],
              raises: list[Raise]) -> Function:
    fn = Function(module, node.name, endpoint=any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
        and d.func.attr in ROUTE_DECORATORS for d in node.decorator_list))
    for inner in ast.walk(node):
        if isinstance(inner, ast.Raise) and inner.exc is not None:
            exc = inner.exc.func if isinstance(inner.exc, ast.Call) else inner.exc
            name = exc.id if isinstance(exc, ast.Name) else \
                exc.attr if isinstance(exc, ast.Attribute) else None
            if name in known:
                fn.raises.add(name)
                if isinstance(inner.exc, ast.Call):
                    first = inner.exc.args[0] if inner.exc.args else None
                    raises.append(Raise(name, template(first), module, node.name,
                                        inner.lineno))
        elif isinstance(inner, ast.Call):
            called = _called_name(inner)
            if called == "HTTPException" and inner.args and \
                    isinstance(inner.args[0], ast.Constant):
                fn.statuses.add(int(inner.args[0].value))
            elif called and called not in known and called not in NOT_FOLLOWED:
                fn.calls.add(called)
            # A function handed to another to call (``run_in_threadpool(f, ...)``).
            fn.calls.update(a.id for a in inner.args
                            if isinstance(a, ast.Name) and a.id not in known)
    return fn


@dataclass
class SourceIndex:
    functions: dict[str, list[Function]]
    raises: list[Raise]

    def refusals(self, names: Iterable[str]) -> tuple[set[str], set[int]]:
        """Domain errors and HTTP statuses that calling ``names`` can end in."""
        seen: set[str] = set()
        found_errors: set[str] = set()
        statuses: set[int] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for fn in self.functions.get(name, ()):
                if fn.endpoint:
                    continue
                found_errors |= fn.raises
                statuses |= fn.statuses
                pending.extend(fn.calls - seen)
        return found_errors, statuses


@cache
def source_index() -> SourceIndex:
    known = set(domain_errors())
    functions: dict[str, list[Function]] = {}
    raises: list[Raise] = []
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            _scan(ast.parse(path.read_text(encoding="utf-8")), module, known, functions,
                  raises)
    return SourceIndex(functions, raises)


def refusals_of(function: Callable[..., Any]) -> tuple[set[str], set[int]]:
    """Domain errors and HTTP statuses that ``function`` (a route, a dependency) can end in:
    what its own source raises, and what everything it calls can."""
    index = source_index()
    name, module = getattr(function, "__name__", None), getattr(function, "__module__", None)
    for fn in index.functions.get(name or "", ()):
        if fn.module == module:
            found_errors, statuses = index.refusals(fn.calls)
            return found_errors | fn.raises, statuses | fn.statuses
    return set(), set()
