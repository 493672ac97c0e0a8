"""The fixes as a series on a git revision: one step per fix that changes something.

Each step holds exactly what one commit (or one patch file) on top of the previous step
holds: its file changes, with paths as stored in the tree, and its commit message.  Built
by ``app.series``; written by :mod:`.commits` (``branch``) and :mod:`.patchfiles` (``export``).
"""

from __future__ import annotations

from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.model import FileChange, Outcome, PatchResult
from fluxer_patcher.record import dataclass
from fluxer_patcher.source.revision import GitRevision


@dataclass(frozen=True)
class SeriesStep:
    result: PatchResult
    changes: tuple[FileChange, ...]  # paths as stored in the tree (symlinks followed)
    message: str

    @property
    def patch(self) -> Patch:
        return self.result.patch


@dataclass(frozen=True)
class Series:
    revision: GitRevision
    results: tuple[PatchResult, ...]
    steps: tuple[SeriesStep, ...]

    @property
    def upstream(self) -> str:
        """The full id of the commit the series starts from."""
        return self.revision.sha

    @property
    def errors(self) -> list[PatchResult]:
        return [r for r in self.results if r.outcome is Outcome.ERROR]

    @property
    def drifted(self) -> list[PatchResult]:
        return [r for r in self.results if r.outcome is Outcome.DRIFTED]
