"""Query patterns rewritten so that tree-sitter compiles them fast, with the same matches.

Compiling a query, tree-sitter analyses every pattern step that has children against the
grammar's parse table; with the TSX grammar a nested ``(call_expression function:
(member_expression ...))`` costs milliseconds per step, a pattern of eight nested nodes tens.
A wildcard parent ``(_ ...)`` is not analysed.  :func:`shallow` therefore turns each parent
node ``(T children...)`` into ``(_ children...)`` with a private capture, and appends one
``(#type? @capture "T" ...)`` to the pattern: the node types are checked in Python after
tree-sitter has matched the structure (fields, anchors, children, leaves, text predicates).
The result is the same set of matches; the private captures are dropped from them
(:data:`PRIVATE`).  Leaves keep their type, so the structure still narrows the candidates
in C, and the type check runs last, after the pattern's own predicates.

What tree-sitter's analysis also did, refusing a pattern no tree can match ("Impossible
pattern"), is lost for rewritten steps (such a pattern of a fork's catalogue matches nothing);
the tests compile the bundled queries as written too (tests/test_queries_shallow.py).  A node
type the grammar does not know, or a supertype, is left as written, so tree-sitter still
reports an unknown node type where the file has it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fluxer_patcher.record import dataclass

if TYPE_CHECKING:
    from tree_sitter import Language

# Captures the rewrite adds; matches never show them.
PRIVATE = "__type."
_NAME = re.compile(r"[A-Za-z][\w.-]*")
_FIELD = re.compile(r"!?[A-Za-z_]\w*\s*:?")
_SPECIAL = frozenset({"ERROR", "MISSING"})


@dataclass
class _Node:
    """A ``(type ...)`` of the pattern: where its type is, its place among its parent's children."""

    name: str
    start: int  # of the type name
    parent: _Node | None
    fielded: bool  # ``field: (type ...)``
    children: int = 0  # child patterns (nodes, alternations, strings, wildcards)
    end: int = -1  # after the closing parenthesis and its quantifiers


def shallow(language: Language, pattern: str) -> str:
    """``pattern`` (one top-level pattern) with its parent node types checked in Python.

    The root keeps its type, and so does a child without a field among several: tree-sitter
    starts a match at every node for a wildcard root (and analyses such a pattern against
    every parent type, slower than the steps saved), and tries every child of a block for
    each wildcard sibling.  Deeper wildcards still cost some matching time (the SSO callback's
    patterns on a large file: about three times as long), far less than they save compiling."""
    nodes: list[_Node] = []
    stack: list[_Node | None] = []  # per open "(" or "[": the node, or None (group, alternation, predicate)
    field = False
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == ";":
            end = pattern.find("\n", i)
            i = n if end == -1 else end
            continue
        if c.isspace():
            i += 1
            continue
        node = stack[-1] if stack else None
        if c == '"':
            if node is not None:
                node.children += 1
            field = False
            i += 1
            while i < n and pattern[i] != '"':
                i += 2 if pattern[i] == "\\" else 1
        elif c == "@":
            capture = _NAME.match(pattern, i + 1)
            i = capture.end() if capture else i + 1
            continue
        elif c in "([":
            name = _NAME.match(pattern, i + 1) if c == "(" else None
            if pattern[i + 1 : i + 2] == "#":
                stack.append(None)
            else:
                if node is not None:
                    node.children += 1
                if name is not None and _rewritable(language, name.group(), pattern, name.end()):
                    found = _Node(name.group(), name.start(), node, field)
                    nodes.append(found)
                    stack.append(found)
                    field = False
                    i = name.end()
                    continue
                stack.append(None)
            field = False
        elif c in ")]":
            if not stack:
                return pattern  # unbalanced: tree-sitter says where
            closed = stack.pop()
            if closed is not None:
                j = i + 1
                while j < n and pattern[j] in "*+?":
                    j += 1
                closed.end = j
                i = j
                continue
        elif c == "_" and not _NAME.match(pattern, i + 1):
            if node is not None:
                node.children += 1
            field = False
        else:
            word = _FIELD.match(pattern, i)
            if word is not None:
                field = word.group().endswith(":")
                i = word.end()
                continue
        i += 1
    if stack:
        return pattern
    rewritten = [
        node for node in nodes
        if node.children and node.parent is not None and (node.fielded or node.parent.children < 2)
    ]
    if not rewritten:
        return pattern
    edits = sorted(
        [(node.start, len(node.name), "_") for node in rewritten]
        + [(node.end, 0, f" @{PRIVATE}{k}") for k, node in enumerate(rewritten)]
    )
    out, copied = [], 0
    for at, length, text in edits:
        out.append(pattern[copied:at] + text)
        copied = at + length
    out.append(pattern[copied:])
    checks = " ".join(f'@{PRIVATE}{k} "{node.name}"' for k, node in enumerate(rewritten))
    return f"({''.join(out)}\n (#type? {checks}))"


def _rewritable(language: Language, name: str, pattern: str, end: int) -> bool:
    """A node type the grammar has as a visible node of its own (no supertype, no ``T/sub``)."""
    if name in _SPECIAL or pattern[end : end + 1] == "/":
        return False
    kind = language.id_for_node_kind(name, True)
    return kind is not None and language.node_kind_is_visible(kind)
