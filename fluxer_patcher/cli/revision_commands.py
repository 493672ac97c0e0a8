"""Commands on git revisions: ``drift``, ``branch``, ``export``."""

from __future__ import annotations

from pathlib import Path

import click

from fluxer_patcher.cli.main import cli
from fluxer_patcher.cli.options import (
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
@repo_option
@click.option("--rev", default="HEAD", show_default=True, metavar="REV", help="Newest revision of the walk.")
@click.option("--since", default=None, metavar="REV", help="Walk from this revision (exclusive).")
@click.option("--last", type=click.IntRange(min=1), default=None, metavar="N", help="Walk the last N commits.")
@fetch_option
@selection_options
@report_format_option
@catalogue_option
@cache_option
@output_options
def drift(
    repo: Path | None,
    rev: str,
    since: str | None,
    last: int | None,
    remote: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    path_map: tuple[str, ...],
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Each fix's status along the first-parent history up to REV, and the commits that changed it.

    Fixes run again only at commits that change what they read; results are cached by git
    object id, and kept for the next walk (a nightly drift re-walks what it saw; --no-cache:
    neither use nor keep them). Exit 1 when a fix is drifted at REV."""
    from fluxer_patcher.app.history import drift as walk_drift
    from fluxer_patcher.report import emit_drift

    if (since is None) == (last is None):
        raise click.UsageError("give one of --since REV or --last N")
    result = walk_drift(repo, rev, since, last, remote, selection(only, skip, catalogue, path_map))
    emit_drift(result, fmt)
    return result.exit_code()


@cli.command("branch")
@repo_option
@click.option("--onto", required=True, metavar="REV", help="The upstream revision the branch starts from.")
@click.option("--branch", "name", required=True, metavar="NAME", help="The branch to create or rebuild.")
@click.option("--push", "remote", default=None, metavar="REMOTE",
              help="Then push the branch to REMOTE with --force-with-lease against the value read from it.")
@click.option("--strict", is_flag=True, help="Do not create or move the branch when a fix drifted.")
@click.option("--force", is_flag=True, help="Replace the branch even if it holds commits fluxer-patch did not make.")
@identity_options
@selection_options
@format_option
@catalogue_option
@output_options
def branch_(
    repo: Path | None,
    onto: str,
    name: str,
    remote: str | None,
    strict: bool,
    force: bool,
    author: str | None,
    committer: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    path_map: tuple[str, ...],
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Build branch NAME = REV plus one commit per fix that applies, in catalogue order.

    Built from git objects: the working tree, the index and HEAD are never touched.  The same
    REV and fixes give the same commit ids; a rerun with nothing new updates nothing."""
    from fluxer_patcher.app.fork import BranchRequest, build_branch
    from fluxer_patcher.report import emit_run

    request = BranchRequest(onto, name, remote, strict, force, author, committer)
    report = build_branch(repo, request, selection(only, skip, catalogue, path_map))
    emit_run(report, fmt)
    return report.exit_code()


@cli.command("export")
@repo_option
@click.option("--rev", required=True, metavar="REV", help="The upstream revision the patches apply on.")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--format", "patch_format", type=click.Choice(["git", "quilt"]), default="git", show_default=True,
              help="git: format-patch mails for `git am`; quilt: a series with DEP-3 headers.")
@click.option("--report", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format.")
@click.option("--strict", is_flag=True, help="Write nothing when a fix drifted.")
@click.option("--force", is_flag=True, help="Write into a non-empty OUTDIR, replacing an earlier export there.")
@identity_options
@selection_options
@catalogue_option
@output_options
def export_(
    repo: Path | None,
    rev: str,
    outdir: Path,
    patch_format: str,
    fmt: str,
    strict: bool,
    force: bool,
    author: str | None,
    committer: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    path_map: tuple[str, ...],
    catalogue: Path | None,
) -> int:
    """Write the fixes that apply on REV as numbered patch files in OUTDIR.

    Every patch is parsed back and applied on REV before anything is written."""
    from fluxer_patcher.app.export import ExportRequest, export
    from fluxer_patcher.report import emit_run

    request = ExportRequest(rev, outdir, patch_format, strict, force, author, committer)
    report = export(repo, request, selection(only, skip, catalogue, path_map))
    emit_run(report, fmt)
    return report.exit_code()
