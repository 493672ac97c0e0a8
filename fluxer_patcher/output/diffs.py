"""Unified diffs of file changes, in the form ``git apply``, ``git am`` and ``patch -p1`` accept.

Lines are split on ``\\n`` only (a lone ``\\r`` or a form feed stays inside its line, CRLF
endings stay on their lines), the matcher runs without difflib's "popular line" heuristic
(so a long file gets the same small hunks as a short one), and a last line without a
newline is marked ``\\ No newline at end of file``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from fluxer_patcher.model import FileChange

_NO_EOL = "\\ No newline at end of file\n"


def lines_of(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    if not text:
        return []
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _range(start: int, length: int) -> str:
    """A hunk range as ``diff -u`` writes it (1-based; an empty range names the line before)."""
    first = start + 1 if length else start
    return str(first) if length == 1 else f"{first},{length}"


def _emit(out: list[str], tag: str, line: str) -> None:
    if line.endswith("\n"):
        out.append(tag + line)
    else:  # the last line of a file without a trailing newline
        out.append(tag + line + "\n" + _NO_EOL)


def hunks(change: FileChange, context: int = 3) -> str:
    """The ``@@`` hunks of the change, without file headers (empty when nothing changed)."""
    before, after = lines_of(change.before), lines_of(change.after)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    out: list[str] = []
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        old = _range(first[1], last[2] - first[1])
        new = _range(first[3], last[4] - first[3])
        out.append(f"@@ -{old} +{new} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in before[i1:i2]:
                    _emit(out, " ", line)
                continue
            for line in before[i1:i2]:
                _emit(out, "-", line)
            for line in after[j1:j2]:
                _emit(out, "+", line)
    return "".join(out)


def unified(change: FileChange, context: int = 3) -> str:
    """The change as a unified diff with ``a/`` and ``b/`` prefixes."""
    body = hunks(change, context)
    if not body:
        return ""
    return f"--- a/{change.path}\n+++ b/{change.path}\n{body}"


def unified_all(changes: Iterable[FileChange]) -> str:
    return "".join(unified(c) for c in changes)


def counts(change: FileChange) -> tuple[int, int]:
    """Lines added and removed by the change."""
    before, after = lines_of(change.before), lines_of(change.after)
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed
