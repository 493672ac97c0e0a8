"""The package's import contract: layers import only downwards, no cycles, one git runner.

Imports are read from the source (function-level ones included); those under
``if TYPE_CHECKING:`` only name types and are left out.  A layer is the most specific
prefix of a module's name in ``LAYERS``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fluxer_patcher"
LAYERS = [
    ("fluxer_patcher", 0),  # the package's face: lazy exports only
    ("fluxer_patcher.errors", 0),
    ("fluxer_patcher.files", 0),
    ("fluxer_patcher.digests", 0),
    ("fluxer_patcher.memo", 0),
    ("fluxer_patcher.record", 0),
    ("fluxer_patcher.changes", 0),
    ("fluxer_patcher.profile", 0),
    ("fluxer_patcher.catalogue", 1),
    ("fluxer_patcher.catalogue.manifest", 1),
    ("fluxer_patcher.catalogue.params", 1),
    ("fluxer_patcher.model", 2),
    ("fluxer_patcher.syntax", 3),
    ("fluxer_patcher.git", 4),
    ("fluxer_patcher.source", 5),
    ("fluxer_patcher.catalogue.loader", 6),
    ("fluxer_patcher.catalogue.pathmap", 6),
    ("fluxer_patcher.catalogue.schema", 6),
    ("fluxer_patcher.engine", 7),
    ("fluxer_patcher.formats", 8),
    ("fluxer_patcher.output", 9),
    ("fluxer_patcher.drift", 10),
    ("fluxer_patcher.doctor", 10),
    ("fluxer_patcher.report", 11),
    ("fluxer_patcher.app", 12),
    ("fluxer_patcher.cli", 13),
    ("fluxer_patcher.__main__", 13),
    ("fluxer_patcher.console", 13),
]
# Within formats: pnpm builds on data, docker on dockerignore and shell, compose on data and docker (a service's
# build reads its Dockerfile), js on pnpm and shell (a dependency that makes a code fix unnecessary); builtin gathers
# them all.
FORMAT_ORDER = {"data": 0, "dockerignore": 0, "generic": 0, "shell": 0, "erlang": 0, "toml": 0, "pnpm": 1,
                "js": 2, "compose": 2, "docker": 1, "builtin": 3}
GIT_RUNNER = "fluxer_patcher.git.runner"
GIT_SPAWN = "fluxer_patcher.git.spawn"  # one command started with os alone (a replay's git status)


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(name: str) -> set[str]:
    """Every module ``name`` imports at run time."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    found.add(f"{base}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def layer(name: str) -> int:
    best = max((p for p, _ in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return dict(LAYERS)[best]


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        assert layer(name) is not None


def test_layers_import_only_downwards() -> None:
    wrong = []
    for name in MODULES:
        for target in imports(name):
            if target in MODULES and layer(target) > layer(name):
                wrong.append(f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})")
    assert not wrong, "\n".join(wrong)


def test_formats_build_on_each_other_in_one_direction() -> None:
    def kind(module: str) -> str | None:
        parts = module.split(".")
        return parts[2] if len(parts) > 2 and parts[1] == "formats" else None

    wrong = []
    for name in MODULES:
        mine = kind(name)
        for target in imports(name):
            theirs = kind(target)
            if mine and theirs and mine != theirs and FORMAT_ORDER[theirs] >= FORMAT_ORDER[mine]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = {name: {t for t in imports(name) if t in MODULES and t != name} for name in MODULES}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_two_modules_start_git_processes_and_none_imports_gitpython() -> None:
    for name, path in MODULES.items():
        found = imports(name)
        gitpython = sorted(found & {"git", "gitdb"} | {m for m in found if m.startswith(("git.", "gitdb."))})
        assert not gitpython, f"{name} imports {gitpython}"  # its import alone costs more than a check
        if name != GIT_RUNNER:
            assert "subprocess" not in found, f"{name} imports subprocess"
        if name != GIT_SPAWN:
            assert not re.search(r"\bposix_spawn|\bfork\(|\bexec[lv]p?e?\(", path.read_text()), \
                f"{name} starts processes itself"


def test_value_classes_come_from_record_not_dataclasses() -> None:
    """dataclasses costs a seventh of a cold check on Python 3.11 (fluxer_patcher/record.py)."""
    users = sorted(name for name in MODULES if "dataclasses" in imports(name))
    assert not users, f"{users} import dataclasses; use fluxer_patcher.record"


def test_the_engine_and_the_query_runner_import_no_format() -> None:
    for name in MODULES:
        if name.startswith(("fluxer_patcher.engine", "fluxer_patcher.syntax")):
            assert not any(t.startswith("fluxer_patcher.formats") for t in imports(name)), name
