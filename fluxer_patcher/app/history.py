"""``drift``: each fix along the first-parent history up to REV."""

from __future__ import annotations

from pathlib import Path

from fluxer_patcher.app import catalogue as bundled
from fluxer_patcher.app.inputs import open_git_repo
from fluxer_patcher.app.run import Selection
from fluxer_patcher.drift.walk import Drift, walk
from fluxer_patcher.git.history import first_parent_range


def drift(repo_path: Path | None, rev: str, since: str | None, last: int | None, remote: str | None,
          selection: Selection) -> Drift:
    catalogue = bundled.load_catalogue(selection.catalogue)
    patches = bundled.select(catalogue, selection.only, selection.skip)
    repo = open_git_repo(repo_path, remote)
    return walk(repo, patches, first_parent_range(repo, rev, since=since, last=last), bundled.registry())
