"""Tree objects parsed fast are the entries GitPython gives, and refused names stay refused."""

from __future__ import annotations

import hashlib
import random

import pytest

from fluxer_patcher.git import trees
from fluxer_patcher.git.runner import tree_entries


def _raw(entries: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(mode + b" " + name + b"\0" + hashlib.sha1(name).digest() for mode, name in entries)


def _reference(data: bytes) -> dict[str, tuple[int, bytes]] | str:
    try:
        return {name: (mode, sha) for sha, mode, name in tree_entries(data)}
    except ValueError as exc:
        return str(exc)


def _ours(data: bytes) -> dict[str, tuple[int, bytes]] | str:
    try:
        return trees.entries(data)
    except ValueError as exc:
        return str(exc)


MODES = [b"40000", b"100644", b"100755", b"120000", b"160000", b"100664", b"0100644", b"777777"]
NAMES = [b"src", b"package.json", b".dockerignore", b".github", b"a-b_c+d=e,f@g", b"...", b"x.",
         b".git", b".GIT", b".git.", b"git~1", b".gitmodules", b".GitModules..", b"gitmod~1", b"..", b".",
         b"a b", b"a:b", b"a\\b", "caf\u00e9".encode(), b"\xff", b"a/b", b"", b".git\xe2\x80\x8c"]


def test_trees_of_every_mode_and_name_are_gitpythons() -> None:
    rng = random.Random(15)
    for _ in range(3000):
        entries = [(rng.choice(MODES), rng.choice(NAMES)) for _ in range(rng.randint(0, 4))]
        data = _raw(entries)
        assert _ours(data) == _reference(data), entries


@pytest.mark.parametrize("cut", [1, 5, 20, 21])
def test_a_truncated_tree_is_refused_as_gitpython_refuses_it(cut: int) -> None:
    data = _raw([(b"100644", b"a.txt"), (b"40000", b"src")])[:-cut]
    assert _ours(data) == _reference(data)


@pytest.mark.parametrize("junk", [b"0", b" ", b"\0", b"100644 x\0"])
def test_bytes_around_plain_entries_are_not_taken_for_entries(junk: bytes) -> None:
    plain = _raw([(b"100644", b"a.txt"), (b"40000", b"src")])
    for data in (junk + plain, plain[:33] + junk + plain[33:], plain + junk):
        assert trees._plain(data) is None
        assert _ours(data) == _reference(data)
