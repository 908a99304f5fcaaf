"""The package's import graph: no cycle anywhere in ``compat/``, and no import hidden in a function.

The graph is read from the source with :mod:`ast`, so it shows every import a module can run:
module-level ones and function-level ones alike. Only imports under ``if TYPE_CHECKING:`` are left
out (they never run). An import resolves to the ``compat`` module it loads: ``import compat.x.y``
and ``from compat.x import y`` name ``compat.x.y`` when that is a module, else ``compat.x`` (the
package ``__init__``, which counts like any module: a submodule that imports from its own package's
``__init__`` while that ``__init__`` imports the submodule is a cycle). Relative imports resolve
against the importing module's package.

Function-level imports are refused except for the few listed in :data:`LAZY_IMPORTS`: optional or
heavy dependencies imported on first use on purpose. None of those may be part of a cycle either.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import compat

PACKAGE_ROOT = Path(compat.__file__).resolve().parent

#: Function-level imports allowed, as ``(importing module, imported module)``, and why.
LAZY_IMPORTS: dict[tuple[str, str], str] = {
    ("compat._serving", "uvicorn"): "an optional extra ([server]); only serving needs it",
    ("compat.emulator.callbacks", "httpx"): "the callback sender's client: serving starts faster",
    ("compat.emulator.callbacks", "compat._limits"): "the sender's bounded reader imports httpx",
    ("compat.cli", "compat.emulator"): "the CLI starts fast: --help and --version need no emulator",
    ("compat.cli", "compat.send_command"): "the CLI starts fast: only send needs the emulator and "
    "the client",
    ("compat.cli", "compat.emulator.server"): "the CLI starts fast; serve alone needs uvicorn",
    ("compat.testing.plugin", "compat.emulator"): (
        "the pytest plugin loads in every session; only its fixtures need the emulator"
    ),
    ("compat.cli", "compat.testing.commands"): "the CLI starts fast; only check and serve "
    "--cassette need the cassette machinery",
    **{
        ("compat.testing.cassette_plugin", target): (
            "the cassette half of the pytest plugin loads in every session; only a marked test "
            "needs cassettes, clients or servers"
        )
        for target in ("compat.testing.replay", "compat.errors", "compat.client",
                       "compat.testing.cassette_server", "compat.testing.cassette")
    },
    ("compat.cli", "compat.proxy.command"): "the CLI starts fast; only proxy needs the proxy "
    "and httpx's async client",
    ("compat", "compat.client"): "serving starts faster: the clients need httpx, the server not",
    ("compat", "compat._retry"): "import compat stays cheap: the retry policy needs attrs",
    ("compat.emulator.core", "compat.client"): "serving starts faster: only emulator.client() "
    "needs the client (and httpx)",
    ("compat.emulator.core", "compat.emulator.transport"): "serving starts faster: only the "
    "in-process transports are httpx transports",
    ("compat.segments", "regex"): "serving starts faster: only split() of a body beyond GSM-7 "
    "and ASCII needs a current-Unicode grapheme pass",
    ("compat.testing.golden", "jsonschema"): "an optional dependency (the [test] extra)",
    ("compat.testing.golden", "referencing"): "an optional dependency (the [test] extra)",
    ("compat.convert.validation", "jsonschema"): "an optional dependency (the [test] extra); "
    "only validating JSON documents needs it",
    ("compat.convert.validation", "referencing"): "an optional dependency (the [test] extra)",
    ("compat", "compat.convert"): "import compat stays cheap: the converters need every backend",
    ("compat", "compat.model"): "import compat stays cheap: the model needs attrs and "
    "phonenumbers; a library catching our errors needs neither",
    ("compat.convert", "compat.convert.documents"): "the CLI starts fast: only converting needs "
    "the webhook and TwiML modules",
    ("compat.convert.commands", "compat.convert.batch"): "the CLI starts fast: only convert and "
    "validate read documents",
    ("compat.convert.commands", "compat.convert.validation"): "the CLI starts fast: only "
    "validate needs the schemas",
    ("compat.convert.commands", "tqdm"): "the CLI starts fast: only a progress bar on a terminal "
    "needs tqdm",
    ("compat.backends", "importlib.metadata"): "serving starts faster: entry points are read "
    "only for a dialect name that is not built in or registered, and for names()",
    ("compat.emulator", "compat.emulator.server"): "an in-process emulator needs no asyncio or "
    "h11: only serving from a thread does",
    ("compat._xml", "lxml"): "serving starts faster: lxml loads when an XML document is first "
    "parsed (the XML dialects register and route without it)",
    ("compat.twiml", "lxml"): "serving starts faster: lxml loads when TwiML is first rendered",
}


@attrs.frozen
class Import:
    """One import statement's effect: ``source`` loads ``target``."""

    source: str
    target: str
    line: int
    in_function: bool


