"""``drift``: each fix along the first-parent history up to REV."""

from __future__ import annotations

from pathlib import Path

from fluxer_patcher.app import catalogue as bundled
from fluxer_patcher.app import settings
from fluxer_patcher.app.inputs import open_git_repo
from fluxer_patcher.app.run import Selection
from fluxer_patcher.drift.walk import Drift, walk
from fluxer_patcher.git.history import first_parent_range
from fluxer_patcher.source.revision import GitRevision


def drift(repo_path: Path | None, rev: str, since: str | None, last: int | None, remote: str | None,
          selection: Selection) -> Drift:
    repo = open_git_repo(repo_path, remote)
    commits = first_parent_range(repo, rev, since=since, last=last)
    # the tip's settings (a fork commits its .fluxer-patch.toml) hold for the whole history;
    # the tip as the listing resolved it (no second rev-parse)
    tip = commits.commits[-1] if commits.commits and commits.commits[-1].sha == commits.rev else None
    patches = settings.choose(bundled.load_catalogue(selection.catalogue), selection,
                              settings.read(GitRevision(repo, commits.rev, tree=tip.tree if tip else None))).patches
    from fluxer_patcher.app import observations
    from fluxer_patcher.drift.cache import ResultCache

    kept = observations.key(patches)
    cache = ResultCache(bundled.registry(), stored=observations.load(kept))  # earlier walks' results
    found = walk(repo, patches, commits, bundled.registry(), cache=cache)
    if cache.computed:
        observations.save(kept, cache.observations(), cache.own())
    return found
