"""Locate → classify → edit → re-parse, for every selected fix, in memory.

The engine never writes: it returns one :class:`~fluxer_patcher.model.PatchResult` per
fix, each with the file changes it would make, staged in an
:class:`~fluxer_patcher.source.overlay.Overlay` so later fixes see them.  It imports no
file kind: primitives come from the registry it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.manifest import Patch, Step
from fluxer_patcher.engine import locate, retire
from fluxer_patcher.engine.primitives import (
    Apply,
    Drift,
    Edit,
    EditContext,
    MissingCapture,
    NotEditable,
    ParameterError,
    Present,
    Registry,
    present_at,
)
from fluxer_patcher.memo import Memo
from fluxer_patcher.model import Outcome, PatchResult, Reason, ReasonKind
from fluxer_patcher.record import dataclass, replace
from fluxer_patcher.source.base import FileMissing, Source, SourceError
from fluxer_patcher.source.overlay import Overlay
from fluxer_patcher.syntax import grammars, queries
from fluxer_patcher.syntax.document import Document, one_line

if TYPE_CHECKING:
    from tree_sitter import Node, Tree


# Drift that may mean upstream moved on: the manifest's recognisers and obsolete conditions decide.
_GONE = frozenset({ReasonKind.FILE_MISSING, ReasonKind.TARGET_MISSING})


# The last text of each file as the source holds it (no edit of this run) that a step parsed,
# with its tree: a drift walk meets one file at commit after commit, a few lines apart, and
# the next version is parsed from this tree (only the changed span afresh; the same tree).
_LAST_ON_DISK: Memo[tuple[str, str], tuple[bytes, Tree]] = Memo(64)


def _document(path: str, data: bytes, language: str | None, disk: bytes) -> Document:
    """The document a step works on; a text read from the source is parsed incrementally
    from the last version of its file parsed (when that one parsed without errors)."""
    doc = Document(path, data, language, disk)
    if language is None or doc.disk is not None:
        return doc
    key = (path, language)
    last = _LAST_ON_DISK.pop(key)
    if last is not None and last[0] != data and not last[1].root_node.has_error:
        grammars.parse(language, data, last)  # into the parse cache, where doc.tree finds it
    _LAST_ON_DISK.put(key, (data, doc.tree))
    return doc


class _StepFailed(Exception):
    def __init__(self, outcome: Outcome, kind: ReasonKind, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = Reason(kind, reason)


@dataclass(frozen=True)
class _StepResult:
    data: bytes
    notes: list[str]
    twice: bool  # the fix was found more than once
    details: list[str]  # what matched and what each target came to (reports' --verbose)
    collapsed: bool = False  # an edit removed a duplicate of the fix (applied twice by hand)


def _query_name(path: Path) -> str:
    """How a report names a query file: its language folder and name (``yaml/x.scm``), not
    where the catalogue is installed."""
    return "/".join(Path(path).parts[-2:])


def _colon(note: str) -> str:
    return f": {note}" if note else ""


def splice(data: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping byte-range edits to ``data``."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for a, b in pairwise(ordered):
        if b.start < a.end:
            raise ValueError(f"overlapping edits at bytes {a.start}-{a.end} and {b.start}-{b.end}")
    out = bytearray(data)
    for edit in reversed(ordered):
        out[edit.start : edit.end] = edit.text
    return bytes(out)


def describe_locations(doc: Document, nodes: list[Node], limit: int = 6) -> str:
    locs = [doc.loc(n) for n in nodes[:limit]]
    more = f" and {len(nodes) - limit} more" if len(nodes) > limit else ""
    return ", ".join(locs) + more


def _landmark_report(doc: Document, found: dict[str, list[Node]]) -> str:
    parts = []
    for name, nodes in found.items():
        parts.append(f"{name} at {describe_locations(doc, nodes)}" if nodes else f"{name} not found")
    return "; ".join(parts)


def prepare_queries(patches: Iterable[Patch]) -> None:
    """Compile the queries of ``patches`` in one go (see :func:`queries.compile_together`): the
    queries that find targets in whole documents apart from the ``present`` queries, which
    look inside a target."""
    kinds: dict[queries.QueryFile, str] = {}
    for patch in patches:
        for step in patch.steps:
            for path, kind in ((step.query, "document"), (step.present, "target")):
                if path is not None and step.language is not None:
                    kinds.setdefault(queries.compile_query(step.language, path), kind)
    queries.compile_together(kinds, kinds.__getitem__)


class Engine:
    """Runs fixes on a source through one overlay (``engine.overlay``: every staged change).

    ``details=False``: results carry no per-step details (nothing reads them, as in a drift
    walk), so no target's location is worked out for them alone."""

    def __init__(self, source: Source, registry: Registry, *, details: bool = True) -> None:
        self.overlay = source if isinstance(source, Overlay) else Overlay(source)
        self.registry = registry
        self.details = details
        self.last_reads: tuple[str, ...] = ()
        self.last_searched = False  # the last recorded fix searched the whole tree (source.search)

    def run(self, patches: Iterable[Patch]) -> list[PatchResult]:
        patches = list(patches)
        prepare_queries(patches)
        return [self.run_patch(p) for p in patches]

    def run_patch(self, patch: Patch, *, record: bool = False) -> PatchResult:
        """One fix in a layer of the overlay, merged when the fix succeeds.  With ``record``,
        ``self.last_reads`` then holds every path the fix read (its inputs), and
        ``self.last_searched`` whether it also searched the tree (what it found is not an input)."""
        layer = self.overlay.layer(record=record)
        try:
            return self._run_patch(patch, layer)
        finally:
            self.last_reads = tuple(layer.reads or ())
            self.last_searched = layer.searched

    def _run_patch(self, patch: Patch, layer: Overlay) -> PatchResult:
        notes: list[str] = []
        details: list[str] = []
        twice = collapsed = False
        early = retire.before_run(patch, layer) if patch.fixed_upstream else None
        if early is not None:
            return early
        try:
            for step in patch.steps:
                step = self._where_now(step, layer)
                data = self._read(step, layer)
                result = self._run_step(step, data, layer)
                notes.extend(result.notes)
                details.extend(result.details)
                twice = twice or result.twice
                collapsed = collapsed or result.collapsed
                if result.data != data:
                    layer.stage(step.file, result.data)
        except _StepFailed as failure:
            if failure.outcome is Outcome.DRIFTED and failure.reason.kind in _GONE:
                retired = retire.judge(patch, layer)
                if retired is not None:
                    return retired
            return PatchResult(patch, failure.outcome, failure.reason)
        changes = layer.changes()
        text = "; ".join(dict.fromkeys(n for n in notes if n))  # each note once, in order
        if not changes:
            kind = ReasonKind.PRESENT_TWICE if twice else ReasonKind.ALREADY_PRESENT
            return PatchResult(patch, Outcome.PRESENT, Reason(kind, text), details=details)
        layer.merge()
        kind = ReasonKind.PRESENT_TWICE if collapsed else ReasonKind.EDIT
        return PatchResult(patch, Outcome.CHANGED, Reason(kind, text), changes, details)

    @staticmethod
    def _where_now(step: Step, layer: Overlay) -> Step:
        """``step`` at the first of its ``moved`` paths when its own file is gone."""
        if not step.moved or layer.is_file(step.file):
            return step
        for path in step.moved:
            if layer.is_file(path):
                return replace(step, file=path)
        return step

    @staticmethod
    def _read(step: Step, layer: Overlay) -> bytes:
        try:
            return layer.read(step.file)
        except FileMissing:
            raise _StepFailed(
                Outcome.DRIFTED, ReasonKind.FILE_MISSING, f"{step.file}: file not found (looked for {step.looking_for})"
            ) from None
        except SourceError as exc:
            raise _StepFailed(Outcome.ERROR, ReasonKind.UNREADABLE, str(exc)) from None

    def _run_step(self, step: Step, data: bytes, layer: Overlay) -> _StepResult:
        doc = _document(step.file, data, step.language, layer.on_disk(step.file))
        lenient = step.language is not None and grammars.GRAMMARS[step.language].rejects_valid
        if step.language is not None and not lenient:
            errors = doc.syntax_errors()
            if errors:
                raise _StepFailed(
                    Outcome.ERROR, ReasonKind.SYNTAX_ERROR, f"syntax errors before patching at {', '.join(errors)}"
                )
        targets = self._locate(step, doc)
        details = [self._targets_detail(step, doc, targets)] if self.details else []
        spec = self.registry[step.edit]
        declared = self.registry.declared(spec, step.params)
        edits: list[Edit] = []
        notes: list[str] = []
        twice = collapsed = False
        for match in targets:
            present = self._present(step, doc, match.target) if step.present else None
            if present is not None:
                assert step.present is not None
                notes.append(present.note)
                details.append(f"  already present ({_query_name(step.present)} matched){_colon(present.note)}")
                twice = twice or present.kind is ReasonKind.PRESENT_TWICE
                continue
            ctx = EditContext(
                doc, match, step.params, layer, step.looking_for, self.registry.resolvers, declared
            )
            try:
                answer = spec.run(ctx)
            except ParameterError as exc:
                raise _StepFailed(Outcome.ERROR, ReasonKind.BAD_PARAMETERS, f"fix parameters: {exc}") from None
            except MissingCapture as exc:
                raise self._missing_capture(step, doc, match, exc.args[0]) from None
            except NotEditable as stop:
                raise _StepFailed(Outcome.DRIFTED, stop.kind, str(stop)) from None
            if isinstance(answer, Drift):
                raise _StepFailed(Outcome.DRIFTED, answer.kind, answer.reason)
            if isinstance(answer, Present):
                notes.append(answer.note)
                details.append(f"  already present ({step.edit} found it){_colon(answer.note)}")
                twice = twice or answer.kind is ReasonKind.PRESENT_TWICE
                continue
            assert isinstance(answer, Apply)
            edits.extend(answer.edits)
            notes.append(answer.note)
            details.append(f"  {step.edit}: {len(answer.edits)} edit(s){_colon(answer.note)}")
            collapsed = collapsed or answer.kind is ReasonKind.PRESENT_TWICE
        notes = [n for n in notes if n]
        if not self.details:
            details = []
        if not edits:
            return _StepResult(data, notes, twice, details)
        try:
            new = splice(data, edits)
        except ValueError as exc:
            raise _StepFailed(Outcome.ERROR, ReasonKind.EDIT_REFUSED, f"{step.file}: {exc}") from None
        if step.language is not None:
            after = doc.edited(new)
            errors = after.describe_errors(after.new_errors(doc)) if lenient else after.syntax_errors()
            if errors:
                raise _StepFailed(
                    Outcome.ERROR,
                    ReasonKind.EDIT_REFUSED,
                    f"edit refused: it would leave syntax errors at {', '.join(errors)}",
                )
        return _StepResult(new, notes, twice, details, collapsed)

    @staticmethod
    def _targets_detail(step: Step, doc: Document, targets: list[queries.Match]) -> str:
        """The first detail line of a step: what its query matched, and where."""
        located = [m.target for m in targets] if step.query is not None else []
        where = f" at {describe_locations(doc, located)}" if located else ""
        query = _query_name(step.query) if step.query else step.edit
        return f"{step.file}: {query}: {len(targets)} target(s){where}"

    @staticmethod
    def _missing_capture(step: Step, doc: Document, match: queries.Match, name: str) -> _StepFailed:
        """A ``{{name}}`` the query declares but this match lacks is a shape the fix does not
        know (drift); one the query never declares is a mistake in the fix (error)."""
        declared = step.query is not None and step.language is not None and (
            name in queries.compile_query(step.language, step.query).capture_names
        )
        if not declared:
            return _StepFailed(
                Outcome.ERROR,
                ReasonKind.BAD_PARAMETERS,
                f"fix parameters use {{{{{name}}}}}, which {step.query} does not capture",
            )
        target = match.target
        return _StepFailed(
            Outcome.DRIFTED,
            ReasonKind.UNEXPECTED_SHAPE,
            f"{doc.loc(target)}: found `{one_line(doc.text(target))}` but not its {{{{{name}}}}} part; "
            f"expected {step.looking_for}",
        )

    def _locate(self, step: Step, doc: Document) -> list[queries.Match]:
        """The step's targets, or drift when their number is not the expected one."""
        if step.query is None:
            # The primitive locates its target itself (line-based formats): one pseudo-match.
            return [queries.Match(-1, {"target": [doc.root]} if step.language else {})]
        assert step.language is not None
        targets = locate.located(step, doc)
        if step.expect.admits(len(targets)):
            return targets
        query_file = queries.compile_query(step.language, step.query)
        found = _landmark_report(doc, queries.landmarks(query_file, doc.root))
        context = f"; {found}" if found else ""
        if not targets:
            raise _StepFailed(
                Outcome.DRIFTED, ReasonKind.TARGET_MISSING, f"{step.file}: not found: {step.looking_for}{context}"
            )
        nodes = [m.target for m in targets]
        raise _StepFailed(
            Outcome.DRIFTED,
            ReasonKind.MATCH_COUNT,
            f"{step.file}: {len(targets)} matches where {step.expect} expected for {step.looking_for}: "
            f"{describe_locations(doc, nodes)}",
        )

    @staticmethod
    def _present(step: Step, doc: Document, target: Node) -> Present | None:
        """``None`` when the ``present`` query finds nothing in ``target``."""
        assert step.present is not None and step.language is not None
        query_file = queries.compile_query(step.language, step.present)
        hits = [m.node("present") for m in query_file.run(target)]
        nodes = [n for n in hits if n is not None]
        if not nodes:
            return None
        return present_at("the fix", [doc.loc(n) for n in nodes])
