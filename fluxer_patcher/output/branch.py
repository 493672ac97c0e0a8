"""The patched fork branch: upstream REV plus one commit per fix, built with git plumbing.

Nothing touches a working tree, the index or HEAD.  The branch is moved by compare-and-swap
(``update-ref NAME new old``) and only after every check passed, so a failure leaves it where
it was.  A branch that already holds commits the tool did not make (no ``Fluxer-Patch``
trailer) is not moved without ``force``; a push uses ``--force-with-lease`` against the
remote value read just before.
"""

from __future__ import annotations

from typing import Any

from fluxer_patcher.errors import Refused
from fluxer_patcher.git.plumbing import CommitInfo, GitError, Identity, Plumbing
from fluxer_patcher.git.runner import stderr_problem, user_value
from fluxer_patcher.output import messages
from fluxer_patcher.output.commits import BuiltCommit, CommitPlan, build
from fluxer_patcher.output.series import Series
from fluxer_patcher.profile import FLUXER, Profile
from fluxer_patcher.record import dataclass, field


class BranchRefused(Refused):
    """The branch cannot be built or moved; ``str()`` is one line."""


@dataclass
class Push:
    remote: str
    old: str | None
    new: str
    pushed: bool


@dataclass
class BranchOutcome:
    name: str
    ref: str
    upstream: str
    onto: str  # as the user wrote it
    old: str | None
    tip: str
    commits: list[BuiltCommit]
    updated: bool = False
    dry: bool = False  # built but not moved (--strict with drift)
    push: Push | None = None
    forced_over: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        push = None
        if self.push is not None:
            push = {"remote": self.push.remote, "old": self.push.old, "new": self.push.new,
                    "pushed": self.push.pushed}
        return {
            "name": self.name,
            "ref": self.ref,
            "onto": self.onto,
            "upstream": self.upstream,
            "old": self.old,
            "new": self.tip,
            "updated": self.updated,
            "commits": [{"id": c.patch_id, "sha": c.sha} for c in self.commits],
            "push": push,
        }

    def lines(self) -> list[str]:
        count = f"{len(self.commits)} commit{'s' if len(self.commits) != 1 else ''}"
        base = f"{count} on {self.upstream[:12]} ({self.onto})"
        if self.dry:
            state = f"branch {self.name} not moved (--strict and a fix drifted); it would hold {base}"
        elif self.old is None:
            state = f"branch {self.name} created at {self.tip[:12]}: {base}"
        elif not self.updated:
            state = f"branch {self.name} is up to date at {self.tip[:12]} ({base}); nothing updated"
        else:
            state = f"branch {self.name} moved {self.old[:12]} -> {self.tip[:12]}: {base}"
        out = [state]
        out.extend(f"  {c.sha[:12]}  {c.subject}" for c in self.commits)
        if self.forced_over:
            out.append(f"  --force: replaced {len(self.forced_over)} commit(s) not made by fluxer-patch")
        if self.push is not None:
            p = self.push
            if p.pushed:
                was = p.old[:12] if p.old else "(new)"
                out.append(f"pushed {self.ref} to {p.remote}: {was} -> {p.new[:12]}")
            else:
                out.append(f"{p.remote} already has {self.ref} at {p.new[:12]}; nothing pushed")
        return out


def plans(series: Series) -> list[CommitPlan]:
    """The series as commits: one per step, files as stored in the tree."""
    return [CommitPlan(step.patch.id, step.message, {c.path: c.after for c in step.changes}) for step in series.steps]


def foreign_commits(git: Plumbing, tip: str, upstream: str, profile: Profile = FLUXER) -> list[CommitInfo]:
    """Commits reachable from ``tip`` that are neither upstream nor made by the tool.

    Upstream is ``upstream`` and whatever an earlier build started from (the tool's commits
    name it in their ``Upstream-Commit`` trailer)."""
    infos = git.commits(tip, "--not", upstream)
    key = profile.upstream_trailer.lower()
    bases = {b for i in infos if messages.is_tool_commit(i.trailers, profile) for b in i.trailers.get(key, ())}
    known = sorted(b for b in bases if git.rev_parse(f"{b}^{{commit}}"))
    if known:
        infos = git.commits(tip, "--not", upstream, *known)
    return [i for i in infos if not messages.is_tool_commit(i.trailers, profile)]


def _describe(foreign: list[CommitInfo], where: str) -> str:
    shown = ", ".join(i.sha[:12] for i in foreign[:3])
    more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
    return (
        f"{where} holds {len(foreign)} commit(s) fluxer-patch did not make ({shown}{more}); "
        "refusing to replace them (use --force to replace the branch anyway)"
    )


def build_branch(
    git: Plumbing,
    series: Series,
    onto: str,
    name: str,
    identity: Identity,
    *,
    force: bool = False,
    move: bool = True,
    remote: str | None = None,
) -> BranchOutcome:
    """Build branch ``name`` = upstream + the series; raises BranchRefused or GitError."""
    ref = git.check_branch_name(name)
    named = git.run("rev-parse", "--symbolic-full-name", user_value(onto, "--onto"), check=False)
    if named.stdout.decode().strip() == ref:
        raise BranchRefused(f"--branch {name} is the branch --onto reads; give the fixed branch its own name")
    where = git.checked_out_in(ref)
    if where:
        raise BranchRefused(
            f"branch {name} is checked out in {where[0]}; building it would leave that worktree out of step "
            "(choose another --branch, or switch that worktree away)"
        )
    built = build(git, series.upstream, plans(series), identity)
    tip = built[-1].sha if built else series.upstream
    current = git.rev_parse(ref)
    old = git.rev_parse(f"{ref}^{{commit}}") if current else None
    if current and old != current:
        raise BranchRefused(f"{ref} does not point at a commit; refusing to move it")
    outcome = BranchOutcome(name, ref, series.upstream, onto, old, tip, built, dry=not move)
    if old is not None and old != tip:
        foreign = foreign_commits(git, old, series.upstream)
        if foreign and not force:
            raise BranchRefused(_describe(foreign, f"branch {name}"))
        outcome.forced_over = [i.sha for i in foreign]
    remote_old = None
    if remote is not None and move:
        remote_old = git.ls_remote(remote, ref)
        if remote_old not in (None, tip, old) and not force:
            if git.rev_parse(f"{remote_old}^{{commit}}") is None:
                git.fetch_ref(remote, ref)
            foreign = foreign_commits(git, remote_old, series.upstream)
            if foreign:
                raise BranchRefused(_describe(foreign, f"{remote}'s {name}"))
    if not move:
        return outcome
    if old != tip:
        reason = f"fluxer-patch: {len(built)} fix(es) on {series.upstream[:12]} ({onto})"
        git.update_ref(ref, tip, old, reason)
        outcome.updated = True
    if remote is not None:
        outcome.push = Push(remote, remote_old, tip, pushed=remote_old != tip)
        if remote_old != tip:
            lease = f"--force-with-lease={ref}:{remote_old or ''}"
            proc = git.push(remote, lease, f"{tip}:{ref}")
            if proc.returncode != 0:
                raise GitError(f"push to {remote} failed: {_push_problem(proc.stdout, proc.stderr)}; "
                               f"branch {name} is built locally at {tip[:12]}")
    return outcome


def _push_problem(stdout: bytes, stderr: bytes) -> str:
    """The rejection git push reports (``! src:dst [rejected] (stale info)``), or its error."""
    for line in stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("!"):
            return line.split("\t", 2)[-1].strip()
    return stderr_problem(stderr) or "unknown error"
