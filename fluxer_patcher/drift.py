"""Each fix's status along a first-parent history, and the commits where it changed.

A fix's result depends only on what the engine read while running it (its files, and any
directory or file a primitive looked at).  Every run is recorded with the object ids of
those inputs; at the next commit the fix runs again only when one of them has a new id.
Commits that touch none of a fix's inputs inherit its status without a parse, so the cost
of a walk grows with the number of changed target files, not the number of commits.

Fixes run in catalogue order on an overlay, exactly as :meth:`Engine.run` does: a fix sees
the text the fixes before it would produce (two fixes of ``SsoService.tsx``), and that
staged text is part of its inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue import Patch
from fluxer_patcher.engine import CHANGED, ERROR, Engine, PatchResult
from fluxer_patcher.history import Commit, Range, describe
from fluxer_patcher.report import exit_code_of, summarise
from fluxer_patcher.source_git import GitRevision, ObjectCache, repo_label
from fluxer_patcher.workspace import NotUtf8

if TYPE_CHECKING:
    import git


# -- the overlay a fix runs on ----------------------------------------------------------


class _Overlay:
    """A revision plus the text earlier fixes staged; identities for caching."""

    def __init__(self, revision: GitRevision) -> None:
        self.revision = revision
        self.staged: dict[str, tuple[bytes, str]] = {}
        self._ids: dict[str, str | None] = {}

    @property
    def label(self) -> str:
        return self.revision.label

    def read(self, path: str) -> bytes:
        if path in self.staged:
            return self.staged[path][0]
        return self.revision.read(path)

    def is_file(self, path: str) -> bool:
        return path in self.staged or self.revision.is_file(path)

    def list_dir(self, path: str) -> list[str]:
        return self.revision.list_dir(path)

    def mode(self, path: str) -> int | None:
        return self.revision.mode(path)

    def version(self, path: str) -> str | None:
        if path in self.staged:
            return None
        return self.revision.version(path)

    def identity(self, key: str) -> str | None:
        """What an input is at this revision: an object id, staged text, or a directory's names.

        ``key`` is a path, or a directory path ending in ``/`` when only its listing was read
        (so adding a file under ``packages/x/`` does not re-run a fix that listed ``packages``)."""
        if key in self.staged:
            return "staged " + self.staged[key][1]
        if key not in self._ids:
            if key.endswith("/"):
                names = "\n".join(self.revision.list_dir(key.rstrip("/")))
                self._ids[key] = "names " + hashlib.sha1(names.encode("utf-8")).hexdigest()
            else:
                self._ids[key] = self.revision.object_id(key)
        return self._ids[key]

    def stage(self, path: str, data: bytes, digest: str) -> None:
        self.staged[path] = (data, digest)


class _Recorder:
    """Passes calls to an overlay and remembers every path asked about."""

    def __init__(self, overlay: _Overlay) -> None:
        self.overlay = overlay
        self.paths: dict[str, None] = {}

    @property
    def label(self) -> str:
        return self.overlay.label

    def read(self, path: str) -> bytes:
        self.paths[path] = None
        return self.overlay.read(path)

    def is_file(self, path: str) -> bool:
        self.paths[path] = None
        return self.overlay.is_file(path)

    def list_dir(self, path: str) -> list[str]:
        self.paths[path.rstrip("/") + "/"] = None
        return self.overlay.list_dir(path)

    def mode(self, path: str) -> int | None:
        self.paths[path] = None
        return self.overlay.mode(path)

    def version(self, path: str) -> str | None:
        self.paths[path] = None
        return self.overlay.version(path)


# -- cached results ---------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """A fix's result on one set of inputs."""

    outcome: str
    status: str  # the report word (nothing is written: a change is pending)
    reason: str
    inputs: tuple[str, ...]
    ids: tuple[str | None, ...]
    staged: tuple[tuple[str, bytes, str], ...] = ()


class ResultCache:
    """Per fix: ``{input paths: {their ids: observation}}``."""

    def __init__(self) -> None:
        self._by_fix: dict[str, dict[tuple[str, ...], dict[tuple[str | None, ...], Observation]]] = {}
        self.runs = 0

    def lookup(self, patch: Patch, overlay: _Overlay) -> Observation | None:
        for inputs, seen in self._by_fix.get(patch.id, {}).items():
            hit = seen.get(tuple(overlay.identity(p) for p in inputs))
            if hit is not None:
                return hit
        return None

    def run(self, patch: Patch, overlay: _Overlay) -> Observation:
        self.runs += 1
        recorder = _Recorder(overlay)
        engine = Engine(recorder)
        try:
            result = engine.run_patch(patch)
        except NotUtf8 as exc:
            result = PatchResult(patch, ERROR, str(exc))
        inputs = tuple(recorder.paths)
        staged = tuple(
            (c.path, c.after, hashlib.sha1(c.after).hexdigest()) for c in result.changes if result.outcome == CHANGED
        )
        ids = tuple(overlay.identity(p) for p in inputs)
        seen = Observation(result.outcome, result.status(False), result.reason, inputs, ids, staged)
        self._by_fix.setdefault(patch.id, {}).setdefault(inputs, {})[seen.ids] = seen
        return seen

    def observe(self, patch: Patch, overlay: _Overlay) -> Observation:
        seen = self.lookup(patch, overlay)
        return seen if seen is not None else self.run(patch, overlay)


