"""Turning command-line input into library objects, with one-line errors for bad input.

Library errors that are bad input (``errors.BadInput``: not UTF-8, unknown revision, broken
catalogue) pass through: the command group reports them in one line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from fluxer_patcher.cli.app import InputProblem


def load_catalogue(root: Path | None) -> Any:
    from fluxer_patcher.catalogue import CatalogueError, load

    try:
        return load(root)
    except CatalogueError as exc:
        raise InputProblem(str(exc)) from None


def open_tree(path: Path) -> Any:
    from fluxer_patcher.source import WorkTree

    if not path.exists():
        raise InputProblem(f"{path}: no such directory")
    if not path.is_dir():
        raise InputProblem(f"{path}: not a directory (give the root of a Fluxer checkout)")
    if not os.access(path, os.R_OK | os.X_OK):
        raise InputProblem(f"{path}: permission denied")
    return WorkTree(path)


def select(catalogue_dir: Path | None, only: tuple[str, ...], skip: tuple[str, ...]) -> tuple[Any, list[Any]]:
    from fluxer_patcher.catalogue import CatalogueError

    catalogue = load_catalogue(catalogue_dir)
    try:
        return catalogue, catalogue.select(only, skip)
    except CatalogueError as exc:
        raise click.UsageError(str(exc)) from None


def require_fluxer_tree(tree: Any, catalogue: Any, what: str) -> None:
    from fluxer_patcher.source import any_exists

    if not any_exists(tree, catalogue.all_files()):
        example = catalogue.all_files()[0] if catalogue.all_files() else "?"
        raise InputProblem(f"{what}: not a Fluxer checkout (none of the files the fixes target exist, e.g. {example})")


def run_fixes(path: Path, only: tuple[str, ...], skip: tuple[str, ...], catalogue_dir: Path | None) -> Any:
    """Select fixes, check that PATH is a Fluxer tree and run the engine in memory."""
    from fluxer_patcher.engine import Engine

    tree = open_tree(path)
    catalogue, patches = select(catalogue_dir, only, skip)
    require_fluxer_tree(tree, catalogue, str(path))
    engine = Engine(tree)
    return tree, patches, engine, engine.run(patches)


def local_changes(path: Path, patches: list[Any]) -> list[str]:
    from fluxer_patcher import gitstate
    from fluxer_patcher.catalogue import files_of

    return gitstate.local_changes(path, files_of(patches))


def commit_identity(date: str, author: str | None, committer: str | None) -> Any:
    """The commit identity dated ``date`` (an upstream commit's date, for reproducible ids)."""
    from fluxer_patcher import commits

    try:
        return commits.identity(date, author, committer)
    except ValueError as exc:
        raise click.UsageError(f"--author/--committer: {exc}") from None


def open_git_repo(repo_path: Path | None, remote: str | None = None) -> Any:
    """The repository at ``repo_path`` (default ``.``), fetched from ``remote`` first if given."""
    from fluxer_patcher.history import fetch
    from fluxer_patcher.source_git import open_repo

    repo = open_repo(repo_path or Path("."))
    if remote:
        fetch(repo, remote)
    return repo


def open_revision(repo_path: Path | None, rev: str, remote: str | None, catalogue: Any) -> Any:
    """REV of the repository as a source, checked to be a Fluxer tree."""
    from fluxer_patcher.source_git import GitRevision

    revision = GitRevision(open_git_repo(repo_path, remote), rev)
    require_fluxer_tree(revision, catalogue, revision.label)
    return revision


def revision_series(
    repo_path: Path | None, rev: str, only: tuple[str, ...], skip: tuple[str, ...], catalogue_dir: Path | None
) -> Any:
    """Open the repository, resolve REV and run the selected fixes on its objects."""
    from fluxer_patcher import series

    catalogue, patches = select(catalogue_dir, only, skip)
    return series.compute(open_revision(repo_path, rev, None, catalogue), patches)


def revision_results(
    repo_path: Path | None, rev: str, remote: str | None, patches: list[Any], catalogue: Any
) -> tuple[str, list[Any]]:
    """``check`` on a git revision: objects only, no checkout."""
    from fluxer_patcher.drift import check_revision

    revision = open_revision(repo_path, rev, remote, catalogue)
    return revision.label, check_revision(patches, revision)
