"""Writing to a git repository with plumbing only: blobs, trees, commits, and refs moved by
compare-and-swap.

Nothing here reads or writes a working tree, the index or HEAD.  A series of commits is
written by one ``git fast-import`` (:meth:`Plumbing.write_commits`), after the trees along
the changed paths were read through one ``git cat-file --batch``; refs are moved with
``update-ref <ref> <new> <old>``.  Every git process runs through :mod:`.runner`, with an
explicit ``--git-dir``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.runner import NETWORK_TIMEOUT, BatchReader, Git, user_value
from fluxer_patcher.record import dataclass

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
class NewCommit:
    """A commit to write on the previous one: its message, and its files by repository path,
    each the blob's content (``bytes``, stored as is) or the id of a stored blob (``str``)."""

    message: str
    files: Mapping[str, bytes | str]


class _Dir:
    """A directory of the tree being built: its entries as read (``sha``), then as changed."""

    __slots__ = ("entries", "sha", "subdirs")

    def __init__(self, sha: str | None) -> None:
        self.sha = sha  # None: a directory the series creates
        self.entries: dict[str, TreeEntry] | None = None
        self.subdirs: dict[str, _Dir] = {}


def _tree(reader: BatchReader, sha: str) -> dict[str, TreeEntry]:
    _, kind, data = reader.read(sha)
    if kind != "tree":
        raise GitError(f"{sha}: not a tree object")
    return parse_tree(data)


def parse_tree(data: bytes) -> dict[str, TreeEntry]:
    """The entries of a raw tree object by name, modes as ``ls-tree`` writes them."""
    entries: dict[str, TreeEntry] = {}
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        mode = data[at:space].decode("ascii").rjust(6, "0")
        name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
        sha = data[nul + 1 : nul + 21].hex()
        kind = "tree" if mode == _TREE else "commit" if mode == "160000" else "blob"
        entries[name] = TreeEntry(mode, kind, sha, name)
        at = nul + 21
    return entries


_RAW_DATE = re.compile(rb"([0-9]+) ([+-][0-9]+)")


def raw_committer_date(commit: bytes) -> str | None:
    """The committer date of a raw commit object as ``git log --date=raw`` prints it, or
    ``None`` when its header is not the plain shape (git is asked then)."""
    header = commit.split(b"\n\n", 1)[0]
    for line in header.split(b"\n"):
        if line.startswith(b"committer "):
            when = _RAW_DATE.fullmatch(line.rpartition(b">")[2].strip())
            if when is None or len(when.group(2)) != 5:
                return None
            return f"{int(when.group(1))} {int(when.group(2)):+05d}"
    return None


def _quoted(path: str) -> bytes:
    """``path`` as a C-style quoted string, as ``git fast-import`` reads file paths."""
    out = bytearray(b'"')
    for byte in path.encode("utf-8", "surrogateescape"):
        if byte in (0x22, 0x5C):
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte == 0x7F:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b'"')


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    trailers: dict[str, tuple[str, ...]]


