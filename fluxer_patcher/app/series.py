"""The fixes as a series on a git revision: one step per fix that changes something.

Fixes run in catalogue order on the revision's objects, each seeing the text the earlier ones
produced, so each step's changes are exactly what one commit (or one patch file) on top of
the previous step holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fluxer_patcher.app import catalogue as bundled
from fluxer_patcher.app.inputs import open_git_repo, open_revision
from fluxer_patcher.app.run import Selection, chosen
from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.engine.primitives import Registry
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.model import FileChange, Outcome
from fluxer_patcher.output import messages
from fluxer_patcher.output.series import Series, SeriesStep
from fluxer_patcher.source.revision import GitRevision


def compute(revision: GitRevision, patches: Iterable[Patch], registry: Registry) -> Series:
    """Run the fixes on ``revision`` in memory; raises NotUtf8 for a target that is not text."""
    results = Engine(revision, registry).run(patches)
    steps = tuple(
        SeriesStep(
            result,
            tuple(FileChange(revision.resolve(c.path), c.before, c.after) for c in result.changes),
            messages.message(result.patch, revision.sha),
        )
        for result in results
        if result.outcome is Outcome.CHANGED
    )
    return Series(revision, tuple(results), steps)


def revision_series(repo_path: Path | None, rev: str, selection: Selection) -> Series:
    """Open the repository, resolve REV and run the selected fixes on its objects."""
    revision = open_revision(open_git_repo(repo_path), rev)
    return compute(revision, chosen(revision, selection).patches, bundled.registry())
