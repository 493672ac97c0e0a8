"""``check`` and ``apply``: run the selected fixes on a checkout (or a revision), then write or not."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher.app import cache, cachefiles, replay, settings
from fluxer_patcher.app import catalogue as bundled
from fluxer_patcher.app.inputs import open_git_repo, open_revision, open_tree, require_fluxer_tree, root_files
from fluxer_patcher.catalogue.manifest import Patch, files_of
from fluxer_patcher.errors import BadInput
from fluxer_patcher.git import status
from fluxer_patcher.model import FileChange, Outcome, PatchResult
from fluxer_patcher.output import statepaths
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.report.run import RunReport
from fluxer_patcher.source.base import Source
from fluxer_patcher.source.worktree import WorkTree

if TYPE_CHECKING:
    from fluxer_patcher.git import worktree
    from fluxer_patcher.git.plumbing import Identity
    from fluxer_patcher.output.commits import BuiltCommit


@dataclass(frozen=True)
class Selection:
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    catalogue: Path | None = None
    path_map: tuple[str, ...] = ()  # --path-map OLD=NEW, over the tree's .fluxer-patch.toml


def chosen(source: Source, selection: Selection) -> settings.Chosen:
    """The fixes to run on ``source``: the selection, with the tree's own settings and path
    map; refuses a tree that is not Fluxer's by the mapped catalogue's paths."""
    catalogue = bundled.load_catalogue(selection.catalogue)
    out = settings.choose(catalogue, selection, settings.read(source))
    require_fluxer_tree(source, out.catalogue, source.label)
    return out


@dataclass
class TreeRun:
    tree: WorkTree
    patches: list[Patch]
    results: list[PatchResult]
    changes: list[FileChange]  # every file change, against the disk
    advice: list[str] = field(default_factory=list)  # lines for the report's notes (renamed directories)


def checkout_root(path: Path | None, selection: Selection) -> Path:
    """PATH (default: the current directory), or the Fluxer checkout it is inside."""
    from fluxer_patcher.source import roots

    files = root_files(bundled.load_catalogue(selection.catalogue))
    probes = roots.Probes()
    root = roots.checkout_root(path, files, probes)
    replay.note("probes", (tuple(probes.seen),), True)  # the same answers: the same root
    return root


def run_tree(path: Path, selection: Selection) -> TreeRun:
    """Select fixes, check that PATH is a Fluxer tree and run the engine in memory, or replay
    the results of a run that asked the tree the same questions and got the same answers
    (:mod:`fluxer_patcher.app.cache`)."""
    from fluxer_patcher.source.recording import RecordingTree

    tree = open_tree(path)
    catalogue = bundled.load_catalogue(selection.catalogue)
    key = None
    if cache.directory() is not None:  # (a replay is kept only with the cache on)
        digests = cache.catalogue_bytes(catalogue)
        key = cache.run_key(path, catalogue, selection, digests)
        folders, files = cache.catalogue_files(catalogue)
        if not all(cachefiles.in_code(p) for p in (*folders, *files)):  # (else the key's code signature holds it)
            replay.note("catalogue", (folders, sorted(files)), digests)
    recorder = RecordingTree(tree)
    patches = chosen(recorder, selection).patches  # the tree's settings are answers the entry checks too
    if key is not None and (hit := cache.lookup(key, tree, patches)) is not None:
        results, changes, advice, answers = hit
        replay.note("answers", (str(path), (*recorder.answers.items(), *answers)), True)
        return TreeRun(tree, patches, results, changes, advice)
    # A miss: the engine and its grammars are imported only now (a hit needs neither).
    from fluxer_patcher.drift import explain as explaining
    from fluxer_patcher.engine.run import Engine

    engine = Engine(recorder, bundled.registry())
    results = engine.run(patches)
    renames = explaining.explain_all(recorder, results)  # the same hints as on a revision
    changes, advice = engine.overlay.changes(), explaining.path_map_advice(renames)
    if key is not None:
        cache.store(key, recorder.answers, patches, results, changes, advice)
    replay.note("answers", (str(path), tuple(recorder.answers.items())), True)
    return TreeRun(tree, patches, results, changes, advice)


def _texts(source: Source, results: Sequence[PatchResult], changes: Sequence[FileChange]) -> dict[str, bytes | None]:
    """The files the fixes' next steps depend on, as this run leaves them (its change, else
    the file read again: a file of the fix, so an answer the run already depends on)."""
    from fluxer_patcher.report.nextsteps import condition_files
    from fluxer_patcher.source.base import SourceError

    after = {c.path: c.after for c in changes}
    out: dict[str, bytes | None] = {}
    for path in sorted(condition_files(results)):
        try:
            out[path] = after[path] if path in after else source.read(path)
        except SourceError:
            out[path] = None
    return out


def local_changes(path: Path, patches: Sequence[Patch]) -> list[str]:
    files = files_of(patches)
    found = status.local_changes(path, files)
    replay.note("local", (str(path), files), found)
    return found


def pending_note(path: Path) -> list[str]:
    """The note on an interrupted run's journal (none: nothing waits)."""
    note = statepaths.pending_note(path)
    replay.note("journal", (str(path),), note)
    return note


