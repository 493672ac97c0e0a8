"""The first-parent history of a git revision, and fetching it.

One ``git log`` lists a whole range with the metadata reports show (id, date, author,
subject), and one ``git diff-tree --stdin`` the paths each of its commits changed.
"""

from __future__ import annotations

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.repo import Repository, RevisionError
from fluxer_patcher.git.runner import NETWORK_TIMEOUT, Spooled, user_value
from fluxer_patcher.record import dataclass

_FIELD, _RECORD = "\x1f", "\x1e"
_TREE_MODE = "040000"
_BLOB_MODES = ("100644", "100755", "120000")  # a file or a symlink: a blob (not a submodule's commit)
_FORMAT = _FIELD.join(["%H", "%P", "%T", "%aI", "%an", "%s"]) + _RECORD


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    date: str  # author date, ISO 8601
    author: str
    subject: str
    tree: str | None = None  # the root tree id, when the listing gave it

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class Range:
    """Commits oldest first; ``base`` is the commit they are compared with (``None`` at a root)."""

    rev: str
    base: str | None
    commits: tuple[Commit, ...]
    base_commit: Commit | None = None  # ``base`` as the listing gave it, when it did (``--last``)


def _log(repo: Repository, *args: str) -> list[Commit]:
    return _records(repo.git.out("log", "--first-parent", f"--format={_FORMAT}", *args))


def _records(out: str) -> list[Commit]:
    """The commits of ``git log --format=_FORMAT`` output."""
    commits = []
    for record in out.split(_RECORD):
        record = record.strip("\n")
        if not record:
            continue
        sha, parents, tree, date, author, subject = record.split(_FIELD, 5)
        commits.append(Commit(sha, tuple(parents.split()), date, author, subject, tree))
    return commits


def first_parent_range(repo: Repository, rev: str, since: str | None = None, last: int | None = None) -> Range:
    """The first-parent commits after ``since`` (exclusive) up to ``rev``, or the last ``last`` of them.

    ``since`` must be on that first-parent history itself, not only an ancestor of ``rev``."""
    if (since is None) == (last is None):
        raise ValueError("give exactly one of since and last")
    head = repo.resolve(rev)
    base: str | None
    base_commit: Commit | None = None
    if since is not None:
        base = repo.resolve(since)
        if not repo.git.ok("merge-base", "--is-ancestor", base, head):
            raise RevisionError(f"{since} is not an ancestor of {rev}")
        commits = _log(repo, f"{base}..{head}", "--")
        if commits and commits[-1].parents[:1] != (base,):
            # an ancestor through a merge: the walk would start from another commit than SINCE
            raise RevisionError(
                f"{since} is not on the first-parent history of {rev} (a commit of a merged branch?); "
                "give a commit of that history"
            )
    else:
        assert last is not None
        return LastCommits(repo, head, last).result()
    commits.reverse()
    return Range(head, base, tuple(commits), base_commit)


class LastCommits:
    """:func:`first_parent_range` with ``last``, from the commit ``head`` (a full id): its
    ``git log`` runs beside the caller's work (:meth:`Git.spool`) until :meth:`result`."""

    def __init__(self, repo: Repository, head: str, last: int) -> None:
        self.head, self._last = head, last
        # one more than asked: the base, as describe() has it
        self._running = repo.git.spool("log", "--first-parent", f"--format={_FORMAT}", f"--max-count={last + 1}",
                                       head, "--", input=b"")

    def result(self) -> Range:
        out = self._running.finish().stdout.decode("utf-8", "replace").strip()  # as Git.out has it
        commits = _records(out)
        below = commits.pop() if len(commits) > self._last else None
        base = commits[-1].parents[0] if commits and commits[-1].parents else None
        commits.reverse()
        return Range(self.head, base, tuple(commits), below if below is not None and below.sha == base else None)

    def close(self) -> None:
        self._running.close()


@dataclass(frozen=True)
class Changes:
    """The file paths one commit changed against its first parent."""

    paths: frozenset[str]
    added_or_deleted: frozenset[str]  # of them, those that appeared or went (a listing may change)
    trees: tuple[tuple[str, str], ...] = ()  # (directory, its new tree id) of the directories it changed
    blobs: tuple[tuple[str, str], ...] = ()  # (file, its new blob id) of the changed files it holds


