"""Commands on a checkout: ``apply``, ``check``, ``list``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fluxer_patcher.cli.main import cli
from fluxer_patcher.cli.options import (
    DirectoryPath,
    cache_option,
    catalogue_option,
    fetch_option,
    format_option,
    identity_options,
    output_options,
    repo_option,
    report_format_option,
    selection,
    selection_options,
)


@cli.command()
@click.argument("path", type=DirectoryPath(), required=False)
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
@cache_option
@output_options
def apply(
    path: Path | None,
    dry_run: bool,
    commit: bool,
    base_domain: str | None,
    author: str | None,
    committer: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    path_map: tuple[str, ...],
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Apply every fix to the Fluxer checkout at PATH.

    PATH defaults to the checkout the current directory is in (found as git finds its root:
    the first directory up holding a file the fixes target, not past the git worktree's top).

    Edits are computed in memory first; if any fix ends in error, no file is written.
    With --dry-run the diff goes to stdout (the text report to stderr).
    With --commit each applied fix becomes its own commit (message and trailers as `branch` writes them)."""
    from fluxer_patcher.app.run import ApplyOptions, checkout_root
    from fluxer_patcher.app.run import apply as run_apply
    from fluxer_patcher.report import emit_run

    if commit and dry_run:
        raise click.UsageError("--commit and --dry-run exclude each other")
    path = checkout_root(path, selection(only, skip, catalogue, path_map))
    options = ApplyOptions(dry_run, commit, base_domain, author, committer, include_diff=dry_run and fmt == "json")
    outcome = run_apply(path, selection(only, skip, catalogue, path_map), options)
    if dry_run and fmt == "text":
        sys.stdout.write(outcome.diff)
        emit_run(outcome.report, fmt, sys.stderr)
    else:
        emit_run(outcome.report, fmt)
    return outcome.report.exit_code()


@cli.command()
@click.argument("path", type=DirectoryPath(), required=False)
@repo_option
@click.option("--rev", default=None, metavar="REV", help="Check this git revision, read from objects (no checkout).")
@fetch_option
@click.option(
    "--exit-code", is_flag=True,
    help="Exit 1 also when a selected fix is pending (not yet applied), as `git diff --exit-code` does: "
    "a branch must carry every fix.",
)
@selection_options
@report_format_option
@catalogue_option
@cache_option
@output_options
def check(
    path: Path | None,
    repo: Path | None,
    rev: str | None,
    remote: str | None,
    exit_code: bool,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    path_map: tuple[str, ...],
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Report, without writing, whether each fix is pending, already-applied, drifted or error.

    PATH is a Fluxer checkout (default: the one the current directory is in, found as for
    apply); with --repo/--rev instead, the tree of a git revision is read
    straight from the repository's objects (no checkout, nothing changed).

    Exit 0 when nothing drifted, 1 when a fix drifted (with --exit-code: or is pending),
    2 for an error or bad input."""
    from fluxer_patcher.app.run import check_rev, check_tree, checkout_root
    from fluxer_patcher.report import emit_run

    revision_mode = repo is not None or rev is not None or remote is not None
    if path is not None and revision_mode:
        raise click.UsageError("give PATH or --repo/--rev, not both")
    chosen = selection(only, skip, catalogue, path_map)
    if revision_mode:
        report = check_rev(repo, rev or "HEAD", remote, chosen)
    else:
        # apply takes every option but --exit-code and the revision ones, and no markdown: then
        # the check also keeps what `apply` with its arguments would do (a replay for that apply)
        apply_format = fmt if fmt in ("text", "json") and not exit_code else None
        report = check_tree(checkout_root(path, chosen), chosen, apply_format)
    emit_run(report, fmt)
    code = report.exit_code()
    if exit_code and code == 0 and report.summary().get("pending", 0):
        return 1
    return code


@cli.command("list")
@format_option
@catalogue_option
def list_(fmt: str, catalogue: Path | None) -> int:
    """The catalogue: every fix with its gotcha numbers, files and a one-line description."""
    from fluxer_patcher.app.catalogue import load_catalogue
    from fluxer_patcher.report import emit_list

    emit_list(load_catalogue(catalogue).patches, fmt)
    return 0