def check_tree(path: Path, selection: Selection, apply_format: str | None = None) -> RunReport:
    """The check's report.  With ``apply_format`` (the check's ``--format``, when ``apply``
    takes the same options), a recorded check also keeps what ``apply`` would do now, so that
    an apply right after it is a replay (:func:`replay.note_apply`)."""
    run = run_tree(path, selection)
    local = local_changes(path, run.patches)
    report = RunReport(str(path), run.results, written=False, local_changes=local,
                       texts=_texts(run.tree, run.results, run.changes))
    waiting = pending_note(path)
    report.notes.extend([*run.advice, *waiting])
    replay.complete()
    if apply_format is not None and not waiting and replay.recording():
        _note_apply(path, run, local, apply_format)
    return report


def _note_apply(path: Path, run: TreeRun, local: list[str], fmt: str) -> None:
    """What ``apply`` with no option of its own would write and print on this run, as
    :func:`_apply` builds its report (nothing waits in a journal: the check saw none)."""
    from fluxer_patcher.report import emit_run

    report, writes = _apply_report(path, run, local, ApplyOptions(), {})
    if writes:
        report.written = True
    replay.note_apply(lambda stream: emit_run(report, fmt, stream), report.exit_code(),
                      run.changes if writes else [], str(path))


def check_rev(repo_path: Path | None, rev: str, remote: str | None, selection: Selection) -> RunReport:
    """``check`` on a git revision: objects only, no checkout."""
    from fluxer_patcher.drift.walk import check_revision

    revision = open_revision(open_git_repo(repo_path, remote), rev)
    patches = chosen(revision, selection).patches
    results = check_revision(patches, revision, bundled.registry())
    changes = [c for r in results for c in r.changes]
    return RunReport(revision.label, results, written=False, texts=_texts(revision, results, changes))


@dataclass(frozen=True)
class ApplyOptions:
    dry_run: bool = False
    commit: bool = False
    base_domain: str | None = None
    author: str | None = None
    committer: str | None = None
    include_diff: bool = False  # the JSON report of a dry run carries each fix's diff


@dataclass
class ApplyOutcome:
    report: RunReport
    diff: str = ""  # the whole dry-run diff
    commits: list[BuiltCommit] = field(default_factory=list)


def apply(path: Path, selection: Selection, options: ApplyOptions) -> ApplyOutcome:
    """Compute every fix; write all or nothing (and commit, with ``options.commit``)."""
    from fluxer_patcher.output import journal
    from fluxer_patcher.output.writer import recover
    from fluxer_patcher.report.nextsteps import valid_domain

    values: dict[str, str] = {}
    if options.base_domain is not None:
        if not valid_domain(options.base_domain):
            raise BadInput(f"--base-domain {options.base_domain!r}: expected a host name such as chat.example.org")
        values["base_domain"] = options.base_domain
    checkout = _open_checkout(path) if options.commit else None
    if options.dry_run:
        outcome = _apply(path, selection, options, values, checkout)
        outcome.report.notes.extend(pending_note(path))
        replay.complete()
        return outcome
    open_tree(path)
    with journal.locked(path):  # one writing run at a time; a killed one is undone first
        replay.note_lock(str(path))
        notes = recover(WorkTree(path))
        if notes:
            replay.spoil()  # a replay cannot undo that run again
        else:
            replay.note("journal", (str(path),), [])
        outcome = _apply(path, selection, options, values, checkout)
    outcome.report.notes[:0] = notes
    if checkout is None:
        replay.complete()
    return outcome