class PendingChanges:
    """:func:`changed_paths` under way: ``git diff-tree`` runs beside the caller's work
    (:meth:`Git.spool`) until :meth:`result` is asked; :meth:`close` stops it unasked."""

    def __init__(self, repo: Repository, span: Range) -> None:
        self._span = span
        pairs: list[tuple[str, str]] = []
        parent = span.base
        for commit in span.commits:
            if parent is not None:
                pairs.append((commit.sha, parent))
            parent = commit.sha
        self._running: Spooled | None = None
        if pairs:
            lines = "".join(f"{sha} {before}\n" for sha, before in pairs).encode("ascii")
            # -t: the directories too (their new tree ids), which -r alone leaves out
            self._running = repo.git.spool("diff-tree", "--stdin", "-r", "-t", "-z", "--no-renames", "--no-ext-diff",
                                           input=lines)

    def result(self) -> list[Changes | None]:
        """Per commit of the span, oldest first, what it changed against the commit before it
        (its first parent); ``None`` for a root commit (everything is new there)."""
        span = self._span
        found: dict[str, _Changed] = {}
        if self._running is not None:
            running, self._running = self._running, None
            found = _parse(running.finish().stdout)
        out: list[Changes | None] = []
        for index, commit in enumerate(span.commits):
            if index == 0 and span.base is None:
                out.append(None)
                continue
            paths, names, trees, blobs = found.get(commit.sha, (set(), set(), [], []))
            out.append(Changes(frozenset(paths), frozenset(names), tuple(trees), tuple(blobs)))
        return out

    def close(self) -> None:
        if self._running is not None:
            self._running.close()
            self._running = None


_Changed = tuple[set[str], set[str], list[tuple[str, str]], list[tuple[str, str]]]


def _parse(raw: bytes) -> dict[str, _Changed]:
    """``git diff-tree --stdin -r -t -z`` output: per commit id, its changed file paths,
    those of them added or deleted, its changed directories (with their new tree ids) and
    the files it left in place (with their new blob ids)."""
    found: dict[str, _Changed] = {}
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    paths: set[str] = set()
    names: set[str] = set()
    trees: list[tuple[str, str]] = []
    blobs: list[tuple[str, str]] = []
    i = 0
    while i < len(fields):
        field = fields[i]
        if field.startswith(":"):  # ":<mode> <mode> <id> <id> <status>", then the path
            old_mode, new_mode, _old, new, status = field[1:].split(" ")
            if _TREE_MODE in (old_mode, new_mode):  # a directory: what -r alone does not list
                if new_mode == _TREE_MODE:
                    trees.append((fields[i + 1], new))
            else:
                paths.add(fields[i + 1])
                if status not in ("M", "T"):
                    names.add(fields[i + 1])
                if new_mode in _BLOB_MODES:
                    blobs.append((fields[i + 1], new))
            i += 2
            continue
        if field:  # the id of the commit whose changes follow
            paths, names, trees, blobs = found.setdefault(field, (set(), set(), [], []))
        i += 1
    return found


def changed_paths(repo: Repository, span: Range) -> list[Changes | None]:
    """Per commit of ``span``, oldest first, what it changed against the commit before it
    (its first parent); ``None`` for a root commit (everything is new there)."""
    return PendingChanges(repo, span).result()


def describe(repo: Repository, sha: str) -> Commit:
    return _log(repo, "--max-count=1", sha, "--")[0]


def fetch(repo: Repository, remote: str) -> None:
    """``git fetch REMOTE`` (a configured remote, or a URL); one line on failure."""
    user_value(remote, "--fetch")
    is_url = "://" in remote or remote.startswith(("/", "./", "../", "git@")) or remote.endswith(".git")
    if not is_url:
        remotes = repo.remotes()
        if remote not in remotes:
            known = ", ".join(sorted(remotes)) or "none configured"
            raise RevisionError(f"{remote}: no such remote (remotes: {known})")
    try:
        repo.git.run("fetch", "--quiet", "--end-of-options", remote, timeout=NETWORK_TIMEOUT)
    except GitFailure as exc:
        raise RevisionError(f"git fetch {remote} failed: {str(exc).removeprefix('fatal: ')}") from None
