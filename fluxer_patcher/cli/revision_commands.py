"""Commands on git revisions: ``drift``, ``branch``, ``export``."""

from __future__ import annotations

from pathlib import Path

import click

from fluxer_patcher.cli.app import InputProblem, cli
from fluxer_patcher.cli.inputs import commit_identity, open_git_repo, revision_series, select
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
@repo_option
@click.option("--rev", default="HEAD", show_default=True, metavar="REV", help="Newest revision of the walk.")
@click.option("--since", default=None, metavar="REV", help="Walk from this revision (exclusive).")
@click.option("--last", type=click.IntRange(min=1), default=None, metavar="N", help="Walk the last N commits.")
@fetch_option
@selection_options
@report_format_option
@catalogue_option
def drift(
    repo: Path | None,
    rev: str,
    since: str | None,
    last: int | None,
    remote: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Each fix's status along the first-parent history up to REV, and the commits that changed it.

    Fixes run again only at commits that change what they read; results are cached by git
    object id. Exit 1 when a fix is drifted at REV."""
    from fluxer_patcher.drift import walk
    from fluxer_patcher.drift_report import emit
    from fluxer_patcher.history import first_parent_range

    if (since is None) == (last is None):
        raise click.UsageError("give one of --since REV or --last N")
    _cat, patches = select(catalogue, only, skip)
    git_repo = open_git_repo(repo, remote)
    result = walk(git_repo, patches, first_parent_range(git_repo, rev, since=since, last=last))
    emit(result, fmt)
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
    fmt: str,
    catalogue: Path | None,
) -> int:
    """Build branch NAME = REV plus one commit per fix that applies, in catalogue order.

    Built from git objects: the working tree, the index and HEAD are never touched.  The same
    REV and fixes give the same commit ids; a rerun with nothing new updates nothing."""
    from fluxer_patcher import fork
    from fluxer_patcher.gitwrite import GitError, Plumbing
    from fluxer_patcher.report import Report, emit

    series = revision_series(repo, onto, only, skip, catalogue)
    report = Report(series.revision.label, list(series.results), written=True)
    if series.errors:
        report.written = False
        report.notes.append(f"branch {name} not built: a fix ended in error")
        emit(report, fmt)
        return report.exit_code()
    git = Plumbing(series.revision.repo.git_dir)
    try:
        identity = commit_identity(git.commit_date(series.upstream), author, committer)
        outcome = fork.build_branch(
            git, series, onto, name, identity, force=force, move=not (strict and series.drifted), remote=remote
        )
    except (fork.BranchRefused, GitError) as exc:
        raise InputProblem(str(exc)) from None
    report.written = outcome.updated or outcome.old == outcome.tip
    report.notes.extend(outcome.lines())
    report.extra["branch"] = outcome.to_dict()
    emit(report, fmt)
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
    catalogue: Path | None,
) -> int:
    """Write the fixes that apply on REV as numbered patch files in OUTDIR.

    Every patch is parsed back and applied on REV before anything is written."""
    from fluxer_patcher import export
    from fluxer_patcher.gitwrite import GitError, Plumbing
    from fluxer_patcher.report import Report, emit

    series = revision_series(repo, rev, only, skip, catalogue)
    report = Report(series.revision.label, list(series.results), written=False)
    if series.errors or (strict and series.drifted):
        why = "a fix ended in error" if series.errors else "--strict and a fix drifted"
        report.notes.append(f"nothing exported: {why}")
        emit(report, fmt)
        return report.exit_code()
    git = Plumbing(series.revision.repo.git_dir)
    try:
        identity = commit_identity(git.commit_date(series.upstream), author, committer)
        files = export.export(series, git, identity, patch_format, outdir, force)
    except (export.ExportError, GitError) as exc:
        raise InputProblem(str(exc)) from None
    report.written = True
    patches = [f for f in files if f.step is not None]
    report.notes.append(
        f"exported {len(patches)} patch{'es' if len(patches) != 1 else ''} ({patch_format}) on "
        f"{series.upstream[:12]} to {outdir}; each parsed back and applied on {rev} before writing"
    )
    report.notes.extend(f"  {f.name}" for f in files)
    report.extra["export"] = {"format": patch_format, "outdir": str(outdir), "files": [f.name for f in files]}
    emit(report, fmt)
    return report.exit_code()