def _apply(path: Path, selection: Selection, options: ApplyOptions, values: dict[str, str],
           checkout: worktree.Checkout | None) -> ApplyOutcome:
    from fluxer_patcher.output import inplace
    from fluxer_patcher.output.diffs import unified_all
    from fluxer_patcher.output.writer import write_changes

    run = run_tree(path, selection)
    local = local_changes(path, run.patches)
    report, writes = _apply_report(path, run, local, options, values)
    if options.dry_run:
        return ApplyOutcome(report, unified_all(run.changes))
    if not writes:
        return ApplyOutcome(report)
    built: list[BuiltCommit] = []
    if run.changes:
        if checkout is not None:
            built = _commit_objects(checkout, run.tree, run.results, local, options)
            inplace.preflight(checkout)
        replay.note_writes(run.changes)
        write_changes(run.tree, run.changes, lock=False)
        if checkout is not None:
            _advance(checkout, run.tree, built, run.changes)
            report.notes.extend(_commit_lines(checkout, built))
            report.extra["commits"] = [{"id": c.patch_id, "sha": c.sha} for c in built]
    report.written = True
    return ApplyOutcome(report, commits=built)


def _apply_report(path: Path, run: TreeRun, local: list[str], options: ApplyOptions,
                  values: dict[str, str]) -> tuple[RunReport, bool]:
    """An apply's report before anything is written, and whether it goes on to write (not
    for a dry run, nor when a fix ended in error: then nothing is written, and the report
    says so)."""
    report = RunReport(
        str(path), run.results, written=False, local_changes=local, include_diff=options.include_diff, values=values,
        texts=_texts(run.tree, run.results, run.changes),
    )
    report.notes.extend(run.advice)
    if options.dry_run:
        return report, False
    if any(r.outcome is Outcome.ERROR for r in run.results):
        report.aborted = bool(run.changes)
        return report, False
    return report, True


def _open_checkout(path: Path) -> worktree.Checkout:
    from fluxer_patcher.git import worktree

    open_tree(path)
    return worktree.open_checkout(path)


def _commit_objects(checkout: worktree.Checkout, tree: WorkTree, results: list[PatchResult], local: list[str],
                    options: ApplyOptions) -> list[BuiltCommit]:
    """The fix commits as objects (HEAD not moved), refusing targets with local changes."""
    from fluxer_patcher.git.plumbing import GitError
    from fluxer_patcher.output import inplace

    changed = {c.path for r in results for c in r.changes}
    dirty = [p for p in local if p in changed]
    if dirty:
        raise BadInput(
            f"{', '.join(dirty)}: local changes; --commit would mix them into the fix commits "
            "(commit or stash them first, or run without --commit); nothing written"
        )
    try:
        identity = inplace.user_identity(checkout.git, options.author, options.committer)
        return inplace.build_commits(checkout, tree, results, identity)
    except ValueError as exc:
        raise BadInput(f"--author/--committer: {exc}") from None
    except GitError as exc:
        raise GitError(f"{exc}; nothing written") from None


def _advance(checkout: worktree.Checkout, tree: WorkTree, built: list[BuiltCommit], changes: list[FileChange]) -> None:
    from fluxer_patcher.output import inplace

    paths = list(inplace.repo_paths(tree, checkout, [c.path for c in changes]).values())
    inplace.advance(checkout, built, paths)


def _commit_lines(checkout: worktree.Checkout, built: list[BuiltCommit]) -> list[str]:
    where = checkout.branch.removeprefix("refs/heads/") if checkout.branch else "detached HEAD"
    lines = [f"committed {len(built)} fix{'es' if len(built) != 1 else ''} on {where}:"]
    return lines + [f"  {c.sha[:12]}  {c.subject}" for c in built]


def commit_identity(date: str, author: str | None, committer: str | None) -> Identity:
    """The commit identity dated ``date`` (an upstream commit's date, for reproducible ids)."""
    from fluxer_patcher.output import messages

    try:
        return messages.identity(date, author, committer)
    except ValueError as exc:
        raise BadInput(f"--author/--committer: {exc}") from None
