"""The ``fluxer-patch`` command line: parse arguments, call the library, render reports."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from fluxer_patcher import __version__
from fluxer_patcher.errors import CatalogueProblem

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
        except CatalogueProblem as exc:
            _fail(str(exc))
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


def _report_format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
        help="Report format (markdown: fit for an issue body).",
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


def _select(catalogue_dir: Path | None, only: tuple[str, ...], skip: tuple[str, ...]) -> tuple[Any, list[Any]]:
    from fluxer_patcher.catalogue import CatalogueError

    catalogue = _load_catalogue(catalogue_dir)
    try:
        return catalogue, catalogue.select(only, skip)
    except CatalogueError as exc:
        raise click.UsageError(str(exc)) from None


def _require_fluxer_tree(tree: Any, catalogue: Any, what: str) -> None:
    from fluxer_patcher.source import any_exists

    if not any_exists(tree, catalogue.all_files()):
        example = catalogue.all_files()[0] if catalogue.all_files() else "?"
        raise InputProblem(f"{what}: not a Fluxer checkout (none of the files the fixes target exist, e.g. {example})")


def _run(path: Path, only: tuple[str, ...], skip: tuple[str, ...], catalogue_dir: Path | None) -> Any:
    """Select fixes, check that PATH is a Fluxer tree and run the engine in memory."""
    from fluxer_patcher.engine import Engine
    from fluxer_patcher.workspace import NotUtf8

    tree = _open_tree(path)
    catalogue, patches = _select(catalogue_dir, only, skip)
    _require_fluxer_tree(tree, catalogue, str(path))
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


def _identity_options(func: F) -> F:
    func = click.option(
        "--committer", default=None, metavar="'NAME <EMAIL>'",
        help="Committer of the fix commits (default: $GIT_COMMITTER_NAME/EMAIL, else fluxer-patch).",
    )(func)
    return click.option(
        "--author", default=None, metavar="'NAME <EMAIL>'",
        help="Author of the fix commits (default: $GIT_AUTHOR_NAME/EMAIL, else fluxer-patch).",
    )(func)


def _identity(date: str, author: str | None, committer: str | None) -> Any:
    """The commit identity dated ``date`` (an upstream commit's date, for reproducible ids)."""
    from fluxer_patcher import commits

    try:
        return commits.identity(date, author, committer)
    except ValueError as exc:
        raise click.UsageError(f"--author/--committer: {exc}") from None


def _revision_series(
    repo_path: Path, rev: str, only: tuple[str, ...], skip: tuple[str, ...], catalogue_dir: Path | None
) -> Any:
    """Open the repository, resolve REV and run the selected fixes on its objects."""
    from fluxer_patcher import series
    from fluxer_patcher.catalogue import CatalogueError
    from fluxer_patcher.source import any_exists
    from fluxer_patcher.source_git import GitRevision, RevisionError, open_repo
    from fluxer_patcher.workspace import NotUtf8

    catalogue = _load_catalogue(catalogue_dir)
    try:
        patches = catalogue.select(only, skip)
    except CatalogueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        revision = GitRevision(open_repo(repo_path), rev)
    except RevisionError as exc:
        raise InputProblem(str(exc)) from None
    if not any_exists(revision, catalogue.all_files()):
        example = catalogue.all_files()[0] if catalogue.all_files() else "?"
        raise InputProblem(
            f"{revision.label}: not a Fluxer tree (none of the files the fixes target exist, e.g. {example})"
        )
    try:
        return series.compute(revision, patches)
    except NotUtf8 as exc:
        raise InputProblem(str(exc)) from None


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
@_identity_options
@_selection_options
@_format_option
@_catalogue_option
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

    _open_tree(path)
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
        identity = _identity(checkout.git.commit_date(checkout.head), author, committer)
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


def _repo_option(func: F) -> F:
    return click.option(
        "--repo", type=click.Path(path_type=Path), default=None, metavar="PATH",
        help="Git repository to read revisions from (default: .).",
    )(func)


def _fetch_option(func: F) -> F:
    return click.option(
        "--fetch", "remote", default=None, metavar="REMOTE", help="Run `git fetch REMOTE` first (a remote or a URL).",
    )(func)


def _open_repo(repo_path: Path | None, remote: str | None) -> Any:
    from fluxer_patcher.history import fetch
    from fluxer_patcher.source_git import RevisionError, open_repo

    try:
        repo = open_repo(repo_path or Path("."))
        if remote:
            fetch(repo, remote)
    except RevisionError as exc:
        raise InputProblem(str(exc)) from None
    return repo


def _revision_results(
    repo_path: Path | None, rev: str, remote: str | None, patches: list[Any], catalogue: Any
) -> tuple[str, list[Any]]:
    """``check`` on a git revision: objects only, no checkout."""
    from fluxer_patcher.drift import check_revision
    from fluxer_patcher.source_git import GitRevision, RevisionError
    from fluxer_patcher.workspace import NotUtf8

    repo = _open_repo(repo_path, remote)
    try:
        revision = GitRevision(repo, rev)
    except RevisionError as exc:
        raise InputProblem(str(exc)) from None
    _require_fluxer_tree(revision, catalogue, revision.label)
    try:
        return revision.label, check_revision(patches, revision)
    except NotUtf8 as exc:
        raise InputProblem(str(exc)) from None


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@_repo_option
@click.option("--rev", default=None, metavar="REV", help="Check this git revision, read from objects (no checkout).")
@_fetch_option
@_selection_options
@_report_format_option
@_catalogue_option
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
        cat, patches = _select(catalogue, only, skip)
        target, results = _revision_results(repo, rev or "HEAD", remote, patches, cat)
        report = Report(target, results, written=False)
    else:
        _tree, patches, _engine, results = _run(path, only, skip, catalogue)
        report = Report(str(path), results, written=False, local_changes=_local_changes(path, patches))
    emit(report, fmt)
    return report.exit_code()


@cli.command()
@_repo_option
@click.option("--rev", default="HEAD", show_default=True, metavar="REV", help="Newest revision of the walk.")
@click.option("--since", default=None, metavar="REV", help="Walk from this revision (exclusive).")
@click.option("--last", type=click.IntRange(min=1), default=None, metavar="N", help="Walk the last N commits.")
@_fetch_option
@_selection_options
@_report_format_option
@_catalogue_option
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
    from fluxer_patcher.source_git import RevisionError

    if (since is None) == (last is None):
        raise click.UsageError("give one of --since REV or --last N")
    _cat, patches = _select(catalogue, only, skip)
    git_repo = _open_repo(repo, remote)
    try:
        span = first_parent_range(git_repo, rev, since=since, last=last)
        result = walk(git_repo, patches, span)
    except RevisionError as exc:
        raise InputProblem(str(exc)) from None
    emit(result, fmt)
    return result.exit_code()


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--compose", "compose_file", metavar="FILE", default=None,
    help="The Compose file, relative to PATH (default: the first of compose.yaml, compose.yml, "
    "docker-compose.yaml, docker-compose.yml).",
)
@_report_format_option
def doctor(path: Path, compose_file: str | None, fmt: str) -> int:
    """Check a deployment directory (config/config.json, config/livekit.yaml, a Compose file,
    .env) for the guide's pitfalls, without changing anything."""
    from fluxer_patcher import doctor as checks
    from fluxer_patcher.report import exit_code_of, use_colour

    if not path.exists():
        raise InputProblem(f"{path}: no such directory")
    if not path.is_dir():
        raise InputProblem(f"{path}: not a directory (give the directory holding config/ and the Compose file)")
    if compose_file is not None and not (path / compose_file).is_file():
        raise InputProblem(f"{path / compose_file}: no such Compose file")
    deployment = checks.Deployment(path, compose_file)
    if not deployment.present():
        raise InputProblem(
            f"{path}: not a Fluxer deployment directory (none of {checks.CONFIG}, {checks.LIVEKIT}, "
            f"{deployment.compose_file}, {checks.ENV})"
        )
    try:
        findings = checks.run(deployment)
    except checks.Malformed as exc:
        raise InputProblem(f"{path}/{exc}") from None
    if fmt == "json":
        sys.stdout.write(checks.to_json(str(path), findings))
    elif fmt == "markdown":
        sys.stdout.write(checks.to_markdown(str(path), findings))
    else:
        sys.stdout.write(checks.to_text(findings, colour=use_colour(sys.stdout)))
    return exit_code_of(checks.summary(findings))


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


