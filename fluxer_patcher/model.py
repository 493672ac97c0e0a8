"""The vocabulary every layer shares: statuses, typed reasons, file changes, results.

* :class:`Outcome` is what the engine found for a fix; :class:`Status` is the word a report
  shows (a change is ``pending`` until it is written, then ``applied``).
* :class:`Reason` is a stable machine-readable :class:`ReasonKind` beside its one-line text:
  reports choose advice by kind, never by searching the text.
* :func:`summarise` and :func:`exit_code` turn statuses into the summary and the exit code
  every command uses.

Imports nothing of the package but the catalogue's data model and the value classes
(:mod:`fluxer_patcher.record`, :mod:`fluxer_patcher.changes`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from fluxer_patcher.changes import FileChange as FileChange  # its own module: an apply replay imports little
from fluxer_patcher.record import dataclass, field

if TYPE_CHECKING:
    from fluxer_patcher.catalogue.manifest import Patch


class Status(StrEnum):
    APPLIED = "applied"
    PENDING = "pending"
    ALREADY_APPLIED = "already-applied"
    FIXED_UPSTREAM = "fixed-upstream"
    OBSOLETE = "obsolete"
    DRIFTED = "drifted"
    ERROR = "error"


class Outcome(StrEnum):
    CHANGED = "changed"  # the fix edits the code (pending until written, then applied)
    PRESENT = "already-applied"
    FIXED_UPSTREAM = "fixed-upstream"  # upstream has the fix in its own form: the patch can retire
    OBSOLETE = "obsolete"  # what the fix targets is gone, and the symptom with it
    DRIFTED = "drifted"
    ERROR = "error"


class ReasonKind(StrEnum):
    """Why a fix ended as it did; stable names for JSON's ``reason_kind``."""

    EDIT = "edit"  # the fix changes the code; the text says what, when more than the diff
    ALREADY_PRESENT = "already-present"  # the fix is there, recognised structurally
    PRESENT_TWICE = "present-twice"  # the fix is there more than once (applied twice by hand); left as is
    FIXED_UPSTREAM = "fixed-upstream"  # upstream's own form of the fix is there (the text says where)
    OBSOLETE = "obsolete"  # the concept the fix targets is gone (the text gives the evidence)
    FILE_MISSING = "file-missing"  # a target file does not exist
    MOVED = "moved"  # a target file does not exist, and the fix's query matches in another file
    REMOVED_UPSTREAM = "removed-upstream"  # a target file does not exist, nor anything like it
    TARGET_MISSING = "target-missing"  # the query finds nothing in the file
    MATCH_COUNT = "match-count"  # the query finds several targets where one is expected (or too few)
    UNEXPECTED_SHAPE = "unexpected-shape"  # the target is there, in a shape the fix cannot edit safely
    CONFLICT = "conflict"  # the code makes its own, different choice where the fix would edit
    BUILD_CONTEXT = "build-context"  # a COPY/ADD source is missing or excluded from the build context
    SYNTAX_ERROR = "syntax-error"  # the file does not parse before the fix
    EDIT_REFUSED = "edit-refused"  # the edit would leave a syntax error
    UNREADABLE = "unreadable"  # the file cannot be read
    NOT_UTF8 = "not-utf8"  # the file is not UTF-8 text
    BAD_PARAMETERS = "bad-parameters"  # the fix's own parameters are wrong (a catalogue bug)
    MISCONFIGURED = "misconfigured"  # doctor: a deployment setting to change


@dataclass(frozen=True)
class Reason:
    """Why a fix ended as it did: a kind and a human sentence."""

    kind: ReasonKind
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class PatchResult:
    """What one fix did: its outcome, the reason, its file changes and per-step details."""

    patch: Patch
    outcome: Outcome
    reason: Reason
    changes: list[FileChange] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # per step: what matched, what counted as present (--verbose)

    def status(self, written: bool) -> Status:
        """The report word: a change is ``applied`` once written, ``pending`` before."""
        if self.outcome is Outcome.CHANGED:
            return Status.APPLIED if written else Status.PENDING
        return Status(self.outcome.value)


EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


def summarise(statuses: Iterable[str]) -> dict[str, int]:
    """How many rows have each status word, in the stable order of the words."""
    counts = Counter(str(s) for s in statuses)
    return {word.value: counts.get(word.value, 0) for word in Status}


def exit_code(summary: dict[str, int]) -> int:
    """2 when anything ended in error, 1 when anything drifted, else 0."""
    if summary.get(Status.ERROR, 0):
        return EXIT_ERROR
    if summary.get(Status.DRIFTED, 0):
        return EXIT_DRIFT
    return EXIT_OK
