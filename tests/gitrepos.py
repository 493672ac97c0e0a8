"""Throwaway git repositories for tests and benchmarks: the one helper that builds them.

Every commit has a fixed author and committer; dates are a fixed upstream date
(:data:`UPSTREAM_DATE`, :func:`make_repo`) or one hour apart (:class:`History`), so ids and
reports are reproducible.  Tests take the ``hermetic_git`` fixture (import it as
``from tests.gitrepos import hermetic_git as hermetic_git``): no global or system git
config, no inherited identity variables, so the tool's own identity rules are what the
tests see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"
UPSTREAM_DATE = "1772000000 +0100"
KEEP = "docs"  # unrelated files live here and survive a change of upstream shape
_IDENTITY = {
    "GIT_AUTHOR_NAME": "Upstream Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.org",
    "GIT_COMMITTER_NAME": "Upstream Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.org",
}


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


def git(repo: Path | str, *args: str, date: str = UPSTREAM_DATE, check: bool = True,
        env: Mapping[str, str] | None = None, input: bytes | None = None) -> str:
    """``git -C repo ARGS`` as the upstream developer at ``date``; stdout, stripped."""
    full = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", **_IDENTITY, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date, **(env or {})}
    full.setdefault("GIT_CONFIG_GLOBAL", os.devnull)
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, env=full, check=False, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr.decode()}")
    return proc.stdout.decode().strip()


def copy_fixture(tree: str, dest: Path) -> Path:
    """The fixture ``tree`` copied to ``dest`` (its README left out)."""
    shutil.copytree(FIXTURES / tree, dest, ignore=shutil.ignore_patterns("README.md"), dirs_exist_ok=True)
    return dest


def make_repo(path: Path, tree: str = "refactor-2026-02", branch: str = "main") -> Path:
    """A repository whose one commit holds the fixture ``tree``."""
    copy_fixture(tree, path)
    git(path, "init", "-q", "-b", branch)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", f"upstream {tree}")
    return path


def clone_bare(source: Path | str, dest: Path) -> Path:
    git(dest.parent, "clone", "-q", "--bare", str(source), str(dest))
    return dest


def commit_tree_files(repo: Path, message: str, files: dict[str, str], date: str = UPSTREAM_DATE) -> str:
    """Write ``files`` in the worktree and commit them; returns the commit id."""
    for rel, text in files.items():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


class History:
    """A repository grown commit by commit, one hour apart."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        self.count = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)

    def date(self) -> str:
        return f"2026-02-{1 + self.count // 24:02d}T{self.count % 24:02d}:00:00+00:00"

    def git(self, *args: str) -> str:
        return git(self.path, *args, date=self.date())

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        self.count += 1
        return self.git("rev-parse", "HEAD")

    def shape(self, fixture: str, message: str | None = None) -> str:
        """Make the tree exactly the fixture tree (plus docs/) and commit it."""
        for entry in self.path.iterdir():
            if entry.name not in (".git", KEEP):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        copy_fixture(fixture, self.path)
        return self.commit(message or f"upstream shape: {fixture}")

    def unrelated(self, n: int = 1) -> list[str]:
        """Commits that touch only docs/."""
        shas = []
        for _ in range(n):
            docs = self.path / KEEP
            docs.mkdir(exist_ok=True)
            (docs / f"note-{self.count}.md").write_text(f"note {self.count}\n")
            shas.append(self.commit(f"docs: note {self.count}"))
        return shas

    def edit(self, path: str, old: str, new: str, message: str) -> str:
        file = self.path / path
        text = file.read_text()
        assert old in text, (path, old)
        file.write_text(text.replace(old, new))
        return self.commit(message)

    def move(self, src: str, dest: str, message: str) -> str:
        (self.path / dest).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", src, dest)
        return self.commit(message)


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
