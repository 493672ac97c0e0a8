"""Turning what a user named into sources: a checkout, a repository, a revision (checked)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher.app import replay
from fluxer_patcher.app.settings import CONFIG_NAME
from fluxer_patcher.catalogue.manifest import Catalogue
from fluxer_patcher.errors import BadInput
from fluxer_patcher.source import roots
from fluxer_patcher.source.base import Source, any_exists
from fluxer_patcher.source.worktree import WorkTree

if TYPE_CHECKING:
    from fluxer_patcher.git.repo import Repository
    from fluxer_patcher.source.revision import GitRevision


def open_tree(path: Path) -> WorkTree:
    probes = roots.Probes()
    problem = roots.directory_problem(path, probes)
    replay.note("probes", (tuple(probes.seen),), True)
    if problem is not None:
        raise BadInput(problem)
    return WorkTree(path)


def root_files(catalogue: Catalogue) -> tuple[str, ...]:
    """What marks a Fluxer checkout's root: a file the fixes target, or a ``.fluxer-patch.toml``
    (a renamed fork has its path map)."""
    return (*catalogue.all_files(), CONFIG_NAME)


def tree_root(start: Path, catalogue: Catalogue) -> Path:
    """The Fluxer checkout ``start`` is in: the first directory up holding a file the fixes
    target, or a ``.fluxer-patch.toml``."""
    return roots.tree_root(start, root_files(catalogue))


def require_fluxer_tree(tree: Source, catalogue: Catalogue, what: str) -> None:
    if not any_exists(tree, catalogue.known_paths()):
        example = catalogue.all_files()[0] if catalogue.all_files() else "?"
        raise BadInput(f"{what}: not a Fluxer checkout (none of the files the fixes target exist, e.g. {example})")


def open_git_repo(repo_path: Path | None, remote: str | None = None) -> Repository:
    """The repository at ``repo_path`` (default ``.``), fetched from ``remote`` first if given."""
    from fluxer_patcher.git.history import fetch  # revisions only: a checkout's run needs no git objects
    from fluxer_patcher.git.repo import open_repo

    repo = open_repo(repo_path or Path("."))
    if remote:
        fetch(repo, remote)
    return repo


def open_revision(repo: Repository, rev: str) -> GitRevision:
    """REV of the repository as a source (``app.run.chosen`` checks it is a Fluxer tree)."""
    from fluxer_patcher.source.revision import GitRevision

    return GitRevision(repo, rev)