@cli.command("branch")
@click.option("--repo", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The git repository (a clone or a bare mirror of Fluxer).")
@click.option("--onto", required=True, metavar="REV", help="The upstream revision the branch starts from.")
@click.option("--branch", "name", required=True, metavar="NAME", help="The branch to create or rebuild.")
@click.option("--push", "remote", default=None, metavar="REMOTE",
              help="Then push the branch to REMOTE with --force-with-lease against the value read from it.")
@click.option("--strict", is_flag=True, help="Do not create or move the branch when a fix drifted.")
@click.option("--force", is_flag=True, help="Replace the branch even if it holds commits fluxer-patch did not make.")
@_identity_options
@_selection_options
@_format_option
@_catalogue_option
def branch_(
    repo: Path,
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

    series = _revision_series(repo, onto, only, skip, catalogue)
    report = Report(series.revision.label, list(series.results), written=True)
    if series.errors:
        report.written = False
        report.notes.append(f"branch {name} not built: a fix ended in error")
        emit(report, fmt)
        return report.exit_code()
    git = Plumbing(series.revision.repo.git_dir)
    try:
        identity = _identity(git.commit_date(series.upstream), author, committer)
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
@click.option("--repo", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The git repository (a clone or a bare mirror of Fluxer).")
@click.option("--rev", required=True, metavar="REV", help="The upstream revision the patches apply on.")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--format", "patch_format", type=click.Choice(["git", "quilt"]), default="git", show_default=True,
              help="git: format-patch mails for `git am`; quilt: a series with DEP-3 headers.")
@click.option("--report", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format.")
@click.option("--strict", is_flag=True, help="Write nothing when a fix drifted.")
@click.option("--force", is_flag=True, help="Write into a non-empty OUTDIR, replacing an earlier export there.")
@_identity_options
@_selection_options
@_catalogue_option
def export_(
    repo: Path,
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

    series = _revision_series(repo, rev, only, skip, catalogue)
    report = Report(series.revision.label, list(series.results), written=False)
    if series.errors or (strict and series.drifted):
        why = "a fix ended in error" if series.errors else "--strict and a fix drifted"
        report.notes.append(f"nothing exported: {why}")
        emit(report, fmt)
        return report.exit_code()
    git = Plumbing(series.revision.repo.git_dir)
    try:
        identity = _identity(git.commit_date(series.upstream), author, committer)
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


def main() -> None:
    cli.main(prog_name="fluxer-patch")
