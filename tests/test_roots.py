"""The directory a command works on, found by probes a replay asks again (source/roots.py), and
WorkTree's pathlib-free spelling of a path (source/worktree.py: posix_str)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path, PurePosixPath

import pytest

from fluxer_patcher.source import roots
from fluxer_patcher.source.worktree import WorkTree, posix_str

FILES = ("compose.yaml", "fluxer_server/Dockerfile")


def test_posix_str_spells_a_path_as_pathlib_does() -> None:
    parts = ["", "/", "//", "///", ".", "..", "a", "b c", "./", "a/", "/a", "..."]
    for n in range(1, 4):
        for combo in itertools.product(parts, repeat=n):
            text = "".join(combo)
            assert posix_str(text) == str(PurePosixPath(text)), text
    assert WorkTree(Path("a//b/./")).label == "a/b"


def _tree(tmp_path: Path) -> Path:
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "deploy" / "fluxer" / "fluxer_server").mkdir(parents=True)
    (top / "deploy" / "fluxer" / "compose.yaml").write_text("services: {}\n")
    (top / "deploy" / "fluxer" / "fluxer_server" / "src").mkdir()
    return top / "deploy" / "fluxer"


def test_the_probes_that_found_a_root_are_answered_alike_until_the_tree_moves(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = _tree(tmp_path)
    monkeypatch.chdir(checkout / "fluxer_server" / "src")
    probes = roots.Probes()
    assert roots.checkout_root(None, FILES, probes) == Path("../..")
    assert roots.directory_problem(Path("../.."), probes) is None
    assert probes.seen and roots.still_so(probes.seen)
    (checkout / "fluxer_server" / "compose.yaml").write_text("services: {}\n")  # a closer directory holds a target
    assert not roots.still_so(probes.seen)
    again = roots.Probes()
    assert roots.checkout_root(None, FILES, again) == Path("..")
    assert roots.still_so(again.seen)


def test_a_probe_of_a_directory_gone_or_no_longer_one_is_answered_otherwise(tmp_path: Path) -> None:
    checkout = _tree(tmp_path)
    probes = roots.Probes()
    assert roots.directory_problem(checkout, probes) is None
    assert [q for q, _, _ in probes.seen] == ["exists", "is_dir", "access"]
    (checkout / "compose.yaml").unlink()
    (checkout / "fluxer_server" / "src").rmdir()
    (checkout / "fluxer_server").rmdir()
    checkout.rmdir()
    checkout.write_text("now a file\n")
    assert not roots.still_so(probes.seen)
    missing = roots.Probes()
    assert roots.directory_problem(tmp_path / "nowhere", missing) == f"{tmp_path / 'nowhere'}: no such directory"
    assert missing.seen == [("exists", str(tmp_path / "nowhere"), False)] and roots.still_so(missing.seen)


def test_a_probe_that_cannot_be_asked_raises_rather_than_guessing(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = _tree(tmp_path)
    probes = roots.Probes()
    roots.tree_root(checkout / "fluxer_server", FILES, probes)
    assert roots.still_so(probes.seen)

    def refused(path: object, *args: object, **kwargs: object) -> os.stat_result:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "stat", refused)  # as a directory on the way that may not be entered
    with pytest.raises(PermissionError):
        roots.still_so(probes.seen)
