"""`fluxer-patch apply PATH --commit`: one commit per applied fix on the current branch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue
from tests.clirun import run_cli
from tests.conftest import editing_ids
from tests.gitrepos import FIXTURES, Snapshot, git, make_repo
from tests.gitrepos import hermetic_git as hermetic_git

pytestmark = pytest.mark.usefixtures("hermetic_git")
IDS = editing_ids()  # checks make no commit


def _ids(repo: Path, revs: str) -> list[str]:
    log = git(repo, "log", "--reverse", "--format=%(trailers:key=Fluxer-Patch,valueonly)", revs)
    return [line for line in log.splitlines() if line]


def test_one_commit_per_fix_and_a_clean_checkout(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    start = git(repo, "rev-parse", "HEAD")
    (repo / "notes.txt").write_text("mine\n")
    git(repo, "add", "notes.txt")
    result = run_cli("apply", repo, "--commit")
    assert result.code == 0, result.err
    assert f"committed {len(IDS)} fixes on main" in result.out
    assert _ids(repo, f"{start}..main") == IDS
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"
    upstream = git(repo, "log", "-1", "--format=%(trailers:key=Upstream-Commit,valueonly)", "HEAD").strip()
    assert upstream == start
    # the fixed files are committed and clean; the user's staged file is still staged, and in no commit
    assert git(repo, "status", "--porcelain") == "A  notes.txt"
    assert git(repo, "log", "--format=%H", "--", "notes.txt") == ""
    rerun = run_cli("apply", repo, "--commit")
    assert rerun.code == 0 and "committed" not in rerun.out
    assert len(_ids(repo, f"{start}..main")) == len(IDS)


def test_same_commits_as_the_branch_command(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert run_cli("branch", "--repo", repo, "--onto", "main", "--branch", "fluxer").code == 0
    assert run_cli("apply", repo, "--commit").code == 0
    assert git(repo, "rev-parse", "HEAD") == git(repo, "rev-parse", "fluxer")


def test_target_with_local_changes_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    user = repo / "packages/api/src/models/User.tsx"
    user.write_text(user.read_text() + "// my local note\n")
    before = Snapshot.take(repo)
    result = run_cli("apply", repo, "--commit")
    assert result.code == 2
    assert "packages/api/src/models/User.tsx: local changes" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert Snapshot.take(repo) == before


def test_not_a_git_worktree(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "refactor-2026-02", tree)
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    result = run_cli("apply", tree, "--commit")
    assert result.code == 2
    assert "not a git worktree" in result.err and len(result.err.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before
    assert run_cli("apply", tree, "--commit", "--dry-run").code == 2


def test_fluxer_tree_in_a_subdirectory_of_the_repository(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    shutil.copytree(FIXTURES / "refactor-2026-02", outer / "vendor" / "fluxer")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "vendored")
    result = run_cli("apply", outer / "vendor" / "fluxer", "--commit")
    assert result.code == 0, result.err
    assert git(outer, "status", "--porcelain") == ""
    files = git(outer, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD^", "HEAD")
    last = next(p for p in load_catalogue().patches if p.id == editing_ids()[-1])  # the last commit's fix
    assert files.splitlines() == sorted(f"vendor/fluxer/{f}" for f in last.files)


def test_detached_head_gets_the_commits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    start = git(repo, "rev-parse", "HEAD")
    git(repo, "switch", "-q", "--detach")
    result = run_cli("apply", repo, "--commit")
    assert result.code == 0, result.err
    assert "on detached HEAD" in result.out
    assert _ids(repo, f"{start}..HEAD") == IDS
    assert git(repo, "rev-parse", "main") == start


@pytest.mark.parametrize("lock", [".git/index.lock", ".git/refs/heads/main.lock", ".git/HEAD.lock"])
def test_a_git_lock_is_named_before_anything_is_written(tmp_path: Path, lock: str) -> None:
    """Issue 13, item 7: a lock git would trip on is checked first, and named as the cause."""
    repo = make_repo(tmp_path / "repo")
    (repo / lock).write_text("")
    before = Snapshot.take(repo)
    result = run_cli("apply", repo, "--commit")
    assert result.code == 2
    assert lock.rpartition("/")[2] in result.err and "nothing written" in result.err
    assert "HEAD moved" not in result.err
    assert Snapshot.take(repo) == before


def test_head_moved_before_the_write_is_refused_with_nothing_written(tmp_path: Path) -> None:
    from fluxer_patcher.git.plumbing import GitError
    from fluxer_patcher.git.worktree import open_checkout
    from fluxer_patcher.output.inplace import preflight

    repo = make_repo(tmp_path / "repo")
    checkout = open_checkout(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "meanwhile")
    with pytest.raises(GitError, match="HEAD moved while fluxer-patch ran"):
        preflight(checkout)
