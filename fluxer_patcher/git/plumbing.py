"""Writing to a git repository with plumbing only: blobs, trees, commits, and refs moved by
compare-and-swap.

Nothing here reads or writes a working tree, the index or HEAD: trees are rebuilt from
``ls-tree``/``mktree`` along the changed paths, commits are made with ``commit-tree`` and
refs are moved with ``update-ref <ref> <new> <old>``.  Every git process runs through
:mod:`.runner`, with an explicit ``--git-dir``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.runner import NETWORK_TIMEOUT, Git, user_value

if TYPE_CHECKING:
    import subprocess

_TREE, _BLOB_MODE = "040000", "100644"
GitError = GitFailure  # the name the writing code raises and catches


@dataclass(frozen=True)
class Person:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> Person:
        """``Name <email>`` as git writes it."""
        name, sep, rest = text.partition("<")
        email, close, tail = rest.partition(">")
        if not sep or not close or tail.strip() or not name.strip() or not email.strip():
            raise ValueError(f"{text!r}: expected `Name <email>`")
        return cls(name.strip(), email.strip())

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class Identity:
    """Who made a commit and when (dates in any form git accepts, e.g. ``1700000000 +0100``)."""

    author: Person
    committer: Person
    author_date: str
    committer_date: str

    def env(self) -> dict[str, str]:
        return {
            "GIT_AUTHOR_NAME": self.author.name,
            "GIT_AUTHOR_EMAIL": self.author.email,
            "GIT_AUTHOR_DATE": self.author_date,
            "GIT_COMMITTER_NAME": self.committer.name,
            "GIT_COMMITTER_EMAIL": self.committer.email,
            "GIT_COMMITTER_DATE": self.committer_date,
        }


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    kind: str
    sha: str
    name: str


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    trailers: dict[str, tuple[str, ...]]


class Plumbing:
    """git commands against one repository directory (``.git``, a bare repo, a linked worktree's gitdir)."""

    def __init__(self, git_dir: str | os.PathLike[str], work_tree: str | os.PathLike[str] | None = None) -> None:
        self.git_dir = os.fspath(git_dir)
        self.work_tree = os.fspath(work_tree) if work_tree is not None else None
        self.git = Git(git_dir=self.git_dir, work_tree=self.work_tree)

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        if timeout is None:
            return self.git.run(*args, input=input, env=env, check=check)
        return self.git.run(*args, input=input, env=env, check=check, timeout=timeout)

    def out(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None) -> str:
        return self.run(*args, input=input, env=env).stdout.decode("utf-8", "replace").strip()

    # objects -----------------------------------------------------------------------------------

    def rev_parse(self, rev: str) -> str | None:
        proc = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", rev, check=False)
        return proc.stdout.decode().strip() if proc.returncode == 0 else None

    def write_blob(self, data: bytes, path: str | None = None) -> str:
        """Store ``data`` as a blob: as is, or through the clean filters git applies to ``path``."""
        how = [f"--path={path}"] if path is not None else ["--no-filters"]
        return self.out("hash-object", "-w", "-t", "blob", *how, "--stdin", input=data)

    def ls_tree(self, tree: str) -> list[TreeEntry]:
        raw = self.run("ls-tree", "-z", "--full-tree", tree).stdout.decode("utf-8", "surrogateescape")
        entries = []
        for record in raw.split("\0"):
            if not record:
                continue
            meta, name = record.split("\t", 1)
            mode, kind, sha = meta.split(" ")
            entries.append(TreeEntry(mode, kind, sha, name))
        return entries

    def mktree(self, entries: Sequence[TreeEntry]) -> str:
        data = "".join(f"{e.mode} {e.kind} {e.sha}\t{e.name}\0" for e in entries)
        # --missing: the entries come from existing trees; do not look every object up
        # (a partial clone would fetch them, a mirror may lack a large blob).
        return self.out("mktree", "-z", "--missing", input=data.encode("utf-8", "surrogateescape"))

    def tree_with(self, base_tree: str, files: Mapping[str, str]) -> str:
        """``base_tree`` with the blobs ``{path: sha}`` in place (file modes kept; new files 100644)."""
        here: dict[str, str] = {}
        below: dict[str, dict[str, str]] = {}
        for path, sha in files.items():
            head, sep, rest = path.partition("/")
            if sep:
                below.setdefault(head, {})[rest] = sha
            else:
                here[head] = sha
        entries = {e.name: e for e in self.ls_tree(base_tree)}
        for name, sha in here.items():
            old = entries.get(name)
            if old is not None and old.kind != "blob":
                raise GitError(f"{name}: is a {old.kind} in the tree, expected a file")
            entries[name] = TreeEntry(old.mode if old else _BLOB_MODE, "blob", sha, name)
        for name, sub in below.items():
            old = entries.get(name)
            if old is not None and old.kind != "tree":
                raise GitError(f"{name}: is a {old.kind} in the tree, expected a directory")
            subtree = self.tree_with(old.sha if old else self.mktree([]), sub)
            entries[name] = TreeEntry(_TREE, "tree", subtree, name)
        return self.mktree(list(entries.values()))

    def commit_tree(self, tree: str, parents: Sequence[str], message: str, identity: Identity) -> str:
        args = ["commit-tree", "--no-gpg-sign", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.out(*args, input=message.encode("utf-8"), env=identity.env())

    def commit_date(self, commit: str) -> str:
        """The committer date of ``commit`` in git's raw form (``1700000000 +0100``)."""
        return self.out("log", "-1", "--format=%cd", "--date=raw", "--end-of-options", commit, "--")

    def tree_of(self, commit: str) -> str:
        return self.out("rev-parse", "--verify", "--end-of-options", f"{commit}^{{tree}}")

    def commits(self, *revs: str) -> list[CommitInfo]:
        """``git log <revs>`` with each commit's parents and trailers, newest first."""
        fmt = "%H%x00%P%x00%(trailers:only,unfold)%x00%x01"
        raw = self.run("log", f"--format={fmt}", *revs, "--").stdout.decode("utf-8", "replace")
        out = []
        for record in raw.split("\x01"):
            record = record.strip("\n")
            if not record:
                continue
            sha, parents, trailers, _ = record.split("\0")
            table: dict[str, list[str]] = {}
            for line in trailers.splitlines():
                key, sep, value = line.partition(":")
                if sep:
                    table.setdefault(key.strip().lower(), []).append(value.strip())
            out.append(CommitInfo(sha, tuple(parents.split()), {k: tuple(v) for k, v in table.items()}))
        return out

    # refs --------------------------------------------------------------------------------------

    def check_branch_name(self, name: str) -> str:
        user_value(name, "--branch")
        proc = self.run("check-ref-format", "--branch", name, check=False)
        valid = proc.returncode == 0 and proc.stdout.decode().strip() == name
        if not valid or name.startswith(("-", "refs/")) or name == "HEAD":
            raise GitError(f"{name!r} is not a valid branch name")
        return f"refs/heads/{name}"

    def update_ref(self, ref: str, new: str, old: str | None, reason: str) -> None:
        """Move ``ref`` to ``new`` only if it still is ``old`` (``None``: only if it does not exist)."""
        expected = old if old is not None else "0" * len(new)
        self.run("update-ref", "-m", reason, "--", ref, new, expected)

    def checked_out_in(self, ref: str) -> list[str]:
        """Worktrees (not bare repositories) whose HEAD is ``ref``."""
        raw = self.run("worktree", "list", "--porcelain").stdout.decode("utf-8", "replace")
        found = []
        for block in raw.split("\n\n"):
            fields = dict(line.partition(" ")[::2] for line in block.splitlines() if line)
            if "bare" not in fields and fields.get("branch") == ref:
                found.append(fields.get("worktree", "?"))
        return found


    # remotes -----------------------------------------------------------------------------------

    def ls_remote(self, remote: str, ref: str) -> str | None:
        """The id ``remote`` has for ``ref``, ``None`` when it has none."""
        user_value(remote, "--push")
        raw = self.run("ls-remote", "--refs", "--", remote, ref, timeout=NETWORK_TIMEOUT).stdout.decode()
        for line in raw.splitlines():
            sha, _, name = line.partition("\t")
            if name == ref:
                return sha
        return None

    def fetch_ref(self, remote: str, ref: str) -> None:
        user_value(remote, "--push")
        self.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--refmap=", "--end-of-options",
                 remote, ref, timeout=NETWORK_TIMEOUT)

    def push(self, remote: str, lease: str, refspec: str) -> subprocess.CompletedProcess[bytes]:
        user_value(remote, "--push")
        return self.run("push", "--porcelain", lease, "--end-of-options", remote, refspec, check=False,
                        timeout=NETWORK_TIMEOUT)
