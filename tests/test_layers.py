"""The generator's import rule: each stage imports only the stages below it.

Bottom to top: `core` < `build` < `spec` < `docs`, `python` (siblings: neither imports the
other) < `render` < `tools` < `cli`. Every import counts, also one inside a function or under
`TYPE_CHECKING`; and no two modules import each other, directly or around a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "generator"
RANK = {"core": 0, "build": 1, "spec": 2, "docs": 3, "python": 3, "render": 4, "tools": 5, "cli": 6}
SIBLINGS = {frozenset({"docs", "python"})}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _stage(module: str) -> str:
    """`generator.docs.parse` -> `docs`; `generator` itself (its version) counts as core."""
    parts = module.split(".")
    return "core" if len(parts) == 1 else parts[1]


def _imports(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported generator module, line) of every import statement in `path`, wherever it stands."""
    found: list[tuple[str, int]] = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from generator.x import y`: y may be a module of its own.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            if target == "generator" or target.startswith("generator."):
                while target not in known and "." in target:
                    target = target.rpartition(".")[0]
                if target != module:
                    found.append((target, node.lineno))
    return found


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    known = _modules()
    graph: dict[str, set[str]] = {module: set() for module in known}
    wrong: list[str] = []
    for module, path in known.items():
        stage = _stage(module)
        for target, line in _imports(module, path, known):
            graph[module].add(target)
            other = _stage(target)
            if stage == other:
                continue
            if frozenset({stage, other}) in SIBLINGS:
                wrong.append(f"{path.relative_to(ROOT.parent)}:{line}: {module} ({stage}) imports its sibling {target} ({other})")
            elif RANK[other] > RANK[stage]:
                wrong.append(f"{path.relative_to(ROOT.parent)}:{line}: {module} ({stage}) imports {target} ({other}), a stage above it")
    return graph, wrong


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
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
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_module_belongs_to_a_stage() -> None:
    stray = [module for module in _modules() if _stage(module) not in RANK]
    assert not stray, f"modules outside the stage folders: {stray}"


def test_no_stage_imports_one_above_it_or_its_sibling() -> None:
    _, wrong = _graph()
    assert not wrong, "imports against the stage order:\n" + "\n".join(wrong)


def test_no_import_cycle_between_modules() -> None:
    graph, _ = _graph()
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)
