"""Each fix's status along a first-parent history, and the commits where it changed.

Every fix runs at the base commit and then only at commits that change one of its inputs
(:mod:`.cache`): commits that touch none of them inherit its status without a parse, so the
cost of a walk grows with the number of changed target files, not the number of commits.
A commit whose changed paths (one ``git diff-tree`` stream for the range) touch nothing any
fix read is not even opened: no tree walk, no cache look-up.
"""

from __future__ import annotations

import contextlib
import gc
import posixpath
from collections.abc import Iterable, Sequence

from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.drift import explain as explaining
from fluxer_patcher.drift.cache import Observation, ResultCache, observe_all
from fluxer_patcher.engine.primitives import Registry
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git import trees
from fluxer_patcher.git.history import Changes, Commit, PendingChanges, Range, describe
from fluxer_patcher.git.objects import Entry, ObjectCache
from fluxer_patcher.git.repo import Repository
from fluxer_patcher.git.runner import BatchReader, MissingObject
from fluxer_patcher.model import PatchResult, Reason, ReasonKind, Status, exit_code, summarise
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.source.overlay import Overlay
from fluxer_patcher.source.revision import GitRevision


@dataclass(frozen=True)
class Transition:
    commit: Commit
    index: int  # position of the commit in the walk, oldest first
    before: Status | None  # None: no status before the first commit of a history that starts at a root
    after: Status
    reason: Reason
    files: tuple[str, ...]  # the fix's inputs this commit changed


@dataclass(frozen=True)
class Touched:
    """A commit that changed one of a fix's inputs, and the fix's status there."""

    commit: Commit
    status: Status


@dataclass
class FixHistory:
    patch: Patch
    status: Status = Status.PENDING  # at the newest commit
    reason: Reason = field(default_factory=lambda: Reason(ReasonKind.EDIT))
    baseline: Status | None = None  # at the base commit
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
        return exit_code(self.summary())


def _changed(before: Observation | None, now: Observation) -> tuple[str, ...]:
    """The inputs of ``now`` whose identity differs from the previous commit's."""
    if before is None:
        return now.inputs
    previous = dict(zip(before.inputs, before.ids, strict=True))
    return tuple(p for p, i in zip(now.inputs, now.ids, strict=True) if previous.get(p, "?") != i)


