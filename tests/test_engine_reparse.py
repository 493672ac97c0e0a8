"""A file the engine parsed before is parsed from its last version's tree: the same tree and
the same results as parsing afresh (a drift walk meets one file at commit after commit)."""

from __future__ import annotations

import random
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.app.catalogue import registry
from fluxer_patcher.engine import run as run_module
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.source import WorkTree
from fluxer_patcher.syntax import grammars
from tests.conftest import tree_shape
from tests.gitrepos import FIXTURES

if TYPE_CHECKING:
    from tree_sitter import Tree

CATALOGUE = load()
TREES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.iterdir()))
FILES = sorted({(s.file, s.language) for p in CATALOGUE.patches for s in p.steps if s.language is not None})


def _versions(path: str) -> list[bytes]:
    return [(FIXTURES / t / path).read_bytes() for t in TREES if (FIXTURES / t / path).is_file()]


def _commits(rng: random.Random, data: bytes) -> list[bytes]:
    """``data`` as a run of commits changes it: lines appended, inserted, removed, copied."""
    lines = data.split(b"\n")
    out = []
    for n in range(12):
        at = rng.randint(0, len(lines))
        kind = n % 4
        if kind == 0:
            lines.append(f"// touched {n}".encode())
        elif kind == 1:
            lines[at:at] = [b"", f"const x{n} = {n};".encode()]
        elif kind == 2:
            del lines[at : at + rng.randint(1, 3)]
        else:
            lines[at:at] = lines[at : at + rng.randint(1, 5)]
        out.append(b"\n".join(lines))
    return out


@pytest.mark.parametrize(("path", "language"), FILES, ids=[f for f, _ in FILES])
def test_a_version_parsed_from_the_last_ones_tree_is_the_fresh_tree(path: str, language: str) -> None:
    versions = _versions(path)
    rng = random.Random(path)
    for original in versions[:2]:
        versions += _commits(rng, original)
    for before, after in pairwise(versions):
        grammars.forget_trees()
        old = grammars.parse(language, before)
        if old.root_node.has_error:
            continue
        incremental = grammars.parse(language, after, (before, old))
        grammars.forget_trees()
        assert tree_shape(incremental.root_node) == tree_shape(grammars.parse(language, after).root_node)


@pytest.mark.parametrize(("first", "then"), list(pairwise(TREES)) + list(pairwise(reversed(TREES))))
def test_results_after_another_trees_run_are_the_results_afresh(
    first: str, then: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_module._LAST_ON_DISK.clear()
    grammars.forget_trees()
    afresh = Engine(WorkTree(FIXTURES / then), registry()).run(CATALOGUE.patches)
    run_module._LAST_ON_DISK.clear()
    grammars.forget_trees()
    Engine(WorkTree(FIXTURES / first), registry()).run(CATALOGUE.patches)
    assert run_module._LAST_ON_DISK  # the versions of `first` are what `then` is parsed from
    parse, olds = grammars._parse, []

    def counted(name: str, data: bytes, old: tuple[bytes, Tree] | None) -> Tree:
        olds.append(old[0] if old is not None else None)
        return parse(name, data, old)

    monkeypatch.setattr(grammars, "_parse", counted)
    assert Engine(WorkTree(FIXTURES / then), registry()).run(CATALOGUE.patches) == afresh
    both = [f for f, _ in FILES if (FIXTURES / first / f).is_file() and (FIXTURES / then / f).is_file()]
    texts = {(FIXTURES / first / f).read_bytes() for f in both} - {(FIXTURES / then / f).read_bytes() for f in both}
    if texts:  # a file both trees hold, in another version: parsed from `first`'s
        assert any(old in texts for old in olds)