def module_name(path: Path, root: Path) -> str:
    """``compat/emulator/core.py`` -> ``compat.emulator.core``; a package is its ``__init__``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules(root: Path) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(
    node: ast.AST, in_function: bool = False, typing: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement under ``node`` that can run (with ``typing``, also those only a
    type checker reads), and whether it is in a function."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test) and not typing:
            for other in child.orelse:
                yield from _statements_of(other, in_function, typing)
            continue
        yield from _statements_of(child, in_function, typing)


def _statements_of(
    node: ast.AST, in_function: bool, typing: bool
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node, in_function
        return
    nested = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    yield from _statements(node, in_function or nested, typing)


def _resolve_from(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module name of ``from <module> import ...``."""
    if node.level == 0:
        return node.module or ""
    package = source.split(".") if is_package else source.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(
    source: str, path: Path, modules: dict[str, Path], *, typing: bool = False
) -> list[Import]:
    """What module ``source`` (at ``path``) imports; package targets resolved to modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    for node, in_function in _statements(tree, typing=typing):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _resolve_from(source, is_package, node)
            targets = []
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                targets.append(candidate if candidate in modules else base)
        for target in dict.fromkeys(targets):
            found.append(Import(source, target, node.lineno, in_function))
    return found


def import_graph(
    root: Path = PACKAGE_ROOT, *, typing: bool = False
) -> tuple[dict[str, set[str]], list[Import]]:
    """The package modules each module imports, and every import statement found (with
    ``typing``, the imports under ``if TYPE_CHECKING:`` too)."""
    modules = all_modules(root)
    statements = [
        imp
        for name, path in modules.items()
        for imp in imports_of(name, path, modules, typing=typing)
    ]
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for imp in statements:
        if imp.target in modules and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    return graph, statements


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (Tarjan, then a path inside)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(graph, set(component)) for component in components]


def _cycle_in(graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """A concrete cycle through the strongly connected ``members``: start, ..., start."""
    start = min(members)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {sorted(members)}")  # pragma: no cover


# -- the checker itself ---------------------------------------------------------------------------


def test_the_checker_sees_function_level_and_package_cycles(tmp_path: Path) -> None:
    sources = {
        "top/__init__.py": "",
        "top/pkg/__init__.py": "from top.pkg.a import A\n",
        "top/pkg/a.py": "def f():\n    from top.pkg import b\n",
        "top/pkg/b.py": "from . import c\n",
        "top/pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from top.pkg import a\nfrom top.pkg import X\nimport top.other\n",
        "top/other.py": "import json\n",
    }
    for name, text in sources.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph, statements = import_graph(tmp_path / "top")
    assert [(i.source, i.target) for i in statements if i.in_function] == [
        ("top.pkg.a", "top.pkg.b")
    ]
    assert graph["top.pkg.a"] == {"top.pkg.b"}
    assert graph["top.pkg.b"] == {"top.pkg.c"}
    assert graph["top.pkg.c"] == {"top.pkg", "top.other"}
    assert find_cycles(graph) == [["top.pkg", "top.pkg.a", "top.pkg.b", "top.pkg.c", "top.pkg"]]


def test_the_checker_passes_an_acyclic_graph() -> None:
    graph = {"a": {"b", "c"}, "b": {"c"}, "c": set()}
    assert find_cycles(graph) == []


# -- the package ----------------------------------------------------------------------------------


def test_every_module_was_read() -> None:
    graph, statements = import_graph()
    assert {"compat", "compat.emulator", "compat.emulator.core", "compat.backends"} <= set(graph)
    assert any(imp.in_function for imp in statements)  # the lazy imports are seen


def test_the_package_import_graph_has_no_cycle() -> None:
    graph, _ = import_graph()
    cycles = find_cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_function_level_import_outside_the_allowlist() -> None:
    _, statements = import_graph()
    hidden = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in statements
        if imp.in_function and (imp.source, imp.target) not in LAZY_IMPORTS
    ]
    assert hidden == []


@pytest.mark.parametrize(("source", "target"), sorted(LAZY_IMPORTS))
def test_each_lazy_import_is_used_and_outside_every_cycle(source: str, target: str) -> None:
    graph, statements = import_graph()
    assert any(
        imp.in_function and (imp.source, imp.target) == (source, target) for imp in statements
    ), f"{source} no longer imports {target} lazily: drop it from LAZY_IMPORTS"
    if target in graph:  # the edge closes a cycle exactly when the source is reachable from it
        assert source not in _reachable(graph, target)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        for nxt in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


# -- the emulator's parts -------------------------------------------------------------------------


def test_no_emulator_part_imports_the_facade_even_for_type_checking() -> None:
    _, statements = import_graph(typing=True)
    importers = sorted(
        imp.source
        for imp in statements
        if imp.target == "compat.emulator.core" and imp.source != "compat.emulator"
    )
    assert importers == []


def test_the_emulator_has_no_cycle_even_counting_type_checking_imports() -> None:
    graph, _ = import_graph(typing=True)
    emulator = {name for name in graph if name.startswith("compat.emulator")}
    sub = {name: graph[name] & emulator for name in emulator}
    assert find_cycles(sub) == []


def test_compat_client_never_imports_the_emulator() -> None:
    graph, _ = import_graph(typing=True)
    reached = _reachable(graph, "compat.client")
    assert not any(name.startswith("compat.emulator") for name in reached)
