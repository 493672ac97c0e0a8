"""The fixes as a series on a git revision: one step per fix that changes something.

Fixes run in catalogue order on the revision's objects, each seeing the text the earlier ones
produced, so each step's changes are exactly what one commit (or one patch file) on top of
the previous step holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fluxer_patcher import commits
from fluxer_patcher.catalogue import Patch
from fluxer_patcher.engine import CHANGED, DRIFTED, ERROR, Engine, PatchResult
from fluxer_patcher.source_git import GitRevision
from fluxer_patcher.workspace import FileChange


@dataclass(frozen=True)
class Step:
    result: PatchResult
    changes: tuple[FileChange, ...]  # paths as stored in the tree (symlinks followed)
    message: str

    @property
    def patch(self) -> Patch:
        return self.result.patch


@dataclass(frozen=True)
class Series:
    revision: GitRevision
    upstream: str  # the full id of the commit the series starts from
    results: tuple[PatchResult, ...]
    steps: tuple[Step, ...]

    @property
    def errors(self) -> list[PatchResult]:
        return [r for r in self.results if r.outcome == ERROR]

    @property
    def drifted(self) -> list[PatchResult]:
        return [r for r in self.results if r.outcome == DRIFTED]


def compute(revision: GitRevision, patches: Iterable[Patch]) -> Series:
    """Run the fixes on ``revision`` in memory; raises NotUtf8 for a target that is not text."""
    upstream = revision.sha
    results = Engine(revision).run(patches)
    steps = tuple(
        Step(
            result,
            tuple(FileChange(revision.resolve(c.path), c.before, c.after) for c in result.changes),
            commits.message(result.patch, upstream),
        )
        for result in results
        if result.outcome == CHANGED
    )
    return Series(revision, upstream, tuple(results), steps)
