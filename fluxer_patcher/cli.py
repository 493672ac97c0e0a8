"""The ``fluxer-patch`` command line: parse arguments, call the library, render reports."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from fluxer_patcher import __version__

F = TypeVar("F", bound=Callable[..., Any])
EXIT_USAGE = 2


class InputProblem(click.ClickException):
    """Bad input: reported as one line, exit 2."""

    exit_code = EXIT_USAGE


class OneLineGroup(click.Group):
    """A group whose errors are one line on stderr (``fluxer-patch: ...``), never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), getattr(exc, "exit_code", EXIT_USAGE))
        except click.Abort:
            _fail("aborted", 130)
        except BrokenPipeError:
            sys.exit(0)
        sys.exit(code or 0)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    click.echo(f"fluxer-patch: {first}", err=True)
    sys.exit(code)


def _selection_options(func: F) -> F:
    func = click.option("--only", "only", multiple=True, metavar="ID", help="Run only this fix (repeatable).")(func)
    func = click.option("--skip", "skip", multiple=True, metavar="ID", help="Leave this fix out (repeatable).")(func)
    return func


def _format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
        help="Report format.",
    )(func)


def _catalogue_option(func: F) -> F:
    return click.option(
        "--catalogue", type=click.Path(path_type=Path), default=None, metavar="DIR",
        help="Directory holding patches/ and queries/ (default: the bundled catalogue).",
    )(func)


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fluxer-patch")
def cli() -> None:
    """Structural, idempotent fixes that make the Fluxer monorepo build and run for self-hosters."""


def _load_catalogue(root: Path | None) -> Any:
    from fluxer_patcher.catalogue import CatalogueError, load

    try:
        return load(root)
    except CatalogueError as exc:
        raise InputProblem(str(exc)) from None


def _open_tree(path: Path) -> Any:
    from fluxer_patcher.source import WorkTree

    if not path.exists():
        raise InputProblem(f"{path}: no such directory")
    if not path.is_dir():
        raise InputProblem(f"{path}: not a directory (give the root of a Fluxer checkout)")
    if not os.access(path, os.R_OK | os.X_OK):
        raise InputProblem(f"{path}: permission denied")
    return WorkTree(path)


def _run(path: Path, only: tuple[str, ...], skip: tuple[str, ...], catalogue_dir: Path | None) -> Any:
    """Select fixes, check that PATH is a Fluxer tree and run the engine in memory."""
    from fluxer_patcher.catalogue import CatalogueError
    from fluxer_patcher.engine import Engine
    from fluxer_patcher.source import any_exists
    from fluxer_patcher.workspace import NotUtf8

    tree = _open_tree(path)
    catalogue = _load_catalogue(catalogue_dir)
    try:
        patches = catalogue.select(only, skip)
    except CatalogueError as exc:
        raise click.UsageError(str(exc)) from None
    if not any_exists(tree, catalogue.all_files()):
        example = catalogue.all_files()[0] if catalogue.all_files() else "?"
        raise InputProblem(f"{path}: not a Fluxer checkout (none of the files the fixes target exist, e.g. {example})")
    engine = Engine(tree)
    try:
        results = engine.run(patches)
    except NotUtf8 as exc:
        raise InputProblem(str(exc)) from None
    return tree, patches, engine, results


def _local_changes(path: Path, patches: list[Any]) -> list[str]:
    from fluxer_patcher import gitstate

    files = list(dict.fromkeys(f for p in patches for f in p.files))
    return gitstate.local_changes(path, files)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the unified diff of every fix; write nothing.")
@click.option(
    "--base-domain", metavar="DOMAIN", default=None,
    help="Your Fluxer domain, filled into the `docker build` command the report suggests "
    "(the Dockerfile keeps its ARG default).",
)
@_selection_options
@_format_option
@_catalogue_option
def apply(
    path: Path, dry_run: bool, base_domain: str | None, only: tuple[str, ...], skip: tuple[str, ...], fmt: str,
    catalogue: Path | None,
) -> int:
    """Apply every fix to the Fluxer checkout at PATH.

    Edits are computed in memory first; if any fix ends in error, no file is written.
    With --dry-run the diff goes to stdout (the text report to stderr)."""
    from fluxer_patcher.diffs import unified_all
    from fluxer_patcher.report import Report, emit
    from fluxer_patcher.writer import WriteError, write_changes

    values = {}
    if base_domain is not None:
        from fluxer_patcher.nextsteps import valid_domain

        if not valid_domain(base_domain):
            raise InputProblem(f"--base-domain {base_domain!r}: expected a host name such as chat.example.org")
        values["base_domain"] = base_domain
    tree, patches, engine, results = _run(path, only, skip, catalogue)
    local = _local_changes(path, patches)
    changes = engine.workspace.changes()
    errors = any(r.outcome == "error" for r in results)
    report = Report(
        str(path), results, written=False, local_changes=local, include_diff=dry_run and fmt == "json", values=values
    )
    if dry_run:
        if fmt == "text":
            sys.stdout.write(unified_all(changes))
            emit(report, fmt, sys.stderr)
        else:
            emit(report, fmt)
        return report.exit_code()
    if errors:
        report.aborted = bool(changes)
    elif changes:
        try:
            write_changes(tree, changes)
        except WriteError as exc:
            raise InputProblem(str(exc)) from None
        report.written = True
    else:
        report.written = True
    emit(report, fmt)
    return report.exit_code()


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@_selection_options
@_format_option
@_catalogue_option
def check(path: Path, only: tuple[str, ...], skip: tuple[str, ...], fmt: str, catalogue: Path | None) -> int:
    """Report, without writing, whether each fix is pending, already-applied, drifted or error."""
    from fluxer_patcher.report import Report, emit

    _tree, patches, _engine, results = _run(path, only, skip, catalogue)
    report = Report(str(path), results, written=False, local_changes=_local_changes(path, patches))
    emit(report, fmt)
    return report.exit_code()


@cli.command("list")
@_format_option
@_catalogue_option
def list_(fmt: str, catalogue: Path | None) -> int:
    """The catalogue: every fix with its gotcha numbers, files and a one-line description."""
    import json

    cat = _load_catalogue(catalogue)
    if fmt == "json":
        rows = [
            {"id": p.id, "gotchas": list(p.gotchas), "files": p.files, "title": p.title,
             "symptom": p.symptom, "guide": p.guide, "bug": p.bug}
            for p in cat.patches
        ]
        click.echo(json.dumps({"tool": "fluxer-patch", "version": __version__, "patches": rows}, indent=2))
        return 0
    width_id = max([len("FIX")] + [len(p.id) for p in cat.patches])
    width_g = max([len("GOTCHA")] + [len(p.gotcha_label) for p in cat.patches])
    width_f = max([len("FILE")] + [len(", ".join(p.files)) for p in cat.patches])
    click.echo(f"{'FIX'.ljust(width_id)}  {'GOTCHA'.ljust(width_g)}  {'FILE'.ljust(width_f)}  DESCRIPTION")
    for p in cat.patches:
        files = ", ".join(p.files).ljust(width_f)
        click.echo(f"{p.id.ljust(width_id)}  {p.gotcha_label.ljust(width_g)}  {files}  {p.title}")
    return 0


def main() -> None:
    cli.main(prog_name="fluxer-patch")
