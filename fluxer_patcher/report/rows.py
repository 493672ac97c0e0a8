"""The one row model of every report: a fix, a check or a catalogue entry, and what became of it.

``check``, ``apply``, ``branch``, ``export``, ``drift``, ``doctor`` and ``list`` all show
rows; the renderers (:mod:`.text`, :mod:`.json`, :mod:`.markdown`) know only rows and the
few fields around them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from fluxer_patcher.catalogue.manifest import Patch, label
from fluxer_patcher.model import PatchResult, Reason, ReasonKind, Status, summarise
from fluxer_patcher.output.diffs import unified_all
from fluxer_patcher.record import dataclass, field, replace

if TYPE_CHECKING:
    from fluxer_patcher.doctor.checks import Finding  # doctor's machinery stays out of the other commands

NO_REASON = Reason(ReasonKind.EDIT)


@dataclass(frozen=True)
class Row:
    """One report row: a fix, a doctor check or a catalogue entry."""

    id: str
    gotchas: tuple[int, ...]
    status: Status | None  # None for a catalogue listing
    files: tuple[str, ...]
    reason: Reason = field(default_factory=lambda: NO_REASON)
    extra: dict[str, Any] = field(default_factory=dict)  # more JSON keys of the row (e.g. "diff")
    refs: tuple[str, ...] | None = None  # a fix's references past the guide; None for a doctor check
    label: str = ""  # the status word when it is not the status's own (doctor: ok, problem, missing)
    details: tuple[str, ...] = ()  # per-step details (--verbose)

    @property
    def word(self) -> str:
        """The status word reports show."""
        return self.label or ("" if self.status is None else str(self.status))

    @property
    def gotcha_label(self) -> str:
        return label(self.gotchas, self.refs or ())

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "gotchas": list(self.gotchas)}
        if self.refs is not None:
            out["refs"] = list(self.refs)
        if self.status is not None:
            out["status"] = self.word
        out["files"] = list(self.files)
        if self.status is not None:
            out["reason"] = self.reason.text
            out["reason_kind"] = str(self.reason.kind)
        out.update(self.extra)
        return out


def of_patch(patch: Patch, status: Status | None, reason: Reason = NO_REASON,
             extra: dict[str, Any] | None = None) -> Row:
    return Row(patch.id, patch.gotchas, status, tuple(patch.files), reason, extra or {}, patch.refs)


def of_results(results: Iterable[PatchResult], written: bool, include_diff: bool = False) -> list[Row]:
    rows = []
    for r in results:
        row = of_patch(r.patch, r.status(written), r.reason, {"diff": unified_all(r.changes)} if include_diff else None)
        rows.append(replace(row, details=tuple(r.details)))
    return rows


# doctor speaks of a deployment, not of patches: a check is ok, finds a problem, or misses a
# file it needs; `error` when a file cannot be read or checked at all.
DOCTOR_WORDS = ("ok", "problem", "missing", "error")


def doctor_word(status: Status, kind: ReasonKind) -> str:
    if status is Status.ALREADY_APPLIED:
        return "ok"
    if status is Status.ERROR:
        return "error"
    return "missing" if kind is ReasonKind.FILE_MISSING else "problem"


def of_findings(findings: Iterable[Finding]) -> list[Row]:
    return [Row(f.id, f.gotchas, f.status, tuple(f.files), f.reason, label=doctor_word(f.status, f.reason.kind))
            for f in findings]


def word_summary(rows: Sequence[Row], words: Sequence[str] = DOCTOR_WORDS) -> dict[str, int]:
    """How many rows show each word, in the order of ``words``."""
    return {w: sum(1 for r in rows if r.word == w) for w in words}


def summary(rows: Sequence[Row]) -> dict[str, int]:
    return summarise(r.status for r in rows if r.status is not None)
