"""Structural comparison and style of JavaScript/TypeScript snippets.

Fixes are recognised as present by comparing syntax trees, never by searching for a
substring: ``pathname.startsWith("/auth/sso/")`` and ``pathname.startsWith('/auth/sso/')``
are the same operand, a comment or a trailing comma changes nothing, and a call that
merely mentions ``clearTimeout(timeoutId)`` elsewhere is not the fix.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import TYPE_CHECKING

from fluxer_patcher.engine.primitives import ParameterError
from fluxer_patcher.memo import Memo
from fluxer_patcher.syntax import grammars
from fluxer_patcher.syntax.document import Document, walk
from fluxer_patcher.syntax.grammars import GRAMMARS, JS_FAMILY

if TYPE_CHECKING:
    from tree_sitter import Node, Query

Fingerprint = tuple[object, ...]

_IGNORED = frozenset({"comment", ",", ";"})
_STRINGS = frozenset({"string"})


def named(node: Node) -> list[Node]:
    """``node``'s named children, comments left out."""
    return [c for c in node.named_children if c.type != "comment"]


def unparen(node: Node) -> Node:
    """``node`` without the parentheses around it (``((x))`` → ``x``)."""
    while node.type == "parenthesized_expression":
        inner = named(node)
        if len(inner) != 1:
            break
        node = inner[0]
    return node


def _string_content(doc: Document, node: Node) -> str:
    raw = doc.data[node.start_byte + 1 : node.end_byte - 1].decode("utf-8")
    return raw.replace("\\'", "'").replace('\\"', '"')


def fingerprint(doc: Document, node: Node) -> Fingerprint:
    """A tree's shape and leaf texts, blind to layout, comments, quotes and separators."""
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        inner = node.named_children[0]
        if inner.type != "comment":
            return fingerprint(doc, inner)
    if node.type in _STRINGS and doc.language in JS_FAMILY:
        return ("string", _string_content(doc, node))
    if node.child_count == 0:
        return (node.type, doc.text(node))
    return (node.type, *(fingerprint(doc, c) for c in node.children if c.type not in _IGNORED))


# Fingerprints of compared nodes (a node holds its tree, which is parsed once from its text and
# never edited: grammars.parse): a fix's snippet is compared with node after node, step after
# step, commit after commit.
_FINGERPRINTS: Memo[Node, Fingerprint] = Memo(1024)


def same(doc_a: Document, a: Node, doc_b: Document, b: Node) -> bool:
    return (_FINGERPRINTS.get(a, lambda: fingerprint(doc_a, a))
            == _FINGERPRINTS.get(b, lambda: fingerprint(doc_b, b)))


def parse_expression(language: str, text: str) -> tuple[Document, Node]:
    """Parse an expression snippet of a fix; raises :class:`ParameterError` when it is not one."""
    wrapper = GRAMMARS[language].expression_wrapper
    if wrapper is None:
        raise ParameterError(f"{language} has no expressions")
    doc = Document("<snippet>", (wrapper[0] + text + wrapper[1]).encode("utf-8"), language)
    root = doc.root
    if root.has_error or root.named_child_count != 1:
        raise ParameterError(f"not a {language} expression: {text!r}")
    statement = root.named_children[0]
    paren = statement.named_children[0] if statement.named_child_count else None
    if paren is None or paren.type != "parenthesized_expression" or paren.named_child_count != 1:
        raise ParameterError(f"not a {language} expression: {text!r}")
    return doc, paren.named_children[0]


def parse_statement(language: str, text: str) -> tuple[Document, Node]:
    doc = Document("<snippet>", text.encode("utf-8"), language)
    root = doc.root
    if root.has_error or root.named_child_count != 1:
        raise ParameterError(f"not a single {language} statement: {text!r}")
    return doc, root.named_children[0]


# Votes counted in this process, by the nodes voted in (trees are shared per text and never
# edited, see grammars.parse): the steps of a file, and a drift walk's commits, ask again and again.
_VOTES: Memo[tuple[Node | None, Node], str] = Memo(256)


def preferred_quote(doc: Document, scope: Node | None = None) -> str:
    """The quote a string without quote characters uses in ``scope`` (else the file)."""
    return _VOTES.get((scope, doc.root), lambda: _vote(doc, scope))


def _strings(doc: Document, area: Node) -> list[Node]:
    """The string literals under ``area`` in :func:`walk`'s order (last first: string literals do
    not nest), found by a query that walks the tree in C; never the TypeScript type keyword
    ``string`` (an anonymous node of that type, which once voted for a quote ``s``)."""
    if doc.language not in JS_FAMILY:
        return [n for n in walk(area) if n.type in _STRINGS and n.is_named]
    from tree_sitter import QueryCursor

    found = QueryCursor(_layout_query(doc.language)).captures(area).get("s", [])
    return sorted(found, key=lambda n: n.start_byte, reverse=True)


_OBJECTS = ("object", "object_pattern")


def objects(doc: Document, area: Node) -> list[Node]:
    """The object literals and object patterns under ``area``, in no particular order (a
    query walks the tree in C)."""
    if doc.language not in JS_FAMILY:
        return [n for n in walk(area) if n.type in _OBJECTS]
    from tree_sitter import QueryCursor

    return QueryCursor(_layout_query(doc.language)).captures(area).get("o", [])


@cache
def _layout_query(language: str) -> Query:
    """String literals (``@s``) and objects (``@o``): one query, compiled once per language
    (tree-sitter's compile scans the grammar's whole parse table each time)."""
    from tree_sitter import Query

    strings = " ".join(f"({t}) @s" for t in sorted(_STRINGS))
    return Query(grammars.language(language), strings + " " + " ".join(f"({t}) @o" for t in _OBJECTS))


def _vote(doc: Document, scope: Node | None) -> str:
    for area in ([scope] if scope is not None else []) + [doc.root]:
        votes: Counter[str] = Counter()
        for node in _strings(doc, area):
            if node.type in _STRINGS:
                raw = doc.data[node.start_byte : node.end_byte].decode("utf-8")
                if "'" not in raw[1:-1] and '"' not in raw[1:-1]:
                    votes[raw[0]] += 1
        if votes:
            return votes.most_common(1)[0][0]
    return "'"


def requote(doc: Document, node: Node, quote: str) -> str:
    """The text of ``node`` with its plain string literals in ``quote``."""
    base = node.start_byte
    text = bytearray(doc.data[node.start_byte : node.end_byte])
    if doc.language not in JS_FAMILY:
        return text.decode("utf-8")
    strings = [n for n in walk(node) if n.type in _STRINGS and n.is_named]  # not the `string` type keyword
    for string in sorted(strings, key=lambda n: n.start_byte, reverse=True):
        raw = doc.data[string.start_byte : string.end_byte].decode("utf-8")
        if raw[0] == quote or quote in raw[1:-1] or "\\" in raw:
            continue
        new = (quote + raw[1:-1] + quote).encode("utf-8")
        text[string.start_byte - base : string.end_byte - base] = new
    return text.decode("utf-8")
