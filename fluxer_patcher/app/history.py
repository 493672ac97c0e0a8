"""``drift``: each fix along the first-parent history up to REV."""

from __future__ import annotations

from pathlib import Path

from fluxer_patcher.app import catalogue as bundled
from fluxer_patcher.app import settings
from fluxer_patcher.app.inputs import open_git_repo
from fluxer_patcher.app.run import Selection
from fluxer_patcher.drift.walk import Drift, walk
from fluxer_patcher.git.history import LastCommits, first_parent_range
from fluxer_patcher.source.revision import GitRevision


def drift(repo_path: Path | None, rev: str, since: str | None, last: int | None, remote: str | None,
          selection: Selection) -> Drift:
    repo = open_git_repo(repo_path, remote)
    listing: LastCommits | None = None
    if last is not None and since is None:  # git lists the commits while the catalogue loads
        listing = LastCommits(repo, repo.resolve(rev), last)
        head = listing.head
    else:
        commits = first_parent_range(repo, rev, since=since, last=last)
        head = commits.rev
    try:
        # the tip's settings (a fork commits its .fluxer-patch.toml) hold for the whole history;
        # the tip as resolved for the listing (no second rev-parse)
        patches = settings.choose(bundled.load_catalogue(selection.catalogue), selection,
                                  settings.read(GitRevision(repo, head))).patches
        from fluxer_patcher.app import observations
        from fluxer_patcher.drift.cache import ResultCache

        kept = observations.key(patches)
        cache = ResultCache(bundled.registry(), stored=observations.load(kept))  # earlier walks' results
        if listing is not None:
            listed: LastCommits = listing
            listing = None  # asked for now: what goes wrong is its own
            commits = listed.result()
    except Exception:
        if listing is not None:
            listing.result()  # git's failure first, as when the listing came before the catalogue
        raise
    finally:
        if listing is not None:
            listing.close()  # not asked for
    found = walk(repo, patches, commits, bundled.registry(), cache=cache)
    if cache.computed:
        observations.save(kept, cache.observations(), cache.own())
    return found
