"""Unified diffs of file changes, in the form ``git apply`` and ``patch -p1`` accept."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from fluxer_patcher.workspace import FileChange

_NO_EOL = "\\ No newline at end of file\n"


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines(keepends=True)


def unified(change: FileChange, context: int = 3) -> str:
    """The change as a unified diff with ``a/`` and ``b/`` prefixes."""
    before, after = _lines(change.before), _lines(change.after)
    out: list[str] = []
    for line in difflib.unified_diff(
        before, after, f"a/{change.path}", f"b/{change.path}", n=context, lineterm="\n"
    ):
        if line.startswith(("---", "+++")):
            out.append(line if line.endswith("\n") else line + "\n")
            continue
        if line.endswith("\n"):
            out.append(line)
        else:  # the last line of a file without a trailing newline
            out.append(line + "\n" + _NO_EOL)
    return "".join(out)


def unified_all(changes: Iterable[FileChange]) -> str:
    return "".join(unified(c) for c in changes)
