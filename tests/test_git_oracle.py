"""The object reader against GitPython, the maintained library it replaced at run time (its
import alone cost more than the reads): every object of a history with odd names, modes and
a symlink reads the same, and every tree parses into the same entries."""

from __future__ import annotations

import subprocess
from pathlib import Path

import git as gitpython
import pytest

from fluxer_patcher.git import trees
from fluxer_patcher.git.repo import open_repo
from fluxer_patcher.git.runner import tree_entries
from tests.gitrepos import History

ODD = ["a b.txt", "ünï/cödé.ts", "x=y,z@w+v.md", "-dash", ".hidden/.gitx", "tab\tname", "trailing.dot."]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    h = History(tmp_path_factory.mktemp("oracle") / "repo")
    h.shape("refactor-2026-02")
    for i, name in enumerate(ODD):
        target = h.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f"{i}\n".encode() + bytes(range(256)))
    (h.path / "run.sh").write_text("#!/bin/sh\n")
    (h.path / "run.sh").chmod(0o755)
    (h.path / "link").symlink_to("fluxer_server/Dockerfile")
    h.commit("odd names, an executable, a symlink")
    h.unrelated(2)
    return h


def _objects(path: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(path), "rev-list", "--objects", "--all"], capture_output=True, text=True,
                         check=True).stdout
    return sorted({line.split(" ", 1)[0] for line in out.splitlines()})


def test_every_object_reads_as_gitpython_reads_it(history: History) -> None:
    ours = open_repo(history.path)
    theirs = gitpython.Repo(history.path)
    ids = _objects(history.path)
    assert len(ids) > 50
    for hexsha in ids:
        stream = theirs.odb.stream(bytes.fromhex(hexsha))
        kind = stream.type.decode() if isinstance(stream.type, bytes) else str(stream.type)
        assert ours.read(bytes.fromhex(hexsha)) == (kind, stream.read()), hexsha


def test_every_tree_parses_as_gitpython_parses_it(history: History) -> None:
    from git.objects.fun import tree_entries_from_data

    ours = open_repo(history.path)
    seen = 0
    for hexsha in _objects(history.path):
        kind, data = ours.read(bytes.fromhex(hexsha))
        if kind != "tree":
            continue
        seen += 1
        expected = [(sha, mode, name) for sha, mode, name in tree_entries_from_data(data)]
        assert tree_entries(data) == expected
        assert trees.entries(data) == {name: (mode, sha) for sha, mode, name in expected}
    assert seen > 10
