"""A pnpm lockfile cut down to what a question about one package reads.

``pnpm-lock.yaml`` runs to tens of thousands of lines and parsing all of it is most of what
a dependency fix costs, while :func:`~fluxer_patcher.formats.pnpm.dependency.lockfile_pin`
reads only the catalogs and the ``packages`` / ``snapshots`` keys that name the package.
:func:`reduced` empties every other entry of the top-level sections (its lines are kept,
empty, so every line and column stays where it was), but only in a file made of lines
whose meaning no other line can change: one key per line with an optional one-line value
(plain, quoted without escapes, or a flat flow mapping or sequence), no comments, anchors,
tags, block scalars, nested sequences or multi-line values, indented two spaces per level, each
level opened by a key without a value.  Any other file is returned as it is.
"""

from __future__ import annotations

import re
from itertools import pairwise

# One-line scalars: inside a flow collection, and in block context (plain, or quoted without
# escapes); a value: one of those, or a flat flow mapping or sequence of flow scalars.
_FLOW_RUN = rb"[^\s,{}\[\]'\"#:]"
_RUN = rb"[^\s:#'\"{}\[\]]"
_QUOTED = rb"'[^'\n]*'|\"[^\"\\\n]*\""
_FLOW = rb"(?:" + _QUOTED + rb"|[A-Za-z0-9_./^~<=+]" + _FLOW_RUN + rb"*(?:(?::| +)" + _FLOW_RUN + rb"+)*)"
_PLAIN = rb"[A-Za-z0-9_./^~<=+(]" + _RUN + rb"*(?:(?::| +)" + _RUN + rb"+)*"
_VALUE = (
    rb"(?:" + _QUOTED + rb"|" + _PLAIN
    + rb"|\{(?:" + _FLOW + rb": " + _FLOW + rb"(?:, " + _FLOW + rb": " + _FLOW + rb")*)?\}"
    + rb"|\[(?:" + _FLOW + rb"(?:, " + _FLOW + rb")*)?\])"
)
_KEY = rb"(?:" + _QUOTED + rb"|[A-Za-z0-9_./(][^\s'\"#{}\[\],&*!|>%`:]*(?::[^\s'\"#{}\[\],&*!|>%`:]+)*)"
# One line of the simple shape with its newline: blank, ``key:`` (the next line at most one
# level deeper), ``key: value`` or, from the second level on (so that each item belongs to
# the entry above it), ``- value`` (the next line not deeper).  Its matches tile the text
# exactly when every line has that shape.  (`` *`` rather than a repeated pair of spaces:
# many times faster; :data:`_ODD_INDENT` checks the levels.)
_LINE = re.compile(
    rb"(?:( *)" + _KEY + rb":(?:(?=\n\n*(?!\1   ))| " + _VALUE + rb"(?=\n\n*(?!\1 )))"
    + rb"|( +)  - (?:" + _QUOTED + rb"|" + _PLAIN + rb")(?=\n\n*(?!\2   ))|)\n"
)
# A line indented by an odd number of spaces (a level is two).
_ODD_INDENT = re.compile(rb"\n(?:  )*+ [^ \n]")
# Where a top-level section or one of its entries (a line indented one level) starts.
_PIECE = re.compile(rb"\n(?=[^\s]|  [^\s])")


def reduced(data: bytes, package: str) -> bytes:
    """``data`` with the entries of its top-level sections that cannot concern ``package``
    emptied: those of sections other than ``catalog`` / ``catalogs`` whose key line does
    not hold the package's name.  ``data`` itself when its shape is not the simple one."""
    text = data if data.endswith(b"\n") else data + b"\n"
    if text.lstrip(b"\n")[:1] == b" " or _ODD_INDENT.search(text) or _LINE.sub(b"", text):
        return data
    name = package.encode("utf-8")
    starts = [0, *(m.start() + 1 for m in _PIECE.finditer(text)), len(text)]
    out: list[bytes] = []
    whole = True  # before the first section, and in a catalog section: kept as it is
    for start, end in pairwise(starts):
        piece = text[start:end]
        first = piece[: piece.find(b"\n")]
        if not piece.startswith(b" "):
            whole = b"catalog" in first
        elif not whole and name not in first:
            piece = b"\n" * piece.count(b"\n")
        out.append(piece)
    cut = b"".join(out)
    return cut if data.endswith(b"\n") else cut[:-1]
