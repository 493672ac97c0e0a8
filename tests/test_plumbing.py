"""Writing a series of commits in one pass: the same objects git's index and commit-tree make."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fluxer_patcher.git.plumbing import GitError, Identity, NewCommit, Person, Plumbing
from tests.gitrepos import git
from tests.gitrepos import hermetic_git as hermetic_git

pytestmark = pytest.mark.usefixtures("hermetic_git")

ODD_PATHS = ["with space/a b.txt", 'quo"te.txt', "back\\slash.txt", "new\nline.txt", "ünï/cödé.ts", "-dash"]


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "bin").mkdir(parents=True)
    (repo / "bin" / "run.sh").write_text("#!/bin/sh\n")
    (repo / "bin" / "run.sh").chmod(0o755)
    (repo / "src" / "deep").mkdir(parents=True)
    (repo / "src" / "deep" / "a.ts").write_text("a\n")
    (repo / "README").write_text("readme\n")
    os.symlink("README", repo / "link")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def _reference(repo: Path, base: str, commits: list[NewCommit], identity: Identity) -> list[str]:
    """The same series through a temporary index: read-tree, update-index, write-tree, commit-tree."""
    index = {"GIT_INDEX_FILE": str(repo / ".git" / "reference-index")}
    git(repo, "read-tree", base, env=index)
    parent, out = base, []
    for commit in commits:
        for path, content in commit.files.items():
            listed = git(repo, "ls-files", "-s", "-z", "--", f":(literal){path}", env=index).split(" ")
            mode = listed[0] if listed[0] else "100644"
            sha = content if isinstance(content, str) else git(repo, "hash-object", "-w", "--stdin", input=content)
            git(repo, "update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}", env=index)
        tree = git(repo, "write-tree", env=index)
        message = commit.message
        parent = git(repo, "commit-tree", tree, "-p", parent, "-F", "-", input=message.encode(),
                     env={**index, **identity.env()})
        out.append(parent)
    return out


IDENTITY = Identity(Person("Fix Bot", "bot@example.org"), Person("Ci", "ci@example.org"),
                    "1700000000 +0100", "2026-02-01T10:00:00+00:00")


def test_series_is_what_the_index_and_commit_tree_write(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD")
    blob = git(repo, "hash-object", "-w", "--stdin", input=b"stored\n")
    commits = [
        NewCommit("fix: one\n\nbody\n", {"bin/run.sh": b"#!/bin/sh\necho\n", "src/deep/a.ts": b"b\n"}),
        NewCommit("fix: new files\n", {"src/new/dir/x.ts": b"x\n", **{p: p.encode() for p in ODD_PATHS}}),
        NewCommit("fix: again\n", {"src/new/dir/x.ts": b"y\n", "link": b"elsewhere", "README": blob}),
        NewCommit("fix: nothing", {}),
        NewCommit("fix: ünïcode message\n", {"src/deep/a.ts": b"c\n"}),
    ]
    plumbing = Plumbing(repo / ".git")
    refs_before = git(repo, "for-each-ref")
    built = plumbing.write_commits(base, commits, IDENTITY)
    assert built == _reference(repo, base, commits, IDENTITY)
    assert git(repo, "for-each-ref") == refs_before  # no ref left behind
    listing = git(repo, "ls-tree", "-r", built[-1], "--", "bin", "link")
    assert listing.splitlines()[0].startswith("100755 ") and listing.splitlines()[1].startswith("120000 ")


def test_identity_is_sanitised_as_commit_tree_does(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD")
    odd = Identity(Person("  Crud. Name;", "x@y"), Person("'Quoted'", "<c@d>"), "@1700000000 -0330",
                   "Sat, 1 Feb 2026 10:00:00 +0000")
    commits = [NewCommit("m\n", {"README": b"r\n"})]
    assert Plumbing(repo / ".git").write_commits(base, commits, odd) == _reference(repo, base, commits, odd)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"README/x": b"x"}, "README: is a blob in the tree, expected a directory"),
        ({"src/deep": b"x"}, "deep: is a tree in the tree, expected a file"),
    ],
)
def test_a_path_that_cannot_be_written_is_an_error(tmp_path: Path, files: dict[str, bytes], message: str) -> None:
    repo = _repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD")
    objects = git(repo, "count-objects")
    with pytest.raises(GitError, match=message):
        Plumbing(repo / ".git").write_commits(base, [NewCommit("ok\n", {"a": b"a"}), NewCommit("m\n", files)],
                                              IDENTITY)
    assert git(repo, "count-objects") == objects  # nothing written


def test_a_file_written_by_an_earlier_commit_blocks_a_directory_there(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD")
    commits = [NewCommit("a\n", {"new/f": b"f"}), NewCommit("b\n", {"new/f/g": b"g"})]
    with pytest.raises(GitError, match="f: is a blob in the tree, expected a directory"):
        Plumbing(repo / ".git").write_commits(base, commits, IDENTITY)


@pytest.mark.parametrize("date", ["1700000000 +0100", "1700000000 -0000", "0000001700000000 +0530", "1 -1200"])
def test_the_committer_date_read_from_the_commit_object_is_what_git_log_prints(tmp_path: Path, date: str) -> None:
    from fluxer_patcher.git.plumbing import raw_committer_date

    repo = _repo(tmp_path)
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    raw = f"tree {tree}\nauthor A <a@x> 5 +0000\ncommitter C <c@x> {date}\n\nmessage\n".encode()
    sha = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=raw)
    printed = git(repo, "log", "-1", "--format=%cd", "--date=raw", sha, "--")
    assert raw_committer_date(raw) == Plumbing(repo / ".git").commit_date(sha, raw) == printed
    assert raw_committer_date(b"tree x\ncommitter C <c@x> soon\n\nm\n") is None  # git is asked then
