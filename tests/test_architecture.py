"""Imports point one way: no cycle between the project's modules, and no import upwards.

The walk reads the source with `ast` (nothing is imported), so a function-level import
counts as much as one at the top of the module: it only hides a cycle until the function
runs. Counted: `import a.b`, `from a import b` (b a submodule, else a itself), relative
imports, and `importlib.import_module("a.b")` with a literal name. A package counts as its
`__init__`. Migrations and tests are left out.

The order of the apps is units ← campaign ← complaints ← assessments (docs/ARCHITECTURE.md):
an app imports only itself and the apps before it; models never import selectors.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("units", "campaign", "complaints", "assessments")
PACKAGES = (*LAYERS, "config")
SKIPPED_DIRS = {"migrations", "tests", "__pycache__"}


def project_modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name → file, for every .py under the given top-level packages."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if SKIPPED_DIRS & set(parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The project module `name` executes: itself, or the nearest package above it."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported_names(module: str, path: Path, modules: dict[str, Path]) -> Iterable[str]:
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = ".".join(part for part in (package, node.module) if part)
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in modules else base
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name == "import_module"
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield first.value


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Module → the project modules it imports anywhere in its source."""
    modules = project_modules(root, packages)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = (_known(name, modules) for name in _imported_names(module, path, modules))
        graph[module] = {target for target in targets if target is not None}
    return graph


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found


def _shortest_cycle(graph: dict[str, set[str]], start: str, within: set[str]) -> list[str]:
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & within):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return []


def import_cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every cycle, as "a → b → a": the shortest one through each module of each tangle."""
    cycles: list[str] = []
    for component in _components(graph):
        members = set(component)
        if len(component) == 1 and component[0] not in graph[component[0]]:
            continue
        seen: set[frozenset[tuple[str, str]]] = set()
        for module in component:
            cycle = _shortest_cycle(graph, module, members)
            edges = frozenset(pairwise(cycle))
            if cycle and edges not in seen:
                seen.add(edges)
                cycles.append(" → ".join(cycle))
    return cycles


def _app(module: str) -> str:
    return module.partition(".")[0]


def _is(module: str, kind: str) -> bool:
    """`kind` is the module's own name or the package it sits in (campaign.services.items)."""
    return kind in module.split(".")[1:]


def upward_imports(graph: dict[str, set[str]], layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Imports against the direction: a lower app of a higher one, or models of selectors."""
    wrong = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            source_app, target_app = _app(module), _app(target)
            if (
                source_app in layers
                and target_app in layers
                and layers.index(target_app) > layers.index(source_app)
            ):
                wrong.append(f"{module} → {target} ({source_app} may not import {target_app})")
            if _is(module, "models") and _is(target, "selectors"):
                wrong.append(f"{module} → {target} (models never import selectors)")
    return wrong


def test_the_project_has_no_import_cycle():
    cycles = import_cycles(import_graph(ROOT, PACKAGES))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_imports_point_down():
    wrong = upward_imports(import_graph(ROOT, PACKAGES))
    assert not wrong, "imports against the direction:\n" + "\n".join(wrong)


def test_the_walk_sees_the_project():
    graph = import_graph(ROOT, PACKAGES)
    assert "units.models" in graph["units.services"] | graph.get("units.notifications", set())
    assert "units.selectors" in graph["units.permissions"]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_reports_a_cycle_hidden_in_a_function(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "def later():\n    from . import a\n",
            "pkg/c.py": "import importlib\nimportlib.import_module('pkg.d')\n",
            "pkg/d.py": "def later():\n    import pkg.c\n",
            "pkg/sub/__init__.py": "from pkg.sub.e import thing\n",
            "pkg/sub/e.py": "from pkg.sub import other\n",
            "pkg/models.py": "def later():\n    from pkg.selectors import x\n",
            "pkg/selectors.py": "",
        },
    )
    graph = import_graph(tmp_path, ["pkg"])
    assert import_cycles(graph) == [
        "pkg.a → pkg.b → pkg.a",
        "pkg.c → pkg.d → pkg.c",
        "pkg.sub → pkg.sub.e → pkg.sub",
    ]
    assert upward_imports(graph, layers=("pkg",)) == [
        "pkg.models → pkg.selectors (models never import selectors)"
    ]


def test_the_checker_passes_a_graph_without_cycles(tmp_path):
    _write(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/models.py": "",
            "low/selectors.py": "from low.models import x\n",
            "high/__init__.py": "",
            "high/services.py": "from low import selectors\nfrom .tasks import y\n",
            "high/tasks.py": "def run():\n    from low.models import z\n",
        },
    )
    graph = import_graph(tmp_path, ["low", "high"])
    assert graph["high.services"] == {"low.selectors", "high.tasks"}
    assert import_cycles(graph) == []
    assert upward_imports(graph, layers=("low", "high")) == []
    assert upward_imports(graph, layers=("high", "low")) == [
        "high.services → low.selectors (high may not import low)",
        "high.tasks → low.models (high may not import low)",
    ]
