from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from fluxer_patcher.cli import cli

if TYPE_CHECKING:
    from tree_sitter import Node

FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"


@pytest.fixture(autouse=True)
def result_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty result cache of its own (never the real ~/.cache), turned on."""
    from fluxer_patcher.app import cache

    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    cache.configure(enabled=True)
    return folder


@pytest.fixture
def fixture_tree(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of an upstream-fixtures/ tree."""

    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(FIXTURES / name, dest, symlinks=True)
        return dest

    return copy


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file's bytes, mode and mtime: proof that a run wrote nothing."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            out[str(path.relative_to(root))] = (path.read_bytes(), st.st_mode, st.st_mtime_ns)
    return out


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.delenv("NO_COLOR", raising=False)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), prog_name="fluxer-patch")

    return invoke


def check_ids() -> set[str]:
    """Catalogue entries that only verify (the build-context check): they never edit, so
    they pass as already-applied and make no commit, patch file or diff."""
    from fluxer_patcher.app.catalogue import load_catalogue

    return {p.id for p in load_catalogue().patches if p.verifies_only}


def missing_in(tree: str) -> list[str]:
    """The default editing fixes with a target file absent from the fixture ``tree`` (they drift there:
    file not found), in catalogue order."""
    from fluxer_patcher.app.catalogue import load_catalogue

    root = Path(__file__).resolve().parent.parent / "upstream-fixtures" / tree
    checks = check_ids()
    return [p.id for p in load_catalogue().select()
            if p.id not in checks and any(not (root / f).is_file() for f in p.files)]


def editing_ids() -> list[str]:
    """The ids of the default fixes that edit (what `branch`/`export` commit), in catalogue order."""
    from fluxer_patcher.app.catalogue import load_catalogue

    checks = check_ids()
    return [p.id for p in load_catalogue().select() if p.id not in checks]


def tree_shape(node: Node) -> list[tuple[str, int, int, tuple[int, int], bool, bool]]:
    """Every node under ``node`` (type, span, start point, error and missing flags): two trees
    with one shape are the same tree."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append((n.type, n.start_byte, n.end_byte, tuple(n.start_point), n.is_error, n.is_missing))
        stack.extend(n.children)
    return out
