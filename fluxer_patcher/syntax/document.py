"""One file as the engine sees it: its bytes, its syntax tree and its layout conventions."""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING

from fluxer_patcher.memo import Memo
from fluxer_patcher.syntax import grammars

if TYPE_CHECKING:
    from tree_sitter import Node, Tree


class Document:
    def __init__(self, path: str, data: bytes, language: str | None, disk: bytes | None = None) -> None:
        self._base: Document | None = None
        self.path = path
        self.data = data
        self.language = language
        # The file as it is on disk when ``data`` holds edits of this run not yet written:
        # locations then name the lines of the file on disk.
        self.disk = disk if disk is not None and disk != data else None

    @cached_property
    def tree(self) -> Tree:
        if self.language is None:
            raise ValueError(f"{self.path}: no grammar for this file")
        base = self._base
        self._base = None
        old = (base.data, base.__dict__["tree"]) if base is not None and "tree" in base.__dict__ else None
        return grammars.parse(self.language, self.data, old)

    def edited(self, data: bytes) -> Document:
        """This file with ``data`` instead of its text (edits of this run): its tree is
        re-parsed incrementally from this one's, when this one has been parsed."""
        after = Document(self.path, data, self.language)
        after._base = self
        return after

    @property
    def root(self) -> Node:
        return self.tree.root_node

    # -- text ---------------------------------------------------------------------------

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8")

    @cached_property
    def newline(self) -> bytes:
        """The file's line ending: CRLF when most lines end that way, else LF."""
        crlf = self.data.count(b"\r\n")
        return b"\r\n" if crlf and crlf * 2 >= self.data.count(b"\n") else b"\n"

    @cached_property
    def indent_unit(self) -> bytes:
        """One level of indentation: a tab, or the most common step between space indents."""
        tabs = spaces = 0
        steps: Counter[int] = Counter()
        previous = 0
        for line in self.data.splitlines():
            if not line.strip():
                continue
            if line.startswith(b"\t"):
                tabs += 1
                continue
            width = len(line) - len(line.lstrip(b" "))
            if width:
                spaces += 1
            if width > previous:
                steps[width - previous] += 1
            previous = width
        if tabs >= spaces:
            return b"\t"
        step = steps.most_common(1)[0][0] if steps else 2
        return b" " * step

    def line_start(self, offset: int) -> int:
        return self.data.rfind(b"\n", 0, offset) + 1

    def next_line(self, offset: int) -> int:
        """Offset of the start of the line after the one that holds ``offset`` (EOF on the last)."""
        end = self.data.find(b"\n", offset)
        return len(self.data) if end == -1 else end + 1

    def line_end(self, offset: int) -> int:
        """Offset of the line break ending the line that holds ``offset`` (or EOF)."""
        end = self.data.find(b"\n", offset)
        if end == -1:
            return len(self.data)
        return end - 1 if end > 0 and self.data[end - 1 : end] == b"\r" else end

    def indent_at(self, offset: int) -> bytes:
        start = self.line_start(offset)
        line = self.data[start : self.line_end(start)]
        return line[: len(line) - len(line.lstrip(b" \t"))]

    def starts_line(self, node: Node) -> bool:
        """Whether only whitespace precedes ``node`` on its line."""
        return not self.data[self.line_start(node.start_byte) : node.start_byte].strip()

    def line_of(self, offset: int) -> int:
        return self.data.count(b"\n", 0, offset) + 1

    def same_line(self, a: int, b: int) -> bool:
        lo, hi = min(a, b), max(a, b)
        return b"\n" not in self.data[lo:hi]

    # -- locations ----------------------------------------------------------------------

    def loc(self, node_or_offset: Node | int) -> str:
        """``path:line:col`` (1-based) of a node or a byte offset, in the file on disk."""
        if isinstance(node_or_offset, int):
            line = self.line_of(node_or_offset)
            col = node_or_offset - self.line_start(node_or_offset) + 1
        else:
            line = node_or_offset.start_point[0] + 1
            col = node_or_offset.start_point[1] + 1
        if self.disk is not None:
            line = self._disk_lines[min(line, len(self._disk_lines)) - 1] + 1
        return f"{self.path}:{line}:{col}"

    @cached_property
    def _disk_lines(self) -> list[int]:
        """For each line of ``data`` (0-based), the line of the file on disk it stands for: the
        same line where it is unchanged, the line of the text it replaced or precedes where not."""
        assert self.disk is not None
        key = (self.data, self.disk)
        if key not in _DISK_LINES:
            if len(_DISK_LINES) >= 32:
                del _DISK_LINES[next(iter(_DISK_LINES))]
            _DISK_LINES[key] = _line_map(self.data, self.disk)
        return _DISK_LINES[key]

    def error_nodes(self) -> list[Node]:
        """ERROR and MISSING nodes, outermost first, in file order."""
        found: list[Node] = []
        if not self.root.has_error:
            return found
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.is_error or node.is_missing:
                found.append(node)
                continue
            if node.has_error:
                stack.extend(reversed(node.children))
        return found

    def describe_errors(self, nodes: list[Node], limit: int = 3) -> list[str]:
        return [
            f"{self.loc(n)} ({f'missing {n.type!r}' if n.is_missing else 'unexpected text'})" for n in nodes[:limit]
        ]

    def syntax_errors(self, limit: int = 3) -> list[str]:
        """Locations of ERROR / MISSING nodes, at most ``limit``."""
        return self.describe_errors(self.error_nodes(), limit)

    def new_errors(self, before: Document) -> list[Node]:
        """Error nodes of this text that ``before`` does not have (compared by kind and text,
        since an edit moves them): what an edit broke, for grammars that reject valid files."""
        old = Counter((n.type, n.is_missing, _node_text(before, n)) for n in before.error_nodes())
        fresh: list[Node] = []
        for node in self.error_nodes():
            key = (node.type, node.is_missing, _node_text(self, node))
            if old[key]:
                old[key] -= 1
            else:
                fresh.append(node)
        return fresh


def _node_text(doc: Document, node: Node) -> str:
    return doc.data[node.start_byte : node.end_byte].decode("utf-8", "replace")


# The walks made in this process, by node (a node holds its tree, which no one edits: see
# grammars.parse): fixes ask for the nodes of the same file's tree step after step.
_WALKS: Memo[Node, list[Node]] = Memo(64)


def walk(node: Node) -> list[Node]:
    """``node`` and all its descendants (depth first, last child first)."""
    return list(_WALKS.get(node, lambda: _walk(node)))


def _walk(node: Node) -> list[Node]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


_LINE_WORD = re.compile(r"\s+")


def one_line(text: str, width: int = 60) -> str:
    """A node's text squeezed onto one line for reasons and reports."""
    flat = _LINE_WORD.sub(" ", text).strip()
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# Line maps computed in this process, by the texts they map (a drift walk meets the same
# edited text at commit after commit).
_DISK_LINES: dict[tuple[bytes, bytes], list[int]] = {}


def _line_map(data: bytes, disk_data: bytes) -> list[int]:
    from fluxer_patcher.syntax.linemap import line_map

    return line_map(data.split(b"\n"), disk_data.split(b"\n"))
