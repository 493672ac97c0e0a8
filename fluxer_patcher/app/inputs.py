"""Turning what a user named into sources: a checkout, a repository, a revision (checked)."""

from __future__ import annotations

import os
from pathlib import Path

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


def open_revision(repo: Repository, rev: str, catalogue: Catalogue) -> GitRevision:
    """REV of the repository as a source, checked to be a Fluxer tree."""
    revision = GitRevision(repo, rev)
    require_fluxer_tree(revision, catalogue, revision.label)
    return revision
