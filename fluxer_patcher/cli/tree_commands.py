"""Commands on a checkout: ``apply``, ``check``, ``list``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from fluxer_patcher import __version__
from fluxer_patcher.cli.app import InputProblem, cli
from fluxer_patcher.cli.inputs import (
    commit_identity,
    load_catalogue,
    local_changes,
    open_tree,
    revision_results,
    run_fixes,
    select,
)
from fluxer_patcher.cli.options import (
    catalogue_option,
    fetch_option,
    format_option,
    identity_options,
    repo_option,
    report_format_option,
    selection_options,
)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the unified diff of every fix; write nothing.")
@click.option(
    "--commit", is_flag=True,
    help="Then make one commit per applied fix on the current branch (PATH must be in a git worktree, "
    "and the files the fixes change must have no local changes).",
)
@click.option(
    "--base-domain", metavar="DOMAIN", default=None,
    help="Your Fluxer domain, filled into the `docker build` command the report suggests "
    "(the Dockerfile keeps its ARG default).",
)
@identity_options
@selection_options
@format_option
@catalogue_option
def apply(
    path: Path,
    dry_run: bool,
    commit: bool,
    base_domain: str | None,
    author: str | None,
    committer: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Apply every fix to the Fluxer checkout at PATH.

    Edits are computed in memory first; if any fix ends in error, no file is written.
    With --dry-run the diff goes to stdout (the text report to stderr).
    With --commit each applied fix becomes its own commit (message and trailers as `branch` writes them)."""
    from fluxer_patcher.diffs import unified_all
    from fluxer_patcher.report import Report, emit
    from fluxer_patcher.writer import WriteError, write_changes

    values = {}
    if base_domain is not None:
        from fluxer_patcher.nextsteps import valid_domain

        if not valid_domain(base_domain):
            raise InputProblem(f"--base-domain {base_domain!r}: expected a host name such as chat.example.org")
        values["base_domain"] = base_domain
    if commit and dry_run:
        raise click.UsageError("--commit and --dry-run exclude each other")
    checkout = _open_checkout(path) if commit else None
    tree, patches, engine, results = run_fixes(path, only, skip, catalogue)
    local = local_changes(path, patches)
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
        built = _commit_objects(checkout, tree, results, local, author, committer) if checkout else []
        try:
            write_changes(tree, changes)
        except WriteError as exc:
            raise InputProblem(str(exc)) from None
        report.written = True
        if checkout is not None:
            _commit_advance(checkout, tree, built, changes)
            report.notes.extend(_commit_lines(checkout, built))
            report.extra["commits"] = [{"id": c.patch_id, "sha": c.sha} for c in built]
    else:
        report.written = True
    emit(report, fmt)
    return report.exit_code()


def _open_checkout(path: Path) -> Any:
    from fluxer_patcher.gitwrite import GitError
    from fluxer_patcher.inplace import NotAWorktree, open_checkout

    open_tree(path)
    try:
        return open_checkout(path)
    except (NotAWorktree, GitError) as exc:
        raise InputProblem(str(exc)) from None


def _commit_objects(
    checkout: Any, tree: Any, results: list[Any], local: list[str], author: str | None, committer: str | None
) -> list[Any]:
    """The fix commits as objects (HEAD not moved), refusing targets with local changes."""
    from fluxer_patcher import inplace
    from fluxer_patcher.gitwrite import GitError

    changed = {c.path for r in results for c in r.changes}
    dirty = [p for p in local if p in changed]
    if dirty:
        raise InputProblem(
            f"{', '.join(dirty)}: local changes; --commit would mix them into the fix commits "
            "(commit or stash them first, or run without --commit); nothing written"
        )
    try:
        identity = commit_identity(checkout.git.commit_date(checkout.head), author, committer)
        return inplace.build(checkout, tree, results, identity)
    except GitError as exc:
        raise InputProblem(f"{exc}; nothing written") from None


def _commit_advance(checkout: Any, tree: Any, built: list[Any], changes: list[Any]) -> None:
    from fluxer_patcher import inplace
    from fluxer_patcher.gitwrite import GitError

    try:
        paths = list(inplace.repo_paths(tree, checkout, [c.path for c in changes]).values())
        inplace.advance(checkout, built, paths)
    except GitError as exc:
        raise InputProblem(str(exc)) from None


def _commit_lines(checkout: Any, built: list[Any]) -> list[str]:
    where = checkout.branch.removeprefix("refs/heads/") if checkout.branch else "detached HEAD"
    lines = [f"committed {len(built)} fix{'es' if len(built) != 1 else ''} on {where}:"]
    return lines + [f"  {c.sha[:12]}  {c.subject}" for c in built]


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@repo_option
@click.option("--rev", default=None, metavar="REV", help="Check this git revision, read from objects (no checkout).")
@fetch_option
@selection_options
@report_format_option
@catalogue_option
def check(
    path: Path | None,
    repo: Path | None,
    rev: str | None,
    remote: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Report, without writing, whether each fix is pending, already-applied, drifted or error.

    PATH is a Fluxer checkout; with --repo/--rev instead, the tree of a git revision is read
    straight from the repository's objects (no checkout, nothing changed)."""
    from fluxer_patcher.report import Report, emit

    revision_mode = repo is not None or rev is not None or remote is not None
    if path is not None and revision_mode:
        raise click.UsageError("give PATH or --repo/--rev, not both")
    if path is None and not revision_mode:
        raise click.UsageError("missing PATH (or --rev REV to check a git revision)")
    if path is None:
        cat, patches = select(catalogue, only, skip)
        target, results = revision_results(repo, rev or "HEAD", remote, patches, cat)
        report = Report(target, results, written=False)
    else:
        _tree, patches, _engine, results = run_fixes(path, only, skip, catalogue)
        report = Report(str(path), results, written=False, local_changes=local_changes(path, patches))
    emit(report, fmt)
    return report.exit_code()


@cli.command("list")
@format_option
@catalogue_option
def list_(fmt: str, catalogue: Path | None) -> int:
    """The catalogue: every fix with its gotcha numbers, files and a one-line description."""
    import json

    cat = load_catalogue(catalogue)
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
