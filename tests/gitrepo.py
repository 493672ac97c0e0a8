"""Throwaway git repositories built from ``upstream-fixtures/`` trees, and a CLI runner.

Tests import the ``hermetic_git`` fixture (``from gitrepo import hermetic_git as hermetic_git``):
no global or system git config, no inherited identity variables, so the tool's own identity
rules are what the tests see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from fluxer_patcher.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"
UPSTREAM_DATE = "1772000000 +0100"
_USER = ("-c", "user.name=Upstream Dev", "-c", "user.email=dev@example.org")


@pytest.fixture
def hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ("NAME", "EMAIL", "DATE"):
        monkeypatch.delenv(f"GIT_AUTHOR_{name}", raising=False)
        monkeypatch.delenv(f"GIT_COMMITTER_{name}", raising=False)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    yield


def git(repo: Path, *args: str, date: str = UPSTREAM_DATE, check: bool = True) -> str:
    env_date = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    proc = subprocess.run(
        ["git", "-C", str(repo), *_USER, *args],
        capture_output=True,
        env={**os.environ, **env_date},
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr.decode()}")
    return proc.stdout.decode().strip()


def make_repo(path: Path, tree: str = "refactor-2026-02", branch: str = "main") -> Path:
    """A repository whose one commit holds the fixture ``tree`` (its README left out)."""
    shutil.copytree(FIXTURES / tree, path, ignore=shutil.ignore_patterns("README.md"))
    git(path, "init", "-q", "-b", branch)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", f"upstream {tree}")
    return path


def commit_tree_files(repo: Path, message: str, files: dict[str, str], date: str = UPSTREAM_DATE) -> str:
    """Write ``files`` in the worktree and commit them; returns the commit id."""
    for rel, text in files.items():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


@dataclass
class Snapshot:
    """What the user sees of a checkout: HEAD, its symbolic name, the index, the files."""

    head: str
    symref: str
    index: bytes
    status: str
    files: dict[str, bytes]

    @classmethod
    def take(cls, repo: Path) -> Snapshot:
        files = {
            p.relative_to(repo).as_posix(): p.read_bytes()
            for p in sorted(repo.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(repo).parts
        }
        return cls(
            head=git(repo, "rev-parse", "HEAD"),
            symref=git(repo, "symbolic-ref", "-q", "HEAD", check=False),
            index=(repo / ".git" / "index").read_bytes(),
            status=git(repo, "status", "--porcelain"),
            files=files,
        )


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="fluxer-patch")
    return Result(result.exit_code, result.stdout, result.stderr)
