"""Each fix's status along a first-parent history, and the commits where it changed.

Every fix runs at the base commit and then only at commits that change one of its inputs
(:mod:`.cache`): commits that touch none of them inherit its status without a parse, so the
cost of a walk grows with the number of changed target files, not the number of commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.drift import explain as explaining
from fluxer_patcher.drift.cache import Observation, ResultCache, observe_all
from fluxer_patcher.engine.primitives import Registry
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.git.history import Commit, Range, describe
from fluxer_patcher.git.objects import ObjectCache
from fluxer_patcher.git.repo import Repository
from fluxer_patcher.model import PatchResult, Reason, ReasonKind, Status, exit_code, summarise
from fluxer_patcher.source.revision import GitRevision


@dataclass(frozen=True)
class Transition:
    commit: Commit
    index: int  # position of the commit in the walk, oldest first
    before: Status | None  # None: no status before the first commit of a history that starts at a root
    after: Status
    reason: Reason
    files: tuple[str, ...]  # the fix's inputs this commit changed


@dataclass(frozen=True)
class Touched:
    """A commit that changed one of a fix's inputs, and the fix's status there."""

    commit: Commit
    status: Status


@dataclass
class FixHistory:
    patch: Patch
    status: Status = Status.PENDING  # at the newest commit
    reason: Reason = field(default_factory=lambda: Reason(ReasonKind.EDIT))
    baseline: Status | None = None  # at the base commit
    transitions: list[Transition] = field(default_factory=list)
    touched: list[Touched] = field(default_factory=list)

    @property
    def breaking(self) -> Transition | None:
        """The transition into the current status, when it happened in the range (the breaking
        commit of a drifted fix): the last one, since the status only changes at a transition."""
        return self.transitions[-1] if self.transitions else None


@dataclass
class Drift:
    repo_label: str
    rev: Commit
    base: Commit | None
    commits: int
    fixes: list[FixHistory]
    runs: int

    def summary(self) -> dict[str, int]:
        return summarise(f.status for f in self.fixes)

    def exit_code(self) -> int:
        return exit_code(self.summary())


def _changed(before: Observation | None, now: Observation) -> tuple[str, ...]:
    """The inputs of ``now`` whose identity differs from the previous commit's."""
    if before is None:
        return now.inputs
    previous = dict(zip(before.inputs, before.ids, strict=True))
    return tuple(p for p, i in zip(now.inputs, now.ids, strict=True) if previous.get(p, "?") != i)


def walk(
    repo: Repository,
    patches: Sequence[Patch],
    span: Range,
    registry: Registry,
    explain: bool = True,
    cache: ResultCache | None = None,
) -> Drift:
    """Run every fix at the base and at each commit of ``span``; record where statuses change."""
    objects = ObjectCache(repo)
    cache = cache or ResultCache(registry)
    runs_before = cache.runs
    fixes = [FixHistory(p) for p in patches]
    previous: list[Observation | None] = [None] * len(patches)
    revision: GitRevision | None = None
    if span.base is not None:
        revision = GitRevision(repo, span.base, objects)
        for i, seen in enumerate(observe_all(patches, revision, cache)):
            fixes[i].baseline = fixes[i].status = seen.status
            fixes[i].reason = seen.reason
            previous[i] = seen
    for index, commit in enumerate(span.commits):
        revision = GitRevision(repo, commit.sha, objects)
        for i, seen in enumerate(observe_all(patches, revision, cache)):
            fix, before = fixes[i], previous[i]
            previous[i] = seen
            if before is not None and before is seen:
                continue
            changed = _changed(before, seen)
            if before is not None and not changed:
                continue
            fix.touched.append(Touched(commit, seen.status))
            if before is None or before.status != seen.status:
                reason = explaining.reason(revision, fix.patch, seen.outcome, seen.reason) if explain else seen.reason
                fix.transitions.append(
                    Transition(commit, index, before.status if before else None, seen.status, reason, changed)
                )
            fix.status, fix.reason = seen.status, seen.reason
    if revision is not None and explain:
        for fix, last in zip(fixes, previous, strict=True):
            if last is not None:
                fix.reason = explaining.reason(revision, fix.patch, last.outcome, last.reason)
    head = span.commits[-1] if span.commits else describe(repo, span.rev)
    base = describe(repo, span.base) if span.base is not None else None
    return Drift(repo.label, head, base, len(span.commits), fixes, cache.runs - runs_before)


def check_revision(patches: Sequence[Patch], revision: GitRevision, registry: Registry) -> list[PatchResult]:
    """``check`` on a revision: the engine's own sequential run, with drift reasons explained."""
    results = Engine(revision, registry).run(patches)
    for result in results:
        result.reason = explaining.reason(revision, result.patch, result.outcome, result.reason)
    return results
