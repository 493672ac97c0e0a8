"""The first-parent history of a git revision, and fetching it.

One ``git log`` lists a whole range with the metadata reports show (id, date, author,
subject); nothing here reads trees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fluxer_patcher.gitwrite import stderr_problem
from fluxer_patcher.source_git import RevisionError, resolve

if TYPE_CHECKING:
    import git

_FIELD, _RECORD = "\x1f", "\x1e"
_FORMAT = _FIELD.join(["%H", "%P", "%aI", "%an", "%s"]) + _RECORD


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    date: str  # author date, ISO 8601
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class Range:
    """Commits oldest first; ``base`` is the commit they are compared with (``None`` at a root)."""

    rev: str
    base: str | None
    commits: tuple[Commit, ...]


def _log(repo: git.Repo, *args: str) -> list[Commit]:
    out: str = repo.git.log("--first-parent", f"--format={_FORMAT}", *args)
    commits = []
    for record in out.split(_RECORD):
        record = record.strip("\n")
        if not record:
            continue
        sha, parents, date, author, subject = record.split(_FIELD, 4)
        commits.append(Commit(sha, tuple(parents.split()), date, author, subject))
    return commits


def first_parent_range(repo: git.Repo, rev: str, since: str | None = None, last: int | None = None) -> Range:
    """The first-parent commits after ``since`` (exclusive) up to ``rev``, or the last ``last`` of them.

    ``since`` must be on that first-parent history itself, not only an ancestor of ``rev``."""
    import git

    if (since is None) == (last is None):
        raise ValueError("give exactly one of since and last")
    head = resolve(repo, rev)
    base: str | None
    if since is not None:
        base = resolve(repo, since)
        try:
            repo.git.merge_base("--is-ancestor", base, head)
        except git.GitCommandError:
            raise RevisionError(f"{since} is not an ancestor of {rev}") from None
        commits = _log(repo, f"{base}..{head}", "--")
        if commits and commits[-1].parents[:1] != (base,):
            # an ancestor through a merge: the walk would start from another commit than SINCE
            raise RevisionError(
                f"{since} is not on the first-parent history of {rev} (a commit of a merged branch?); "
                "give a commit of that history"
            )
    else:
        assert last is not None
        commits = _log(repo, f"--max-count={last}", head, "--")
        base = commits[-1].parents[0] if commits and commits[-1].parents else None
    commits.reverse()
    return Range(head, base, tuple(commits))


def describe(repo: git.Repo, sha: str) -> Commit:
    return _log(repo, "--max-count=1", sha, "--")[0]


def fetch(repo: git.Repo, remote: str) -> None:
    """``git fetch REMOTE`` (a configured remote, or a URL); one-line :class:`RevisionError` on failure."""
    import git

    is_url = "://" in remote or remote.startswith(("/", "./", "../", "git@")) or remote.endswith(".git")
    if not is_url and remote not in {r.name for r in repo.remotes}:
        known = ", ".join(sorted(r.name for r in repo.remotes)) or "none configured"
        raise RevisionError(f"{remote}: no such remote (remotes: {known})")
    try:
        repo.git.fetch("--quiet", remote)
    except git.GitCommandError as exc:
        # GitPython quotes stderr as "stderr: '...'"
        lines = str(exc.stderr or "").splitlines()
        text = "\n".join(line.strip().removeprefix("stderr:").strip(" '") for line in lines)
        detail = (stderr_problem(text) or f"exit status {exc.status}").removeprefix("fatal: ")
        raise RevisionError(f"git fetch {remote} failed: {detail}") from None
