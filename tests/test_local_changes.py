"""Which target files have local changes (git/status.py), named as the checkout names them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from fluxer_patcher.git.status import local_changes
from tests.conftest import FIXTURES

TARGET = "fluxer_server/Dockerfile"
OTHER = "compose.yaml"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   check=True, capture_output=True)


def _repo(tmp_path: Path, inside: str) -> Path:
    repo = tmp_path / "repo"
    checkout = repo / inside if inside else repo
    shutil.copytree(FIXTURES / "refactor-2026-02", checkout)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "fixture")
    return checkout


def test_a_clean_checkout_has_none(tmp_path: Path) -> None:
    checkout = _repo(tmp_path, "")
    assert local_changes(checkout, [TARGET, OTHER]) == []


def test_changes_are_named_from_the_checkout_also_below_the_repository_top(tmp_path: Path) -> None:
    for inside in ("", "deploy/fluxer"):
        checkout = _repo(tmp_path / (inside.replace("/", "-") or "top"), inside)
        (checkout / TARGET).write_bytes((checkout / TARGET).read_bytes() + b"\n")
        (checkout / "new.txt").write_text("x")  # untracked, not asked about
        _git(checkout, "rm", "-q", "--cached", OTHER)  # staged: gone from the index
        assert local_changes(checkout, [TARGET, OTHER, "new.txt"]) == sorted([TARGET, OTHER, "new.txt"])
        assert local_changes(checkout, [TARGET]) == [TARGET]


def test_no_repository_is_no_changes(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "refactor-2026-02", plain)
    assert local_changes(plain, [TARGET]) == []
    assert local_changes(plain, []) == []
