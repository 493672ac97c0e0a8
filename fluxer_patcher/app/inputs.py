"""Turning what a user named into sources: a checkout, a repository, a revision (checked)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from fluxer_patcher.app.settings import CONFIG_NAME
from fluxer_patcher.catalogue.manifest import Catalogue
from fluxer_patcher.errors import BadInput
from fluxer_patcher.git.history import fetch
from fluxer_patcher.git.repo import Repository, open_repo
from fluxer_patcher.source.base import Source, any_exists
from fluxer_patcher.source.revision import GitRevision
from fluxer_patcher.source.worktree import WorkTree


def open_tree(path: Path) -> WorkTree:
    if not path.exists():
        raise BadInput(f"{path}: no such directory")
    if not path.is_dir():
        raise BadInput(f"{path}: not a directory (give the root of a Fluxer checkout)")
    if not os.access(path, os.R_OK | os.X_OK):
        raise BadInput(f"{path}: permission denied")
    return WorkTree(path)


def find_root(start: Path, holds: Callable[[Path], bool]) -> Path:
    """The directory to work on, found from ``start`` as git and ruff find theirs: ``start``
    or the first parent that ``holds`` what the command reads, not past the top of the git
    worktree (a directory holding ``.git``).  ``start`` itself when none does (its error then
    names it)."""
    start = start.absolute() if start.exists() else start
    if not start.is_dir() or holds(start):
        return start
    for parent in start.parents:
        if holds(parent):
            return parent
        if (parent / ".git").exists():
            break
    return start


def tree_root(start: Path, catalogue: Catalogue) -> Path:
    """The Fluxer checkout ``start`` is in: the first directory up holding a file the fixes
    target, or a ``.fluxer-patch.toml``."""
    files = [*catalogue.all_files(), CONFIG_NAME]  # a renamed fork has its path map
    found = find_root(start, lambda d: any((d / f).is_file() for f in files))
    return found if found != start.absolute() else start


def require_fluxer_tree(tree: Source, catalogue: Catalogue, what: str) -> None:
    if not any_exists(tree, catalogue.known_paths()):
        example = catalogue.all_files()[0] if catalogue.all_files() else "?"
        raise BadInput(f"{what}: not a Fluxer checkout (none of the files the fixes target exist, e.g. {example})")


def open_git_repo(repo_path: Path | None, remote: str | None = None) -> Repository:
    """The repository at ``repo_path`` (default ``.``), fetched from ``remote`` first if given."""
    repo = open_repo(repo_path or Path("."))
    if remote:
        fetch(repo, remote)
    return repo


def open_revision(repo: Repository, rev: str) -> GitRevision:
    """REV of the repository as a source (``app.run.chosen`` checks it is a Fluxer tree)."""
    return GitRevision(repo, rev)
