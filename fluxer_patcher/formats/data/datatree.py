"""The data of JSON and YAML files, read from their tree-sitter trees with positions kept.

Fixes and checks on configuration files reason about data (a mapping's keys, a sequence's
items, a scalar's value), while edits splice bytes.  This module is the bridge: it walks a
tree-sitter tree of either language and answers in terms of nodes, so that every answer
has a location, and :func:`value` turns a node into plain Python data for comparison.

YAML follows the core schema: ``'true'`` is a string, ``true`` a boolean, ``*alias``
reads the anchored node and ``<<: *alias`` merges it.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import TYPE_CHECKING, Any

from fluxer_patcher.record import dataclass

if TYPE_CHECKING:
    from tree_sitter import Node

    from fluxer_patcher.syntax.document import Document

DATA_LANGUAGES = frozenset({"json", "yaml"})

_MAPPINGS = frozenset({"object", "block_mapping", "flow_mapping"})
_SEQUENCES = frozenset({"array", "block_sequence", "flow_sequence"})
_WRAPPERS = frozenset({"block_node", "flow_node", "block_sequence_item", "document"})
_DECORATIONS = frozenset({"anchor", "tag", "comment"})
_PAIRS = frozenset({"pair", "block_mapping_pair", "flow_pair"})


class DataError(ValueError):
    """A node is not the kind of data a caller expected."""


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` of a mapping; ``value`` is ``None`` for YAML's ``key:``."""

    key: str
    key_node: Node
    value: Node | None
    pair: Node


def unwrap(node: Node | None) -> Node | None:
    """The content of a YAML ``block_node`` / ``flow_node`` (past anchors and tags), or of
    a ``document``; other nodes are returned as they are."""
    while node is not None and node.type in _WRAPPERS:
        inner = [c for c in node.named_children if c.type not in _DECORATIONS]
        node = inner[0] if inner else None
    return node


def anchor_of(node: Node | None) -> str | None:
    """The anchor name on a YAML node (``&name``), if any."""
    if node is None:
        return None
    for child in node.named_children:
        if child.type == "anchor":
            name = child.child_by_field_name("name") or next(
                (c for c in child.named_children if c.type == "anchor_name"), None
            )
            return name.text.decode("utf-8") if name is not None and name.text is not None else None
    return None


def is_mapping(node: Node | None) -> bool:
    node = unwrap(node)
    return node is not None and node.type in _MAPPINGS


def is_sequence(node: Node | None) -> bool:
    node = unwrap(node)
    return node is not None and node.type in _SEQUENCES


# The anchors of the trees read in this process, by root node (trees are shared and never
# edited: see syntax/grammars.parse); callers never change the dict they get.
_ANCHORS: dict[Node, dict[str, Node]] = {}


