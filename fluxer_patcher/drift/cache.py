"""A fix's result cached by what it read: the identities of its inputs.

A fix's result depends only on what the engine read while running it (its files, and any
directory or file a primitive looked at).  Every run is recorded with the identities of
those inputs (object ids, staged text, directory listings); at the next revision the fix
runs again only when one of them changed.

Fixes run in catalogue order on an overlay, exactly as :meth:`Engine.run` does: a fix sees
the text the fixes before it would produce (two fixes of ``SsoService.tsx``), and that
staged text is part of its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.engine.primitives import Registry
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.model import Outcome, PatchResult, Reason, ReasonKind, Status
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.source.base import NotUtf8, Source
from fluxer_patcher.source.overlay import Overlay


@dataclass(frozen=True)
class Observation:
    """A fix's result on one set of inputs."""

    outcome: Outcome
    status: Status  # the report word (nothing is written: a change is pending)
    reason: Reason
    inputs: tuple[str, ...]
    ids: tuple[str | None, ...]
    staged: tuple[tuple[str, bytes], ...] = ()
    searched: bool = False  # the run searched the tree (the directories searched are among its inputs)


Observations = dict[str, dict[tuple[str, ...], dict[tuple[str | None, ...], Observation]]]


@dataclass
class ResultCache:
    """Per fix: ``{input paths: {their ids: observation}}``.

    ``stored`` holds observations of earlier walks (:mod:`fluxer_patcher.drift.store`): every
    input is named by content (an object id, a digest of staged text or of a listing), so an
    observation holds wherever its inputs are the same.  One is taken as this walk's own the
    first time it answers, and counted among ``runs`` then, as the run it stands for: the
    count, like every result, is the same whether earlier walks were kept or not."""

    registry: Registry
    runs: int = 0
    stored: Observations = field(default_factory=dict)
    _by_fix: Observations = field(default_factory=dict)
    computed: int = 0  # runs of the engine (runs less the observations taken from earlier walks)

    def lookup(self, patch: Patch, overlay: Overlay) -> Observation | None:
        hit = _find(self._by_fix.get(patch.id, {}), overlay)
        if hit is None and (hit := _find(self.stored.get(patch.id, {}), overlay)) is not None:
            self.runs += 1
            self._by_fix.setdefault(patch.id, {}).setdefault(hit.inputs, {})[hit.ids] = hit
        return hit

    def own(self) -> Observations:
        """What this walk observed (run, or taken from earlier walks when it answered)."""
        return self._by_fix

    def observations(self) -> Observations:
        """What this walk observed and what earlier walks did, for keeping."""
        out: Observations = {}
        for source in (self.stored, self._by_fix):
            for fix, by_inputs in source.items():
                for inputs, seen in by_inputs.items():
                    out.setdefault(fix, {}).setdefault(inputs, {}).update(seen)
        return out

    def run(self, patch: Patch, overlay: Overlay) -> Observation:
        """Run the fix on ``overlay`` (its changes are staged there) and remember the result."""
        self.runs += 1
        self.computed += 1
        scratch = overlay.layer()  # the fix's changes reach `overlay` after its inputs are named
        engine = Engine(scratch, self.registry, details=False)  # an observation keeps none
        try:
            result = engine.run_patch(patch, record=True)
        except NotUtf8 as exc:
            result = PatchResult(patch, Outcome.ERROR, Reason(ReasonKind.NOT_UTF8, str(exc)))
        inputs = engine.last_reads
        staged = tuple((c.path, c.after) for c in result.changes if result.outcome is Outcome.CHANGED)
        ids = tuple(overlay.identity(p) for p in inputs)
        scratch.merge()
        seen = Observation(result.outcome, result.status(False), result.reason, inputs, ids, staged,
                           engine.last_searched)
        self._by_fix.setdefault(patch.id, {}).setdefault(inputs, {})[seen.ids] = seen
        return seen

    def observe(self, patch: Patch, overlay: Overlay) -> Observation:
        seen = self.lookup(patch, overlay)
        if seen is None:
            return self.run(patch, overlay)
        for path, data in seen.staged:
            overlay.stage(path, data)
        return seen


def _find(by_inputs: dict[tuple[str, ...], dict[tuple[str | None, ...], Observation]],
          overlay: Overlay) -> Observation | None:
    for inputs, seen in by_inputs.items():
        hit = seen.get(tuple(overlay.identity(p) for p in inputs))
        if hit is not None:
            return hit
    return None


def observe_all(patches: Sequence[Patch], revision: Source, cache: ResultCache) -> list[Observation]:
    """Every fix at one revision, in catalogue order (later fixes see earlier fixes' edits)."""
    overlay = Overlay(revision)
    return [cache.observe(patch, overlay) for patch in patches]