class Plumbing:
    """git commands against one repository directory (``.git``, a bare repo, a linked worktree's gitdir)."""

    def __init__(self, git_dir: str | os.PathLike[str], work_tree: str | os.PathLike[str] | None = None,
                 reader: BatchReader | None = None) -> None:
        self.git_dir = os.fspath(git_dir)
        self.work_tree = os.fspath(work_tree) if work_tree is not None else None
        self.git = Git(git_dir=self.git_dir, work_tree=self.work_tree)
        self._reader = reader  # the repository's running object reader, if the caller has one

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

    def write_commits(self, base: str, commits: Sequence[NewCommit], identity: Identity) -> list[str]:
        """Write ``commits``, each on the previous one, the first on ``base``; their ids.

        Each commit's tree is its parent's with its files in place (file modes kept, new files
        100644, new directories made); a path whose directory is a file, or a file that is a
        directory, is a :class:`GitError`.  Author and committer are what ``commit-tree``
        would record (``git var``).  One ``git fast-import`` writes every object; no ref is
        left behind."""
        if not commits:
            return []
        author = self.out("var", "GIT_AUTHOR_IDENT", env=identity.env())
        committer = self.out("var", "GIT_COMMITTER_IDENT", env=identity.env())
        reader = self._reader or BatchReader(self.git)
        try:
            root = _Dir(reader.read(f"{base}^{{tree}}")[0])
            modes = [self._changed_modes(reader, root, commit.files) for commit in commits]
        finally:
            if reader is not self._reader:
                reader.close()
        scratch = f"refs/fluxer-patch/build-{os.urandom(16).hex()}"  # fast-import needs a ref; never written
        stream = bytearray(b"feature done\n")
        marks = 0
        for i, (commit, changed) in enumerate(zip(commits, modes, strict=True)):
            lines = []
            for path, content in commit.files.items():
                if isinstance(content, bytes):
                    marks += 1
                    stream += b"blob\nmark :%d\ndata %d\n%b\n" % (marks, len(content), content)
                    ref = f":{marks}"
                else:
                    ref = content
                lines.append(b"M %b %b %b\n" % (changed[path].encode(), ref.encode(), _quoted(path)))
            message = commit.message.encode("utf-8")
            stream += b"commit %b\nmark :%d\n" % (scratch.encode(), 1_000_000_000 + i)
            stream += b"author %b\ncommitter %b\n" % (author.encode("utf-8"), committer.encode("utf-8"))
            stream += b"data %d\n%b\n" % (len(message), message)
            if i == 0:
                stream += b"from %b\n" % base.encode()
            stream += b"".join(lines) + b"\n"
        stream += b"reset %b\n\n" % scratch.encode()
        stream += b"".join(b"get-mark :%d\n" % (1_000_000_000 + i) for i in range(len(commits)))
        stream += b"done\n"
        return self.out("fast-import", "--quiet", "--date-format=raw", input=bytes(stream)).split()

    def _changed_modes(self, reader: BatchReader, root: _Dir, files: Mapping[str, object]) -> dict[str, str]:
        """The mode each of ``files`` gets in the tree ``root`` (updated in place); a
        :class:`GitError` when a path cannot be written there."""
        modes: dict[str, str] = {}

        def visit(node: _Dir, prefix: str, files: Mapping[str, object]) -> None:
            here: list[str] = []
            below: dict[str, dict[str, object]] = {}
            for path, value in files.items():
                head, sep, rest = path.partition("/")
                if sep:
                    below.setdefault(head, {})[rest] = value
                else:
                    here.append(head)
            if node.entries is None:
                node.entries = _tree(reader, node.sha) if node.sha is not None else {}
            entries = node.entries
            for name in here:
                old = entries.get(name)
                if old is not None and old.kind != "blob":
                    raise GitError(f"{name}: is a {old.kind} in the tree, expected a file")
                mode = old.mode if old else _BLOB_MODE
                entries[name] = TreeEntry(mode, "blob", "", name)
                modes[prefix + name] = mode
            for name, sub in below.items():
                old = entries.get(name)
                if old is not None and old.kind != "tree":
                    raise GitError(f"{name}: is a {old.kind} in the tree, expected a directory")
                if name not in node.subdirs:
                    node.subdirs[name] = _Dir(old.sha if old else None)
                entries[name] = TreeEntry(_TREE, "tree", "", name)
                visit(node.subdirs[name], f"{prefix}{name}/", sub)

        visit(root, "", files)
        return modes

    def commit_date(self, commit: str, raw: bytes | None = None) -> str:
        """The committer date of ``commit`` in git's raw form (``1700000000 +0100``); read
        from ``raw`` (the commit object, when the caller has it) without a process."""
        date = raw_committer_date(raw) if raw is not None else None
        if date is not None:
            return date
        return self.out("log", "-1", "--format=%cd", "--date=raw", "--end-of-options", commit, "--")

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
