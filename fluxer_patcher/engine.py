"""Locate → classify → edit → re-parse, for every selected fix, in memory.

The engine never writes: it returns one :class:`PatchResult` per fix, each with the file
changes it would make.  Writing (atomic files, git commits) and reporting are separate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from fluxer_patcher import languages, locate, queries
from fluxer_patcher.catalogue import Patch, Step
from fluxer_patcher.document import Document, one_line
from fluxer_patcher.edits import Apply, Drift, Edit, EditContext, MissingCapture, Present, load_all, repeated
from fluxer_patcher.source import FileMissing, Source, SourceError
from fluxer_patcher.structure import SnippetError
from fluxer_patcher.workspace import FileChange, Workspace

if TYPE_CHECKING:
    from tree_sitter import Node

CHANGED, PRESENT, DRIFTED, ERROR = "changed", "already-applied", "drifted", "error"


@dataclass
class PatchResult:
    patch: Patch
    outcome: str
    reason: str = ""
    changes: list[FileChange] = field(default_factory=list)

    def status(self, written: bool) -> str:
        """The report word: a change is ``applied`` once written, ``pending`` before."""
        if self.outcome == CHANGED:
            return "applied" if written else "pending"
        return self.outcome


class _StepFailed(Exception):
    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


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


def _describe_locations(doc: Document, nodes: list[Node], limit: int = 6) -> str:
    locs = [doc.loc(n) for n in nodes[:limit]]
    more = f" and {len(nodes) - limit} more" if len(nodes) > limit else ""
    return ", ".join(locs) + more


def _landmark_report(doc: Document, found: dict[str, list[Node]]) -> str:
    parts = []
    for name, nodes in found.items():
        parts.append(f"{name} at {_describe_locations(doc, nodes)}" if nodes else f"{name} not found")
    return "; ".join(parts)


def prepare_queries(patches: Iterable[Patch]) -> None:
    """Compile the queries of ``patches`` in one go (see :func:`queries.compile_together`)."""
    queries.compile_together(
        queries.compile_query(step.language, path)
        for patch in patches
        for step in patch.steps
        for path in (step.query, step.present)
        if path is not None and step.language is not None
    )


class Engine:
    def __init__(self, source: Source) -> None:
        self.workspace = Workspace(source)
        self.registry = load_all()

    def run(self, patches: Iterable[Patch]) -> list[PatchResult]:
        patches = list(patches)
        prepare_queries(patches)
        return [self.run_patch(p) for p in patches]

    def run_patch(self, patch: Patch) -> PatchResult:
        staged: dict[str, bytes] = {}
        notes: list[str] = []
        changed = False
        try:
            for step in patch.steps:
                data = staged[step.file] if step.file in staged else self._read(step)
                new, note = self._run_step(step, data)
                if note:
                    notes.append(note)
                if new != data:
                    staged[step.file] = new
                    changed = True
        except _StepFailed as failure:
            return PatchResult(patch, failure.outcome, failure.reason)
        if not changed:
            return PatchResult(patch, PRESENT, "; ".join(notes))
        changes = []
        for path, data in staged.items():
            before = self.workspace.read(path)
            if data != before:
                changes.append(FileChange(path, before, data))
                self.workspace.stage(path, data)
        return PatchResult(patch, CHANGED, "; ".join(notes), changes)

    def _read(self, step: Step) -> bytes:
        try:
            return self.workspace.read(step.file)
        except FileMissing:
            raise _StepFailed(DRIFTED, f"{step.file}: file not found (looked for {step.looking_for})") from None
        except SourceError as exc:
            raise _StepFailed(ERROR, str(exc)) from None

    def _run_step(self, step: Step, data: bytes) -> tuple[bytes, str]:
        doc = Document(step.file, data, step.language)
        lenient = step.language is not None and languages.GRAMMARS[step.language].rejects_valid
        if step.language is not None and not lenient:
            errors = doc.syntax_errors()
            if errors:
                raise _StepFailed(ERROR, f"syntax errors before patching at {', '.join(errors)}")
        targets = self._locate(step, doc)
        spec = self.registry[step.edit]
        edits: list[Edit] = []
        notes: list[str] = []
        for match in targets:
            present = self._present(step, doc, match.target) if step.present else None
            if present is not None:
                if present:
                    notes.append(present)
                continue
            ctx = EditContext(doc, match, step.params, self.workspace, step.looking_for)
            try:
                outcome = spec.run(ctx)
            except SnippetError as exc:
                raise _StepFailed(ERROR, f"fix parameters: {exc}") from None
            except MissingCapture as exc:
                raise self._missing_capture(step, doc, match, exc.args[0]) from None
            if isinstance(outcome, Drift):
                raise _StepFailed(DRIFTED, outcome.reason)
            if isinstance(outcome, Present):
                if outcome.note:
                    notes.append(outcome.note)
                continue
            assert isinstance(outcome, Apply)
            edits.extend(outcome.edits)
            if outcome.note:
                notes.append(outcome.note)
        if not edits:
            return data, "; ".join(notes)
        try:
            new = splice(data, edits)
        except ValueError as exc:
            raise _StepFailed(ERROR, f"{step.file}: {exc}") from None
        if step.language is not None:
            after = Document(step.file, new, step.language)
            errors = after.describe_errors(after.new_errors(doc)) if lenient else after.syntax_errors()
            if errors:
                raise _StepFailed(ERROR, f"edit refused: it would leave syntax errors at {', '.join(errors)}")
        return new, "; ".join(notes)

    @staticmethod
    def _missing_capture(step: Step, doc: Document, match: queries.Match, name: str) -> _StepFailed:
        """A ``{{name}}`` the query declares but this match lacks is a shape the fix does not
        know (drift); one the query never declares is a mistake in the fix (error)."""
        declared = step.query is not None and step.language is not None and (
            name in queries.compile_query(step.language, step.query).capture_names
        )
        if not declared:
            return _StepFailed(ERROR, f"fix parameters use {{{{{name}}}}}, which {step.query} does not capture")
        target = match.target
        return _StepFailed(
            DRIFTED,
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
            raise _StepFailed(DRIFTED, f"{step.file}: not found: {step.looking_for}{context}")
        nodes = [m.target for m in targets]
        raise _StepFailed(
            DRIFTED,
            f"{step.file}: {len(targets)} matches where {step.expect} expected for {step.looking_for}: "
            f"{_describe_locations(doc, nodes)}",
        )

    def _present(self, step: Step, doc: Document, target: Node) -> str | None:
        """``None`` when the ``present`` query finds nothing in ``target``, else a note."""
        assert step.present is not None and step.language is not None
        query_file = queries.compile_query(step.language, step.present)
        hits = [m.node("present") for m in query_file.run(target)]
        nodes = [n for n in hits if n is not None]
        if not nodes:
            return None
        return repeated("the fix", [doc.loc(n) for n in nodes])
