"""Options shared by several commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

F = TypeVar("F", bound=Callable[..., Any])


def complete_fix_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion of --only/--skip: the ids of the catalogue the command would use."""
    from click.shell_completion import CompletionItem

    from fluxer_patcher.app.catalogue import load_catalogue

    try:
        catalogue = load_catalogue(ctx.params.get("catalogue"))
    except Exception:  # a broken catalogue completes nothing rather than failing the shell
        return []
    return [CompletionItem(p.id, help=p.title) for p in catalogue.patches if p.id.startswith(incomplete)]


def selection_options(func: F) -> F:
    func = click.option("--only", "only", multiple=True, metavar="ID", shell_complete=complete_fix_id,
                        help="Run only this fix (repeatable).")(func)
    func = click.option("--skip", "skip", multiple=True, metavar="ID", shell_complete=complete_fix_id,
                        help="Leave this fix out (repeatable; also `skip` in the checkout's .fluxer-patch.toml).")(func)
    func = click.option("--path-map", "path_map", multiple=True, metavar="OLD=NEW",
                        help="This tree keeps OLD (a directory the fixes name, e.g. fluxer_app) at NEW "
                        "(e.g. apps/web): every path the fixes read or write is mapped (repeatable; also "
                        "[paths] in the checkout's .fluxer-patch.toml).")(func)
    return func


def output_options(func: F) -> F:
    """``--quiet``/``--verbose`` and ``--color``, recorded for the report renderers."""

    @functools.wraps(func)
    def wrapper(*args: Any, quiet: bool, verbose: bool, color: str, **kwargs: Any) -> Any:
        from fluxer_patcher.report import style

        if quiet and verbose:
            raise click.UsageError("--quiet and --verbose exclude each other")
        level = style.QUIET if quiet else style.VERBOSE if verbose else style.NORMAL
        style.configure(style.Output(level, color))
        return func(*args, **kwargs)

    decorated: Any = wrapper
    decorated = click.option(
        "--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
        help="Colour the text report: auto = on a terminal, unless NO_COLOR is set (non-empty) or TERM=dumb; "
        "FORCE_COLOR (non-empty) turns it on.",
    )(decorated)
    decorated = click.option("-v", "--verbose", is_flag=True,
                             help="Per-step details in the text report: what each query matched, what counted "
                             "as already there.")(decorated)
    decorated = click.option("-q", "--quiet", is_flag=True,
                             help="Only rows that need attention (pending, drifted, error; doctor: problem, "
                             "missing) and the summary.")(decorated)
    return decorated  # type: ignore[no-any-return]


def cache_option(func: F) -> F:
    """``--no-cache``: run every fix, neither replaying nor keeping results (``app.cache``,
    ``app.replay``); the validated catalogue, derived from the tool's own data, stays."""

    @functools.wraps(func)
    def wrapper(*args: Any, no_cache: bool, **kwargs: Any) -> Any:
        from fluxer_patcher.app import cache

        cache.configure(enabled=not no_cache)
        return func(*args, **kwargs)

    decorated: Any = click.option(
        "--no-cache", "no_cache", is_flag=True,
        help="Compute every fix afresh; neither use nor keep results or replays (also: FLUXER_PATCH_NO_CACHE=1).",
    )(wrapper)
    return decorated  # type: ignore[no-any-return]


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


def selection(only: tuple[str, ...], skip: tuple[str, ...], catalogue: Path | None,
              path_map: tuple[str, ...] = ()) -> Any:
    """The fixes a command runs (``app.run.Selection``)."""
    from fluxer_patcher.app.run import Selection

    return Selection(only, skip, catalogue, path_map)


class DirectoryPath(click.Path):
    """A directory argument; an empty string is refused (``Path("")`` would be the current directory)."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("is empty; give the directory to work on (`.` for the current one)", param, ctx)
        return super().convert(value, param, ctx)
