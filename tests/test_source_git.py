"""GitRevision: a tree read from git objects, with symlinks, modes and shared tree caching."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fluxer_patcher.git.objects import ObjectCache
from fluxer_patcher.git.repo import RevisionError, open_repo
from fluxer_patcher.source import FileMissing, OutsideTree, SourceError
from fluxer_patcher.source.revision import GitRevision
from tests.gitrepos import History, clone_bare


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    h = History(tmp_path_factory.mktemp("src") / "repo")
    (h.path / "app" / "src").mkdir(parents=True)
    (h.path / "app" / "src" / "main.ts").write_text("export const a = 1;\n")
    (h.path / "app" / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(h.path / "app" / "run.sh", 0o755)
    os.symlink("src/main.ts", h.path / "app" / "link.ts")
    os.symlink("app/src", h.path / "code")
    os.symlink("../../etc/passwd", h.path / "app" / "escape")
    h.commit("first")
    (h.path / "app" / "src" / "main.ts").write_text("export const a = 2;\n")
    (h.path / "docs.md").write_text("docs\n")
    h.commit("second")
    return h


def test_reads_files_through_symlinks_that_stay_inside(history: History) -> None:
    rev = GitRevision(open_repo(history.path), "HEAD~1")
    assert rev.read("app/src/main.ts") == b"export const a = 1;\n"
    assert rev.read("app/link.ts") == rev.read("app/src/main.ts")
    assert rev.read("code/main.ts") == rev.read("app/src/main.ts")
    assert rev.identity("code/main.ts") == rev.identity("app/src/main.ts")
    with pytest.raises(OutsideTree):
        rev.read("app/escape")
    with pytest.raises(FileMissing):
        rev.read("docs.md")
    with pytest.raises(SourceError, match="is a directory"):
        rev.read("app/src")
    with pytest.raises(SourceError, match="escapes the tree"):
        rev.read("../x")


def test_listing_modes_and_identities(history: History) -> None:
    repo = open_repo(history.path)
    old, new = GitRevision(repo, "HEAD~1"), GitRevision(repo, "HEAD")
    assert new.list_dir("") == ["app", "code", "docs.md"]
    assert new.list_dir("code") == ["main.ts"]
    assert new.list_dir("nope") == []
    assert new.mode("app/run.sh") == 0o755
    assert new.mode("app/src/main.ts") == 0o644
    assert new.mode("app/src") is None
    assert new.is_file("app/link.ts") and not new.is_file("app/src")
    assert old.identity("app/run.sh") == new.identity("app/run.sh")
    assert old.identity("app/src/main.ts") != new.identity("app/src/main.ts")
    assert old.identity("app") != new.identity("app")  # a directory's id changes with its files
    assert old.identity("docs.md") is None


def test_revisions_name_commits_by_any_spelling(history: History) -> None:
    repo = open_repo(history.path)
    full = history.git("rev-parse", "HEAD")
    assert GitRevision(repo, full).sha == full
    assert GitRevision(repo, full[:7]).sha == full
    assert GitRevision(repo, "main").label.endswith("@" + full[:12])
    tree = history.git("rev-parse", "HEAD^{tree}")
    with pytest.raises(RevisionError, match="unknown revision"):
        GitRevision(repo, tree)  # a tree is not a commit
    with pytest.raises(RevisionError, match="unknown revision"):
        GitRevision(repo, "0" * 40)
    with pytest.raises(RevisionError, match="unknown revision"):
        GitRevision(repo, "no-such-branch")


def test_revisions_share_parsed_trees(history: History) -> None:
    repo = open_repo(history.path)
    objects = ObjectCache(repo)
    GitRevision(repo, "HEAD~1", objects).read("app/run.sh")
    seen = len(objects._trees)
    GitRevision(repo, "HEAD", objects).read("app/run.sh")
    # The new root and app/ trees are read; nothing else.
    assert len(objects._trees) == seen + 2


def test_searching_a_whole_revision(history: History) -> None:
    rev = GitRevision(open_repo(history.path), "HEAD")
    assert set(rev.paths()) == {"app/src/main.ts", "app/run.sh", "app/link.ts", "app/escape", "code", "docs.md"}
    assert rev.grep(["export", "a = 2"], ["*.ts"]) == ["app/src/main.ts"]
    assert rev.grep(["export", "a = 1"], ["*.ts"]) == []


def test_open_repo_explains_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(RevisionError, match="no such directory"):
        open_repo(tmp_path / "missing")
    with pytest.raises(RevisionError, match="not a git repository"):
        open_repo(tmp_path)


def test_a_repository_is_named_by_its_work_tree_or_else_its_git_dir(history: History, tmp_path: Path) -> None:
    repo = open_repo(history.path)
    assert repo.label == str(history.path)
    mirror = tmp_path / "mirror.git"
    clone_bare(history.path, mirror)
    assert open_repo(mirror).label == str(mirror)
    (mirror / "config").unlink()  # a mirror without config: GitPython takes the parent for a work tree
    bare = open_repo(mirror)
    assert bare.label == str(mirror)
    assert GitRevision(bare, "HEAD").label == f"{mirror}@{history.git('rev-parse', 'HEAD')[:12]}"
    with pytest.raises(RevisionError, match=f"nope: unknown revision in {mirror}$"):
        GitRevision(bare, "nope")


def _answers(rev: GitRevision, paths: list[str]) -> list[object]:
    out: list[object] = []
    for path in paths:
        for ask in (rev.read, rev.is_file, rev.mode, rev.identity, rev.list_dir, rev.resolve):
            try:
                out.append(ask(path))  # type: ignore[operator]
            except SourceError as exc:
                out.append((type(exc).__name__, str(exc)))
    return out


def test_a_revision_answers_a_path_asked_again_as_the_first_time(history: History) -> None:
    paths = ["app/src/main.ts", "app/link.ts", "code/main.ts", "code/nope.ts", "app/link.ts/x", "app/escape",
             "docs.md", "nope/x", "app/src", "", "../x", ".git/config", "code"]
    repo = open_repo(history.path)
    once = [_answers(GitRevision(repo, "HEAD"), [p]) for p in paths]
    rev = GitRevision(repo, "HEAD")
    assert _answers(rev, paths) == [a for answer in once for a in answer]
    assert _answers(rev, paths) == _answers(rev, paths)
    assert ("FileMissing", "app/src/nope.ts: no such file") in _answers(rev, ["code/nope.ts"])  # past the link


def test_a_revision_given_its_tree_id_is_the_revision(history: History) -> None:
    repo = open_repo(history.path)
    sha, tree = history.git("rev-parse", "HEAD"), history.git("rev-parse", "HEAD^{tree}")
    known = GitRevision(repo, sha, tree=tree)
    assert known.sha == sha and known.root == GitRevision(repo, sha).root == bytes.fromhex(tree)
    paths = ["app/src/main.ts", "code/main.ts", "docs.md", "app"]
    assert _answers(known, paths) == _answers(GitRevision(repo, "HEAD"), paths)


def test_a_repository_is_opened_where_it_is_named_and_not_above(history: History, tmp_path: Path) -> None:
    dotgit = open_repo(history.path / ".git")  # the .git directory of a work tree: named by the work tree
    assert (dotgit.label, dotgit.git_dir) == (str(history.path), str(history.path / ".git"))
    linked = tmp_path / "linked"
    history.git("worktree", "add", "-q", "--detach", str(linked), "HEAD~1")
    try:
        repo = open_repo(linked)
        assert repo.label == str(linked)
        assert GitRevision(repo, "HEAD").sha == history.git("rev-parse", "HEAD~1")
    finally:
        history.git("worktree", "remove", "--force", str(linked))
    for inside in (history.path / "app", history.path / "docs.md"):  # git would look above; the tool does not
        with pytest.raises(RevisionError, match="not a git repository"):
            open_repo(inside)


def test_an_object_the_repository_lacks_is_missing_and_reading_goes_on(history: History) -> None:
    from fluxer_patcher.git.runner import MissingObject

    repo = open_repo(history.path)
    with pytest.raises(MissingObject):
        repo.read(b"\x01" * 20)
    head = history.git("rev-parse", "HEAD")
    assert repo.read(bytes.fromhex(head))[0] == "commit"