def observe_all(patches: Sequence[Patch], revision: GitRevision, cache: ResultCache) -> list[Observation]:
    """Every fix at one revision, in catalogue order (later fixes see earlier fixes' edits)."""
    overlay = _Overlay(revision)
    out = []
    for patch in patches:
        seen = cache.observe(patch, overlay)
        for path, data, digest in seen.staged:
            overlay.stage(path, data, digest)
        out.append(seen)
    return out


# -- the walk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    commit: Commit
    index: int  # position of the commit in the walk, oldest first
    before: str | None  # None: no status before the first commit of a history that starts at a root
    after: str
    reason: str
    files: tuple[str, ...]  # the fix's inputs this commit changed


@dataclass(frozen=True)
class Touched:
    """A commit that changed one of a fix's inputs, and the fix's status there."""

    commit: Commit
    status: str


@dataclass
class FixHistory:
    patch: Patch
    status: str = ""  # at the newest commit
    reason: str = ""
    baseline: str | None = None  # at the base commit
    transitions: list[Transition] = field(default_factory=list)
    touched: list[Touched] = field(default_factory=list)

    @property
    def breaking(self) -> Transition | None:
        """The transition into the current status, when it happened in the range (the breaking
        commit of a drifted fix): the last one, since the status only changes at a transition."""
        return self.transitions[-1] if self.transitions else None


@dataclass
class Drift:
    repo_label: str
    rev: Commit
    base: Commit | None
    commits: int
    fixes: list[FixHistory]
    runs: int

    def summary(self) -> dict[str, int]:
        return summarise(f.status for f in self.fixes)

    def exit_code(self) -> int:
        return exit_code_of(self.summary())


def _changed(before: Observation | None, now: Observation) -> tuple[str, ...]:
    """The inputs of ``now`` whose identity differs from the previous commit's."""
    if before is None:
        return now.inputs
    previous = dict(zip(before.inputs, before.ids, strict=True))
    return tuple(p for p, i in zip(now.inputs, now.ids, strict=True) if previous.get(p, "?") != i)


def walk(
    repo: git.Repo,
    patches: Sequence[Patch],
    span: Range,
    explain: bool = True,
    cache: ResultCache | None = None,
) -> Drift:
    """Run every fix at the base and at each commit of ``span``; record where statuses change."""
    from fluxer_patcher import explain as explaining

    objects = ObjectCache(repo)
    cache = cache or ResultCache()
    runs_before = cache.runs
    fixes = [FixHistory(p) for p in patches]
    previous: list[Observation | None] = [None] * len(patches)
    revision: GitRevision | None = None
    if span.base is not None:
        revision = GitRevision(repo, span.base, objects)
        for i, seen in enumerate(observe_all(patches, revision, cache)):
            fixes[i].baseline = fixes[i].status = seen.status
            fixes[i].reason = seen.reason
            previous[i] = seen
    for index, commit in enumerate(span.commits):
        revision = GitRevision(repo, commit.sha, objects)
        for i, seen in enumerate(observe_all(patches, revision, cache)):
            fix, before = fixes[i], previous[i]
            previous[i] = seen
            if before is not None and before is seen:
                continue
            changed = _changed(before, seen)
            if before is not None and not changed:
                continue
            fix.touched.append(Touched(commit, seen.status))
            if before is None or before.status != seen.status:
                reason = explaining.reason(revision, fix.patch, seen.outcome, seen.reason) if explain else seen.reason
                fix.transitions.append(
                    Transition(commit, index, before.status if before else None, seen.status, reason, changed)
                )
            fix.status, fix.reason = seen.status, seen.reason
    if revision is not None and explain:
        for fix, last in zip(fixes, previous, strict=True):
            if last is not None:
                fix.reason = explaining.reason(revision, fix.patch, last.outcome, last.reason)
    head = span.commits[-1] if span.commits else describe(repo, span.rev)
    base = describe(repo, span.base) if span.base is not None else None
    return Drift(repo_label(repo), head, base, len(span.commits), fixes, cache.runs - runs_before)


def check_revision(patches: Sequence[Patch], revision: GitRevision) -> list[PatchResult]:
    """``check`` on a revision: the engine's own sequential run, with drift reasons explained."""
    from fluxer_patcher import explain as explaining

    results = Engine(revision).run(patches)
    for result in results:
        result.reason = explaining.reason(revision, result.patch, result.outcome, result.reason)
    return results
