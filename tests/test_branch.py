"""`fluxer-patch branch`: the fork branch built from git objects, on throwaway repositories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.git.plumbing import Plumbing
from fluxer_patcher.git.runner import stderr_problem
from tests.clirun import run_cli
from tests.conftest import editing_ids, missing_in
from tests.gitrepos import UPSTREAM_DATE, Snapshot, git, make_repo
from tests.gitrepos import hermetic_git as hermetic_git

pytestmark = pytest.mark.usefixtures("hermetic_git")
CATALOGUE = load()
IDS = editing_ids()  # checks make no commit


def _branch(repo: Path, *extra: str, onto: str = "main", name: str = "fluxer") -> tuple[int, str, str]:
    result = run_cli("branch", "--repo", repo, "--onto", onto, "--branch", name, *extra)
    return result.code, result.out, result.err


def _trailer(repo: Path, commit: str, key: str) -> str:
    return git(repo, "log", "-1", f"--format=%(trailers:key={key},valueonly)", commit).strip()


def _fixed_tree(tmp_path: Path, tree: str = "refactor-2026-02") -> Path:
    """The fixture tree after `fluxer-patch apply` (the reference for the branch's last tree)."""
    target = tmp_path / f"applied-{tree}"
    shutil.copytree(Path(__file__).resolve().parent.parent / "upstream-fixtures" / tree, target)
    run_cli("apply", target)
    return target


def test_one_commit_per_fix_in_catalogue_order(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    upstream = git(repo, "rev-parse", "HEAD")
    code, out, err = _branch(repo)
    assert code == 0, err
    assert "branch fluxer created" in out
    shas = git(repo, "rev-list", "--reverse", "main..fluxer").split()
    assert [_trailer(repo, c, "Fluxer-Patch") for c in shas] == IDS
    assert {_trailer(repo, c, "Upstream-Commit") for c in shas} == {upstream}
    for sha, patch in zip(shas, [p for p in CATALOGUE.patches if p.id in IDS], strict=True):
        assert git(repo, "log", "-1", "--format=%s", sha) == f"fix(selfhost): {patch.title[0].lower()}{patch.title[1:]}"
        body = git(repo, "log", "-1", "--format=%b", sha)
        if patch.gotchas:
            noun = "Gotchas" if len(patch.gotchas) > 1 else "Gotcha"
            assert f"{noun} {', '.join(map(str, patch.gotchas))} of the Fluxer self-hosting guide" in body
        else:  # a fix past the guide names its references
            assert f"Past the Fluxer self-hosting guide; see {', '.join(patch.refs)}." in body
        assert "Symptom: " in body and "Fix: " in body
        assert git(repo, "rev-list", "--parents", "-1", sha).split()[1:] == [git(repo, "rev-parse", f"{sha}^")]
        changed = git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", f"{sha}^", sha).split()
        assert sorted(changed) == sorted(patch.files)
        who = git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%ad|%cd", "--date=raw", sha).split("|")
        assert who == ["fluxer-patch <fluxer-patch@users.noreply.github.com>"] * 2 + [UPSTREAM_DATE] * 2
    reference = _fixed_tree(tmp_path)
    for path in CATALOGUE.all_files():
        assert git(repo, "show", f"fluxer:{path}") == (reference / path).read_text().strip()


def test_user_checkout_untouched(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "packages/api/src/models/User.tsx").write_text("// local edit\n")
    (repo / "notes.txt").write_text("staged\n")
    git(repo, "add", "notes.txt")
    before = Snapshot.take(repo)
    code, _, err = _branch(repo)
    assert code == 0, err
    assert Snapshot.take(repo) == before


def test_error_builds_nothing_and_touches_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    user = repo / "packages/api/src/models/User.tsx"
    user.write_text(user.read_text() + "\nexport class {{{\n")
    git(repo, "commit", "-q", "-am", "broken upstream")
    before = Snapshot.take(repo)
    code, out, _ = _branch(repo)
    assert code == 2
    assert "not built" in out
    assert git(repo, "rev-parse", "--verify", "-q", "refs/heads/fluxer", check=False) == ""
    assert Snapshot.take(repo) == before


def test_rerun_gives_identical_ids_and_updates_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert _branch(repo)[0] == 0
    first = git(repo, "rev-parse", "fluxer")
    code, out, _ = _branch(repo)
    assert code == 0
    assert "up to date" in out and "nothing updated" in out
    assert git(repo, "rev-parse", "fluxer") == first
    assert len(git(repo, "reflog", "show", "fluxer").splitlines()) == 1
    # another clone of the same upstream gives the same commits
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(repo), str(other))
    assert _branch(other, onto="origin/main")[0] == 0
    assert git(other, "rev-parse", "fluxer") == first


def test_identity_from_options_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "CI Bot")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@example.org")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "1780000000 +0000")
    code, _, err = _branch(repo, "--author", "Jane Roe <jane@example.org>")
    assert code == 0, err
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%cd", "--date=raw", "fluxer").split("|") == [
        "Jane Roe <jane@example.org>", "CI Bot <ci@example.org>", "1780000000 +0000"
    ]
    assert _branch(repo, "--author", "no email", name="other")[0] == 2