class _Objects(ObjectCache):
    """Trees, and blobs too, for one walk: the files an opened commit left alone (those the
    fixes it does not re-run stage their edits over, and those re-run fixes read) are the
    same objects as at the commit opened before it."""

    BLOB_BYTES = 64 << 20  # blob bytes kept before the blob cache starts over

    def __init__(self, repo: Repository) -> None:
        super().__init__(repo)
        self._blobs: dict[bytes, bytes] = {}
        self._blob_bytes = 0
        self._batch: BatchReader | None = None  # for prefetch()
        self._batch_failed = False

    def tree(self, binsha: bytes) -> dict[str, Entry]:
        cached = self._trees.get(binsha)
        if cached is not None:
            return cached
        _kind, data = self.repo.read(binsha)
        return self._keep(binsha, data)

    def blob(self, binsha: bytes) -> bytes:
        cached = self._blobs.get(binsha)
        if cached is not None:
            return cached
        data = super().blob(binsha)
        self._keep_blob(binsha, data)
        return data

    def _keep_blob(self, binsha: bytes, data: bytes) -> None:
        if self._blob_bytes + len(data) > self.BLOB_BYTES:
            self._blobs.clear()
            self._blob_bytes = 0
        self._blobs[binsha] = data
        self._blob_bytes += len(data)

    def _keep(self, binsha: bytes, data: bytes) -> dict[str, Entry]:
        found = trees.entries(data)
        if len(self._trees) >= self.LIMIT:
            self._trees.clear()
        self._trees[binsha] = found
        return found

    LISTED_AHEAD = 64  # a listed directory's subdirectories read at once, up to this many

    def listed(self, entries: dict[str, Entry]) -> None:
        """The trees of a listed directory's subdirectories, in one round trip (a fix that
        lists ``packages/`` looks for a file in each package next)."""
        below = [sha for mode, sha in entries.values() if mode & _TYPE_MASK == _TREE]
        if len(below) <= self.LISTED_AHEAD:
            self.prefetch(below)

    def prefetch(self, ids: Iterable[bytes], blobs: Iterable[bytes] = ()) -> None:
        """Read the trees ``ids`` and the blobs ``blobs`` not kept yet in one round trip: the
        directories an opened commit changed on the way to what a fix reads, which walking a
        path would read one level after another, and the files it changed that a fix reads.
        An object that cannot be had here is left to :meth:`tree` or :meth:`blob`."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._trees]
        wanted += [i for i in dict.fromkeys(blobs) if i not in self._blobs and i not in wanted]
        if len(wanted) < 2 or self._batch_failed:
            return
        try:
            if self._batch is None:
                self._batch = BatchReader(self.repo.git)
            found = self._batch.read_many([i.hex() for i in wanted])
        except GitFailure:
            self._batch_failed = True
            self.close()
            return
        for binsha, got in zip(wanted, found, strict=True):
            if got is not None and got[1] == "tree":
                with contextlib.suppress(ValueError):  # a name git refuses: tree() reads it again and says so
                    self._keep(binsha, got[2])
            elif got is not None and got[1] == "blob":
                self._keep_blob(binsha, got[2])

    def prefetch_paths(self, root: bytes, paths: Iterable[str]) -> None:
        """Read the trees on the way to ``paths`` from the tree ``root``, a round trip a level,
        and their blobs in one more: the files the fixes name, which their first runs would
        read one after another.  A path that is not there (or passes a symlink) is left to
        the reads that ask for it, as is an object that cannot be read."""
        pending = [(root, parts) for parts in dict.fromkeys(tuple(p for p in path.split("/") if p) for path in paths)
                   if parts]
        blobs: list[bytes] = []
        while pending:
            self.prefetch(tree for tree, _ in pending)
            deeper = []
            for tree, parts in pending:
                try:
                    found = self.tree(tree).get(parts[0])  # read here when it was the one tree to read
                except (MissingObject, GitFailure, ValueError):
                    continue  # the read that needs it says so
                if found is None:
                    continue
                mode, sha = found
                if len(parts) == 1 and mode & _TYPE_MASK == _BLOB:
                    blobs.append(sha)
                elif len(parts) > 1 and mode & _TYPE_MASK == _TREE:
                    deeper.append((sha, parts[1:]))
            pending = deeper
        self.prefetch((), blobs)

    def close(self) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None


_TYPE_MASK, _TREE, _BLOB, _SYMLINK = 0o170000, 0o040000, 0o100000, 0o120000
_MAX_LINKS = 40  # as GitRevision follows them


def _trail(objects: ObjectCache, root: bytes, key: str) -> list[str]:
    """The paths a revision walks to answer ``key`` (a path, or ``dir/`` for a listing): the
    path itself, then, past each symlink on the way, the path it leads to."""
    parts = [p for p in key.split("/") if p not in ("", ".")]
    trail = []
    for _ in range(_MAX_LINKS + 1):
        trail.append("/".join(parts))
        mode, sha = _TREE, root
        for i, part in enumerate(parts):
            try:
                found = objects.tree(sha).get(part) if mode & _TYPE_MASK == _TREE else None
                if found is None:
                    return trail
                mode, sha = found
                if mode & _TYPE_MASK != _SYMLINK:
                    continue
                target = objects.blob(sha).decode("utf-8", "replace")
            except MissingObject:
                return trail
            joined = posixpath.normpath(posixpath.join("/".join(parts[:i]), target))
            if target.startswith("/") or joined == ".." or joined.startswith("../"):
                return trail
            parts = [p for p in "/".join([joined, *parts[i + 1 :]]).split("/") if p not in ("", ".")]
            break
        else:
            return trail
    return trail


class _Watched:
    """Everything the fixes' current observations depend on in the tree.  A commit leaves
    every input's identity, and so every observation, as it is when it changes none of the
    watched paths, no directory above one and no file below one, and adds or deletes no
    file below a directory whose listing was read."""

    def __init__(self, paths: Iterable[str], listings: Iterable[str], keys: Iterable[str] = ()) -> None:
        self.paths = set(paths)
        self.listings = set(listings)
        self.above = {p[:i] for p in self.paths | self.listings for i in range(len(p)) if p[i] == "/"}
        self.above |= self.listings
        self.keys = set(keys)  # the inputs as the fixes named them (what staged text is keyed by)

    @classmethod
    def at(cls, revision: GitRevision, observations: Sequence[Observation | None]) -> _Watched:
        root = revision.root
        keys = {key for seen in observations if seen is not None for key in seen.inputs}
        paths: list[str] = []
        listings: list[str] = []
        for key in keys:
            trail = _trail(revision.objects, root, key)
            (listings if key.endswith("/") else paths).extend(trail)
        return cls(paths, listings, keys)

    @classmethod
    def union(cls, parts: Iterable[_Watched]) -> _Watched:
        """Everything any of ``parts`` watches (the fixes' sets, for the whole commit)."""
        whole = cls((), ())
        for part in parts:
            whole.paths |= part.paths
            whole.listings |= part.listings
            whole.above |= part.above
            whole.keys |= part.keys
        return whole

    def touched_by(self, changes: Changes | _Touch | _Restaged | None) -> bool:
        if changes is None:
            return True
        if isinstance(changes, _Restaged):  # only an input named as the staged path reads staged text
            return not self.keys.isdisjoint(changes.paths)
        if isinstance(changes, _Touch):  # the same rules, with the commit's side worked out once
            return not (
                self.paths.isdisjoint(changes.paths)
                and self.above.isdisjoint(changes.paths)
                and self.paths.isdisjoint(changes.heads)
                and self.listings.isdisjoint(changes.named_heads)
            )
        if (changes.paths and "" in self.paths) or (changes.added_or_deleted and "" in self.listings):
            return True
        for path in changes.paths:
            if path in self.paths or path in self.above:
                return True
            named = path in changes.added_or_deleted
            at = path.find("/")
            while at != -1:
                head = path[:at]
                if head in self.paths or (named and head in self.listings):
                    return True
                at = path.find("/", at + 1)
        return False


@dataclass(frozen=True)
class _Touch:
    """One commit's changes as :meth:`_Watched.touched_by` asks about them, for asking it
    of every fix: the changed paths, the directories above them (``""`` for the root), and
    the directories above those that appeared or went."""

    paths: frozenset[str]
    heads: frozenset[str]
    named_heads: frozenset[str]

    @classmethod
    def of(cls, changes: Changes) -> _Touch:
        heads: set[str] = {""} if changes.paths else set()
        named: set[str] = {""} if changes.added_or_deleted else set()
        for path in changes.paths:
            into = (heads, named) if path in changes.added_or_deleted else (heads,)
            at = path.find("/")
            while at != -1:
                for found in into:
                    found.add(path[:at])
                at = path.find("/", at + 1)
        return cls(changes.paths, frozenset(heads), frozenset(named))


@dataclass(frozen=True)
class _Restaged:
    """Paths whose staged text at an opened commit may differ from the previous commit's.
    Staged text is what :meth:`Overlay.identity` gives for the very key staged, and what a
    read of that key returns; a directory's id, a listing and a read through a symlink are
    the source's.  So only a fix with the path itself among its inputs sees the difference."""

    paths: frozenset[str]


def walk(
    repo: Repository,
    patches: Sequence[Patch],
    span: Range,
    registry: Registry,
    explain: bool = True,
    cache: ResultCache | None = None,
) -> Drift:
    """Run every fix at the base and at each commit of ``span``; record where statuses change."""
    objects = _Objects(repo)
    pending = PendingChanges(repo, span)  # git lists the commits' changes while the base runs
    # What exists now (the catalogue, the registry, compiled queries) outlives the walk, which
    # makes many short-lived objects: the collector's full passes need not scan it each time
    # (unless someone set objects aside already: theirs to give back).
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        return _walk(repo, patches, span, cache or ResultCache(registry), explain, objects, pending)
    finally:
        if freeze:
            gc.unfreeze()
        pending.close()
        objects.close()


def _walk(
    repo: Repository, patches: Sequence[Patch], span: Range, cache: ResultCache, explain: bool, objects: _Objects,
    pending: PendingChanges,
) -> Drift:
    runs_before = cache.runs
    fixes = [FixHistory(p) for p in patches]
    previous: list[Observation | None] = [None] * len(patches)
    revision: GitRevision | None = None
    watched: _Watched | None = None
    if span.base is not None:
        revision = GitRevision(repo, span.base, objects)
        objects.prefetch_paths(revision.root, (step.file for patch in patches for step in patch.steps))
        for i, seen in enumerate(observe_all(patches, revision, cache)):
            fixes[i].baseline = fixes[i].status = seen.status
            fixes[i].reason = seen.reason
            previous[i] = seen
        watched = _Watched.at(revision, previous)
    # per fix, what its observation depends on (kept while no opened commit touches it)
    watches: list[_Watched | None] = [None] * len(patches)
    if revision is not None:
        watches = [_Watched.at(revision, [seen]) for seen in previous]
    changes = pending.result()
    ahead = 0  # the commits before this one had their objects asked for
    for index, commit in enumerate(span.commits):
        changed_here = changes[index]
        if watched is not None and not watched.touched_by(changed_here):
            continue  # nothing any fix read changed: every observation stands
        revision = GitRevision(repo, commit.sha, objects, tree=commit.tree)
        if index >= ahead:
            ahead = _prefetch_ahead(objects, span.commits, changes, index, watched)
        objects.prefetch(*_objects_to_watched(changed_here, watched, revision.root))  # what ahead did not know
        for i, seen in enumerate(_observe_touched(patches, revision, cache, previous, watches, changed_here)):
            fix, before = fixes[i], previous[i]
            if before is not None and before is seen:
                continue
            previous[i] = seen
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
        watched = _Watched.union(w for w in watches if w is not None)
    if span.commits and (revision is None or revision.sha != span.commits[-1].sha):
        revision = GitRevision(repo, span.commits[-1].sha, objects, tree=span.commits[-1].tree)
    if revision is not None and explain:
        for fix, last in zip(fixes, previous, strict=True):
            if last is not None:
                fix.reason = explaining.reason(revision, fix.patch, last.outcome, last.reason)
    head = span.commits[-1] if span.commits else describe(repo, span.rev)
    base = span.base_commit
    if base is None and span.base is not None:
        base = describe(repo, span.base)
    return Drift(repo.label, head, base, len(span.commits), fixes, cache.runs - runs_before)


_AHEAD = 16  # opened commits whose objects one round trip reads (their blobs are held at once)


def _prefetch_ahead(objects: _Objects, commits: Sequence[Commit], changes: Sequence[Changes | None], start: int,
                    watched: _Watched | None) -> int:
    """Read in one round trip what the next :data:`_AHEAD` commits from ``start`` that touch
    ``watched`` will look up (:func:`_objects_to_watched`), as far as what the fixes watch
    now tells; returns the index after the last commit asked for.  (A commit's own prefetch
    reads what a watch changed since then would add.)"""
    trees: list[bytes] = []
    blobs: list[bytes] = []
    opened = 0
    index = start
    while index < len(commits) and opened < _AHEAD:
        commit, changed = commits[index], changes[index]
        index += 1
        if commit.tree is None or (watched is not None and not watched.touched_by(changed)):
            continue
        opened += 1
        more_trees, more_blobs = _objects_to_watched(changed, watched, bytes.fromhex(commit.tree))
        trees += more_trees
        blobs += more_blobs
    objects.prefetch(trees, blobs)
    return index


def _objects_to_watched(changes: Changes | None, watched: _Watched | None, root: bytes
                        ) -> tuple[list[bytes], list[bytes]]:
    """The root tree and the new trees of the directories above the watched files a commit
    changed (what looking those files up again walks through), and those files' new blobs
    (what the fixes that read them read)."""
    if changes is None or watched is None:
        return [], []
    above = {p[:i] for p in changes.paths if p in watched.paths for i in range(len(p)) if p[i] == "/"}
    trees = [root, *(bytes.fromhex(sha) for path, sha in changes.trees if path in above)] if above else []
    return trees, [bytes.fromhex(sha) for path, sha in changes.blobs if path in watched.paths]


def _observe_touched(
    patches: Sequence[Patch],
    revision: GitRevision,
    cache: ResultCache,
    previous: Sequence[Observation | None],
    watches: list[_Watched | None],
    changes: Changes | None,
) -> list[Observation]:
    """Every fix at an opened commit, in catalogue order on one overlay, as
    :func:`observe_all` answers; a fix keeps its previous observation (its edits staged for
    the fixes after it, no identity computed) when the commit touched nothing it watches and
    no fix before it changed what it stages (the paths either version staged count as
    touched for the fixes after it).  Each fix looked up again watches anew (``watches``):
    the same answer may now be reached through other paths (a symlink that moved)."""
    overlay = Overlay(revision)
    touch = _Touch.of(changes) if changes is not None else None
    restaged_now: _Restaged | None = None  # the restaged paths, once any is
    restaged: set[str] = set()  # paths whose staged text may differ from the previous commit's
    seen_all: list[Observation] = []
    for i, (patch, before, watch) in enumerate(zip(patches, previous, watches, strict=True)):
        if (
            before is not None
            and watch is not None
            and not watch.touched_by(touch)
            and not (restaged_now is not None and watch.touched_by(restaged_now))
        ):
            for path, data in before.staged:
                overlay.stage(path, data)
            seen_all.append(before)
            continue
        seen = cache.observe(patch, overlay)
        watches[i] = _Watched.at(revision, [seen])
        if before is None or (seen is not before and seen.staged != before.staged):
            restaged.update(path for path, _ in seen.staged)
            if before is not None:
                restaged.update(path for path, _ in before.staged)
            if restaged:
                restaged_now = _Restaged(frozenset(restaged))
        seen_all.append(seen)
    return seen_all


def check_revision(patches: Sequence[Patch], revision: GitRevision, registry: Registry) -> list[PatchResult]:
    """``check`` on a revision: the engine's own sequential run, with drift reasons explained."""
    results = Engine(revision, registry).run(patches)
    explaining.explain_all(revision, results)  # the same hints (renamed directories too) as on a work tree
    return results
