"""YAML snippets rendered in a file's own style, and the places to splice them in.

A fix's YAML is written in the manifest with two-space indents and whatever quotes read
best there.  Before it goes into a file it takes that file's indent step and its quote
character (for scalars that can change quotes without changing meaning), and it is
placed after an existing entry or item, with a blank line before it when the entries
around it are separated by blank lines.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import TYPE_CHECKING

from fluxer_patcher.engine.primitives import ParameterError
from fluxer_patcher.formats.data.datatree import DataView, Entry
from fluxer_patcher.syntax.document import Document, walk

if TYPE_CHECKING:
    from tree_sitter import Node

_QUOTED = {"single_quote_scalar": "'", "double_quote_scalar": '"'}


def parse_snippet(text: str) -> DataView:
    """A YAML snippet of a fix, parsed; :class:`ParameterError` when it is not valid YAML."""
    doc = Document("<snippet>", text.encode("utf-8"), "yaml")
    if doc.root.has_error:
        where = ", ".join(doc.syntax_errors())
        raise ParameterError(f"not valid YAML ({where}): {text.strip()[:60]!r}")
    return DataView(doc)


def preferred_quote(doc: Document) -> str | None:
    """The quote character most quoted scalars of the file use, ``None`` when it has none."""
    votes: Counter[str] = Counter(_QUOTED[n.type] for n in walk(doc.root) if n.type in _QUOTED)
    return votes.most_common(1)[0][0] if votes else None


def indent_step(doc: Document) -> int:
    unit = doc.indent_unit
    return len(unit) if unit.strip(b" ") == b"" and unit else 2


def aliases(node: Node) -> list[str]:
    """The anchor names ``*alias`` nodes below ``node`` refer to."""
    return [
        n.text.decode("utf-8")[1:]
        for n in walk(node)
        if n.type == "alias" and n.text is not None
    ]


class Style:
    """How new text must look in one YAML file."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.quote = preferred_quote(doc)
        self.step = indent_step(doc)
        self.newline = doc.newline.decode("ascii")

    def requoted(self, snippet: DataView, node: Node) -> str:
        """The text of ``node`` with its quoted scalars in the file's quote character,
        where no escape or inner quote makes the change unsafe."""
        base, end = node.start_byte, content_end(snippet.doc, node)
        text = bytearray(snippet.doc.data[base:end])
        if self.quote is not None:
            scalars = [
                n for n in walk(node) if n.type in _QUOTED and _QUOTED[n.type] != self.quote and n.end_byte <= end
            ]
            for scalar in sorted(scalars, key=lambda n: n.start_byte, reverse=True):
                inner = snippet.doc.data[scalar.start_byte + 1 : scalar.end_byte - 1]
                if any(c in inner for c in (b"'", b'"', b"\\", b"\n")):
                    continue
                quote = self.quote.encode()
                text[scalar.start_byte - base : scalar.end_byte - base] = quote + inner + quote
        return text.decode("utf-8")

    def block(self, snippet: DataView, node: Node, indent: str) -> str:
        """``node`` (usually a pair) as lines at ``indent``, nested levels at the file's step.

        The first line carries no indent: callers place it after their own prefix."""
        column = node.start_point[1]
        step_from = indent_step(snippet.doc)
        lines = self.requoted(snippet, node).split("\n")
        out = [lines[0]]
        for line in lines[1:]:
            stripped = line[column:] if line[:column].strip() == "" else line.lstrip(" ")
            width = len(stripped) - len(stripped.lstrip(" "))
            levels, rest = divmod(width, step_from)
            body = stripped.lstrip(" ")
            out.append(indent + " " * (levels * self.step + rest) + body if body else "")
        return self.newline.join(out)

    def inline(self, snippet: DataView, node: Node) -> str | None:
        """``node`` on one line (a scalar or a flow collection), else ``None``."""
        text = self.requoted(snippet, node)
        return None if "\n" in text else text


def content_end(doc: Document, node: Node) -> int:
    """Where the text of ``node`` really ends: before trailing comments and blank lines
    (a comment after an entry introduces what follows it)."""
    last = node
    while last.child_count:
        kids = [c for c in last.children if c.type != "comment" and c.end_byte > c.start_byte]
        if not kids:
            break
        last = kids[-1]
    end = last.end_byte
    while end > node.start_byte and doc.data[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
        end -= 1
    return end


def after_line(doc: Document, node: Node) -> int:
    """The end of the last line of ``node`` (past a trailing comment on that line)."""
    return doc.line_end(content_end(doc, node))


def column_prefix(doc: Document, node: Node) -> str | None:
    """The whitespace before ``node`` on its line, ``None`` when other text precedes it."""
    start = doc.line_start(node.start_byte)
    before = doc.data[start : node.start_byte]
    return before.decode("utf-8") if not before.strip() else None


def blank_separated(view: DataView, nodes: list[Node]) -> bool:
    """Whether consecutive ``nodes`` (entries or items) are separated by blank lines."""
    doc = view.doc
    gaps = Counter(
        b"\n\n" in doc.data[after_line(doc, a) : b.start_byte].replace(b"\r", b"").replace(b" ", b"")
        for a, b in pairwise(nodes)
    )
    return gaps[True] > 0 and gaps[True] >= gaps[False]


def key_column(view: DataView, entries: list[Entry]) -> str | None:
    prefixes = {column_prefix(view.doc, e.pair) for e in entries}
    if len(prefixes) != 1:
        return None
    return prefixes.pop()