def test_foreign_commit_blocks_without_force(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert _branch(repo)[0] == 0
    built = git(repo, "rev-parse", "fluxer")
    tree = git(repo, "rev-parse", "fluxer^{tree}")
    foreign = git(repo, "commit-tree", tree, "-p", built, "-m", "my own tweak")
    git(repo, "update-ref", "refs/heads/fluxer", foreign)
    code, _, err = _branch(repo)
    assert code == 2
    assert "did not make" in err and foreign[:12] in err and len(err.strip().splitlines()) == 1
    assert git(repo, "rev-parse", "fluxer") == foreign
    code, out, err = _branch(repo, "--force")
    assert code == 0, err
    assert git(repo, "rev-parse", "fluxer") == built
    assert "--force: replaced 1 commit" in out


def test_rebuild_onto_newer_upstream_moves_the_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert _branch(repo)[0] == 0
    old = git(repo, "rev-parse", "fluxer")
    (repo / "CHANGELOG.md").write_text("upstream moved\n")
    git(repo, "add", "CHANGELOG.md")
    git(repo, "commit", "-q", "-m", "upstream moves on", date="1772100000 +0100")
    code, out, err = _branch(repo)
    assert code == 0, err
    assert f"moved {old[:12]}" in out
    tip = git(repo, "rev-parse", "fluxer")
    assert _trailer(repo, tip, "Upstream-Commit") == git(repo, "rev-parse", "main")
    assert git(repo, "merge-base", "--is-ancestor", "main", "fluxer", check=False) == ""


def test_checked_out_branch_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    git(repo, "switch", "-q", "-c", "fluxer")
    before = Snapshot.take(repo)
    code, _, err = _branch(repo)
    assert code == 2
    assert "checked out" in err
    assert Snapshot.take(repo) == before


def test_drift_is_listed_and_the_branch_still_built(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", tree="upstream-later")
    code, out, _ = _branch(repo)
    assert code == 1
    assert "drifted" in out and "rspack-cdn-endpoint" in out
    shas = git(repo, "rev-list", "--reverse", "main..fluxer").split()
    ids = [_trailer(repo, c, "Fluxer-Patch") for c in shas]
    gone = ("rspack-cdn-endpoint", "sso-users-not-unclaimed", *missing_in("upstream-later"))
    assert ids == [i for i in IDS if i not in gone]
    code, out, _ = _branch(repo, "--strict", name="strict")
    assert code == 1
    assert "not moved" in out
    assert git(repo, "rev-parse", "--verify", "-q", "refs/heads/strict", check=False) == ""


def test_file_mode_kept_and_bare_mirror(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    git(repo, "update-index", "--chmod=+x", "packages/api/src/models/User.tsx")
    git(repo, "commit", "-q", "-m", "executable")
    mirror = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--mirror", str(repo), str(mirror))
    code, _, err = _branch(mirror)
    assert code == 0, err
    entry = git(mirror, "ls-tree", "fluxer", "packages/api/src/models/User.tsx")
    assert entry.startswith("100755 blob")


def test_push_with_lease(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    code, out, err = _branch(repo, "--push", "origin")
    assert code == 0, err
    assert "pushed refs/heads/fluxer to origin" in out
    assert git(remote, "rev-parse", "fluxer") == git(repo, "rev-parse", "fluxer")
    assert "nothing pushed" in _branch(repo, "--push", "origin")[1]
    # upstream moves: the rebuilt branch is not a fast-forward, the lease lets it through
    (repo / "CHANGELOG.md").write_text("later\n")
    git(repo, "add", "CHANGELOG.md")
    git(repo, "commit", "-q", "-m", "upstream moves on", date="1772100000 +0100")
    code, out, err = _branch(repo, "--push", "origin")
    assert code == 0, err
    assert git(remote, "rev-parse", "fluxer") == git(repo, "rev-parse", "fluxer")
    # someone adds their own commit on the remote branch: refused, nothing moves
    pushed = git(remote, "rev-parse", "fluxer")
    foreign = git(remote, "commit-tree", f"{pushed}^{{tree}}", "-p", pushed, "-m", "theirs")
    git(remote, "update-ref", "refs/heads/fluxer", foreign)
    (repo / "CHANGELOG.md").write_text("later still\n")
    git(repo, "commit", "-q", "-am", "upstream again", date="1772200000 +0100")
    local_before = git(repo, "rev-parse", "fluxer")
    code, _, err = _branch(repo, "--push", "origin")
    assert code == 2 and "origin's fluxer" in err
    assert git(remote, "rev-parse", "fluxer") == foreign
    assert git(repo, "rev-parse", "fluxer") == local_before
    # the lease is the value read: a remote that moved after the read is not overwritten
    monkeypatch.setattr(Plumbing, "ls_remote", lambda *_: pushed)
    code, _, err = _branch(repo, "--push", "origin")
    assert code == 2 and "stale info" in err
    assert git(remote, "rev-parse", "fluxer") == foreign


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--repo", "{tmp}/nowhere", "--onto", "main", "--branch", "x"), "no such directory"),
        (("--repo", "{tmp}", "--onto", "main", "--branch", "x"), "not a git repository"),
        (("--repo", "{repo}", "--onto", "no-such-rev", "--branch", "x"), "unknown revision"),
        (("--repo", "{repo}", "--onto", "main", "--branch", "bad..name"), "not a valid branch name"),
        (("--repo", "{repo}", "--onto", "main", "--branch", "main"), "is the branch --onto reads"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    repo = make_repo(tmp_path / "repo")
    (tmp_path / "plain").mkdir()
    values = [a.format(tmp=tmp_path / "plain", repo=repo) for a in args]
    result = run_cli("branch", *values)
    assert result.code == 2
    assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_git_stderr_comes_down_to_the_line_naming_the_problem() -> None:
    assert stderr_problem(b"hint: see below\nerror: cannot lock ref\nfatal: the remote hung up\n") == (
        "error: cannot lock ref"
    )
    assert stderr_problem("  warning: only a warning  \n\n") == "warning: only a warning"
    assert stderr_problem(b"") == ""


def test_branch_says_what_it_built_not_what_to_build_next(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    code, out, _ = _branch(repo)
    assert code == 0 and "branch fluxer created at" in out
    assert "docker build" not in out and "next:" not in out
