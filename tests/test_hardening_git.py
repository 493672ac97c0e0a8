"""git edge cases: one line naming the real cause, never a traceback or a wrong guess (issue 13, items 13, 14)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.clirun import run_cli
from tests.gitrepos import git, make_repo
from tests.gitrepos import hermetic_git as hermetic_git

pytestmark = pytest.mark.usefixtures("hermetic_git")


def test_a_partial_clone_without_its_blobs_is_an_error_per_fix_not_a_traceback(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin")
    git(origin, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-checkout", "--filter=blob:none", f"file://{origin}", str(clone))
    shutil.rmtree(origin)  # the promisor remote is gone: no blob can be fetched
    result = run_cli("check", "--repo", clone, "--rev", "HEAD")
    assert result.code == 2
    assert "missing from the repository" in result.out
    assert "dubious" not in result.out + result.err and "Traceback" not in result.err


@pytest.mark.skipif(os.geteuid() != 0, reason="a repository owned by someone else needs root to make")
def test_dubious_ownership_is_named_as_such(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    for path in [repo, *repo.rglob("*")]:
        os.chown(path, 1234, 1234, follow_symlinks=False)
    result = run_cli("check", "--repo", repo, "--rev", "HEAD")
    assert result.code == 2
    assert "dubious ownership" in result.err and "unknown revision" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_blob_that_reads_like_a_commit_is_not_a_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    blob = git(repo, "hash-object", "-w", "--stdin", input=f"tree {tree}\n".encode())
    result = run_cli("check", "--repo", repo, "--rev", blob)
    assert result.code == 2
    assert "unknown revision" in result.err or "not a commit" in result.err


@pytest.mark.parametrize("command", [("check", "--rev"), ("drift", "--since"), ("branch", "--onto")])
def test_a_revision_that_looks_like_an_option_is_a_revision(tmp_path: Path, command: tuple[str, str]) -> None:
    """Item 4: user revisions reach git after ``--end-of-options`` (or as resolved ids), never as options."""
    repo = make_repo(tmp_path / "repo")
    target = tmp_path / "written-by-git"
    extra = ["--branch", "b"] if command[0] == "branch" else []
    result = run_cli(*command, f"--output={target}", "--repo", repo, *extra)
    assert result.code == 2
    assert not target.exists()
    assert "Traceback" not in result.err


@pytest.mark.parametrize("catalogue", [None, "no-such-catalogue"])
def test_a_history_git_cannot_list_is_the_error_of_drift_last(tmp_path: Path, catalogue: str | None) -> None:
    """The listing runs while the catalogue loads; its failure is still the one reported first."""
    repo = make_repo(tmp_path / "repo")
    (repo / "docs").mkdir(exist_ok=True)
    (repo / "docs" / "note.md").write_text("note\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs")
    root = git(repo, "rev-parse", "HEAD~1")
    (repo / ".git" / "objects" / root[:2] / root[2:]).unlink()  # git log stops there
    extra = ["--catalogue", str(tmp_path / catalogue)] if catalogue else []
    result = run_cli("drift", "--no-cache", "--repo", repo, "--last", "5", *extra)
    assert result.code == 2
    assert result.err.strip() == f"fluxer-patch: error: Could not read {root}"