class DataView:
    """Reads data out of one parsed JSON or YAML :class:`Document`."""

    def __init__(self, doc: Document) -> None:
        if doc.language not in DATA_LANGUAGES:
            raise ValueError(f"{doc.path}: not a JSON or YAML document")
        self.doc = doc

    # -- structure ----------------------------------------------------------------------

    @property
    def root(self) -> Node | None:
        """The top-level value (the first document's, for YAML)."""
        root = self.doc.root
        if root.type == "stream":
            docs = [c for c in root.named_children if c.type == "document"]
            return unwrap(docs[0]) if docs else None
        values = [c for c in root.named_children if c.type != "comment"]
        return values[0] if values else None

    def entries(self, node: Node | None) -> list[Entry]:
        """The ``key: value`` pairs of a mapping node, in source order."""
        node = unwrap(node)
        if node is None or node.type not in _MAPPINGS:
            raise DataError(f"{self._where(node)}: not a mapping")
        out = []
        for pair in node.named_children:
            if pair.type not in _PAIRS:
                continue
            key = pair.child_by_field_name("key")
            if key is None:
                continue
            out.append(Entry(self.key_text(key), key, pair.child_by_field_name("value"), pair))
        return out

    def entry(self, node: Node | None, key: str) -> Entry | None:
        hits = [e for e in self.entries(node) if e.key == key]
        return hits[-1] if hits else None  # later duplicates win, as in most loaders

    def items(self, node: Node | None) -> list[Node]:
        """The items of a sequence node, in source order (wrappers kept for locations)."""
        node = unwrap(node)
        if node is None or node.type not in _SEQUENCES:
            raise DataError(f"{self._where(node)}: not a sequence")
        skip = {"comment", "[", "]", ","}
        return [c for c in node.named_children if c.type not in skip]

    def get(self, node: Node | None, *path: str) -> Node | None:
        """The value node at ``path`` below ``node`` (mappings only), aliases followed."""
        current = node
        for key in path:
            current = self.resolve(current)
            if not is_mapping(current):
                return None
            found = self.entry(current, key)
            if found is None:
                return None
            current = found.value
        return current

    def resolve(self, node: Node | None) -> Node | None:
        """Follow a YAML alias to the node its anchor marks."""
        inner = unwrap(node)
        if inner is not None and inner.type == "alias":
            name = inner.text.decode("utf-8")[1:] if inner.text is not None else ""
            return self.anchors.get(name)
        return node

    @cached_property
    def anchors(self) -> dict[str, Node]:
        """The node each anchor name marks (its first), read once per tree."""
        root = self.doc.root
        found = _ANCHORS.get(root)
        if found is None:
            found = {}
            stack = [root]
            while stack:
                node = stack.pop()
                name = anchor_of(node) if node.type in ("block_node", "flow_node") else None
                if name is not None:
                    found.setdefault(name, node)
                stack.extend(reversed(node.children))
            if len(_ANCHORS) >= 32:
                del _ANCHORS[next(iter(_ANCHORS))]
            _ANCHORS[root] = found
        return found

    def key_text(self, key: Node) -> str:
        value = self.value(key)
        return value if isinstance(value, str) else json.dumps(value)

    # -- values -------------------------------------------------------------------------

    def value(self, node: Node | None, _depth: int = 0) -> Any:
        """Plain Python data for ``node``: dict, list, str, int, float, bool or None."""
        if _depth > 64:
            raise DataError(f"{self._where(node)}: aliases nest too deep")
        node = unwrap(self.resolve(node))
        if node is None:
            return None
        kind = node.type
        if kind in _MAPPINGS:
            out: dict[str, Any] = {}
            for entry in self.entries(node):
                if entry.key == "<<" and self.doc.language == "yaml":
                    merged = self.value(entry.value, _depth + 1)
                    for part in merged if isinstance(merged, list) else [merged]:
                        if isinstance(part, dict):
                            for k, v in part.items():
                                out.setdefault(k, v)
                    continue
                out[entry.key] = self.value(entry.value, _depth + 1)
            return out
        if kind in _SEQUENCES:
            return [self.value(item, _depth + 1) for item in self.items(node)]
        return self.scalar(node)

    def scalar(self, node: Node) -> Any:
        text = self.doc.text(node)
        kind = node.type
        if self.doc.language == "json":
            if kind in ("string", "number", "true", "false", "null"):
                return json.loads(text)
            raise DataError(f"{self._where(node)}: unexpected {kind}")
        if kind == "plain_scalar":
            return _plain(node, text)
        if kind == "single_quote_scalar":
            return _fold(text[1:-1]).replace("''", "'")
        if kind == "double_quote_scalar":
            return _double(_fold(text[1:-1]))
        if kind == "block_scalar":
            return _block(text)
        raise DataError(f"{self._where(node)}: unexpected {kind}")

    def _where(self, node: Node | None) -> str:
        return self.doc.loc(node) if node is not None else self.doc.path


# -- YAML scalars -------------------------------------------------------------------------

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_OCT_HEX = re.compile(r"^0o[0-7]+$|^0x[0-9a-fA-F]+$")


def _plain(node: Node, text: str) -> Any:
    inner = node.named_children[0].type if node.named_child_count else "string_scalar"
    if inner == "null_scalar":
        return None
    if inner == "boolean_scalar":
        return text.lower() == "true"
    if inner == "integer_scalar":
        if _INT.match(text):
            return int(text)
        if _OCT_HEX.match(text):
            return int(text, 0)
        return text
    if inner == "float_scalar":
        lowered = text.lower()
        if lowered.lstrip("+-") in (".inf", ".nan"):
            return float(lowered.replace(".", ""))
        try:
            return float(text)
        except ValueError:
            return text
    return _fold(text)


def _fold(text: str) -> str:
    """Line folding of multi-line flow scalars: a line break becomes a space."""
    if "\n" not in text:
        return text
    lines = [line.strip() for line in text.split("\n")]
    out = lines[0]
    for line in lines[1:]:
        out += "\n" if not line else (" " if not out.endswith("\n") else "") + line
    return out


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
            "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)


def _double(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, text)


def _block(text: str) -> str:
    header, _, body = text.partition("\n")
    lines = body.split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    lines = [line[cut:] for line in lines]
    while lines and not lines[-1].strip():
        lines.pop()
    if header.lstrip().startswith(">"):
        parts: list[str] = []
        in_text = False
        for line in lines:
            if not line:
                parts.append("\n")
                in_text = False
            elif in_text and not line.startswith(" "):
                parts.append(" " + line)
            else:
                parts.append(("\n" if in_text else "") + line)
                in_text = True
        content = "".join(parts)
    else:
        content = "\n".join(lines)
    chomp = "-" if "-" in header else "+" if "+" in header else ""
    return content if chomp == "-" else content + "\n"


# -- equality ---------------------------------------------------------------------------


def canonical(value: Any) -> Any:
    """``value`` with its types made explicit, so that ``1``, ``1.0`` and ``True`` differ."""
    if isinstance(value, dict):
        return ("map", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("seq", tuple(canonical(v) for v in value))
    return (type(value).__name__, value)


def same_data(a: Any, b: Any) -> bool:
    return bool(canonical(a) == canonical(b))


def flat_text(value: Any) -> str:
    """A value as one string for pattern matching: sequences joined by spaces."""
    if isinstance(value, list):
        return " ".join(flat_text(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)
