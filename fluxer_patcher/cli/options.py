"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def selection_options(func: F) -> F:
    func = click.option("--only", "only", multiple=True, metavar="ID", help="Run only this fix (repeatable).")(func)
    func = click.option("--skip", "skip", multiple=True, metavar="ID", help="Leave this fix out (repeatable).")(func)
    return func


def format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
        help="Report format.",
    )(func)


def report_format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
        help="Report format (markdown: fit for an issue body).",
    )(func)


def catalogue_option(func: F) -> F:
    return click.option(
        "--catalogue", type=click.Path(path_type=Path), default=None, metavar="DIR",
        help="Directory holding patches/ and queries/ (default: the bundled catalogue).",
    )(func)


def identity_options(func: F) -> F:
    func = click.option(
        "--committer", default=None, metavar="'NAME <EMAIL>'",
        help="Committer of the fix commits (default: $GIT_COMMITTER_NAME/EMAIL, else fluxer-patch).",
    )(func)
    return click.option(
        "--author", default=None, metavar="'NAME <EMAIL>'",
        help="Author of the fix commits (default: $GIT_AUTHOR_NAME/EMAIL, else fluxer-patch).",
    )(func)


def repo_option(func: F) -> F:
    return click.option(
        "--repo", type=click.Path(path_type=Path), default=None, metavar="PATH",
        help="The git repository: a clone, a worktree or a bare mirror of Fluxer (default: .).",
    )(func)


def fetch_option(func: F) -> F:
    return click.option(
        "--fetch", "remote", default=None, metavar="REMOTE", help="Run `git fetch REMOTE` first (a remote or a URL).",
    )(func)


def selection(only: tuple[str, ...], skip: tuple[str, ...], catalogue: Path | None) -> Any:
    """The fixes a command runs (``app.run.Selection``)."""
    from fluxer_patcher.app.run import Selection

    return Selection(only, skip, catalogue)


class DirectoryPath(click.Path):
    """A directory argument; an empty string is refused (``Path("")`` would be the current directory)."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("is empty; give the directory to work on (`.` for the current one)", param, ctx)
        return super().convert(value, param, ctx)
