"""Structural comparison and style of JavaScript/TypeScript snippets.

Fixes are recognised as present by comparing syntax trees, never by searching for a
substring: ``pathname.startsWith("/auth/sso/")`` and ``pathname.startsWith('/auth/sso/')``
are the same operand, a comment or a trailing comma changes nothing, and a call that
merely mentions ``clearTimeout(timeoutId)`` elsewhere is not the fix.
"""

from __future__ import annotations

import bisect
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
    return sorted(_js_strings(doc, area), key=lambda n: n.start_byte, reverse=True)


def _js_strings(doc: Document, area: Node, span: tuple[int, int] | None = None) -> list[Node]:
    """:func:`_strings` of a JavaScript-family file, in no particular order; with ``span``,
    those with bytes in it (and maybe more: the search looks where it meets the span)."""
    from tree_sitter import QueryCursor

    assert doc.language is not None
    cursor = QueryCursor(_layout_query(doc.language))
    if span is not None:
        cursor.set_byte_range(*span)
    return cursor.captures(area).get("s", [])


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
        if area.parent is None and doc.language in JS_FAMILY:  # a whole file: counted by its parts
            counts, last = _votes_by_parts(doc, area, top=True)
            if counts:  # the most votes; of as many, the quote whose last vote comes last (as below)
                return max(counts, key=lambda quote: (counts[quote], last[quote]))
            continue
        votes: Counter[str] = Counter()
        for node in _strings(doc, area):
            if node.type in _STRINGS:
                raw = doc.data[node.start_byte : node.end_byte].decode("utf-8")
                if "'" not in raw[1:-1] and '"' not in raw[1:-1]:
                    votes[raw[0]] += 1
        if votes:
            return votes.most_common(1)[0][0]
    return "'"


Tally = tuple[dict[str, int], dict[str, int]]  # votes by quote; where its last voting string starts

# The votes of parts of trees, by node id, each with its node (which holds its tree, so that
# no id is reused while kept) and its text, compared before an entry is taken.  A tree parsed
# from an earlier one (a file's next version in a drift walk, a fix's edit) shares with it the
# subtrees the edit left alone, and trees are never changed once made (grammars.parse): a
# node's id is its slot in its parent's children, so the same id in two live trees is the
# same slot of one shared parent, holding the same subtree.  A file met again counts the
# votes of what changed only: its changed parts, and within a large one its changed parts.
_PARTS: Memo[int, tuple[Node, bytes, Tally]] = Memo(4096)
_BY_PARTS = 1024  # bytes of a changed part past which its own parts are counted apart
_FEW = 3  # top-level parts of a file that is counted by its parts even when none is known


def _votes_by_parts(doc: Document, node: Node, top: bool) -> Tally:
    """The votes of the string literals under ``node`` (a file's root when ``top``), with
    where the last voting string of each quote starts: the sums of its parts' votes, kept or
    counted (a run of small changed parts by one search of their bytes).  A tree none of
    whose parts is known is searched whole, once; so is anything that is not a tree of parts
    holding strings of some length (as before: :func:`_strings`)."""
    parts = node.children
    texts = [doc.data[part.start_byte : part.end_byte] for part in parts]
    tallies: list[Tally | None] = []
    for part, text in zip(parts, texts, strict=True):
        kept = _PARTS.peek(part.id)
        tallies.append(kept[2] if kept is not None and kept[1] == text else None)
    fresh = [i for i, tally in enumerate(tallies) if tally is None]
    if top and len(fresh) == len(parts) > _FEW:  # a file met first (or all of it changed)
        split = _split(doc, parts, _js_strings(doc, node), outside=False)
        if split is None:
            return _tally(doc, _js_strings(doc, node), 0)
        tallies = list(split)
    else:
        small = []
        for i in fresh:
            part = parts[i]
            if part.type in _STRINGS or part.child_count < 2 or part.end_byte - part.start_byte <= _BY_PARTS:
                small.append(i)
                continue
            inner, inner_last = _votes_by_parts(doc, part, top=False)
            tallies[i] = (inner, {quote: at - part.start_byte for quote, at in inner_last.items()})
        for run in _runs(small):
            span = (max(0, parts[run[0]].start_byte - 1), parts[run[-1]].end_byte + 1)
            split = _split(doc, [parts[i] for i in run], _js_strings(doc, node, span), outside=True)
            if split is None:
                return _tally(doc, _js_strings(doc, node), 0)
            for i, counted in zip(run, split, strict=True):
                tallies[i] = counted
    counts: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, (part, known) in enumerate(zip(parts, tallies, strict=True)):
        assert known is not None
        if i in fresh:
            _PARTS.put(part.id, (part, texts[i], known))
        for quote, n in known[0].items():
            counts[quote] = counts.get(quote, 0) + n
            last[quote] = max(last.get(quote, -1), part.start_byte + known[1][quote])
    return counts, last


def _runs(indices: list[int]) -> list[range]:
    """``indices`` (ascending) as runs of consecutive ones."""
    out: list[range] = []
    for i in indices:
        if out and out[-1].stop == i:
            out[-1] = range(out[-1].start, i + 1)
        else:
            out.append(range(i, i + 1))
    return out


def _tally(doc: Document, strings: list[Node], base: int) -> Tally:
    """The votes of ``strings`` as :func:`_vote` counts them; last starts relative to ``base``."""
    counts: dict[str, int] = {}
    last: dict[str, int] = {}
    for node in strings:
        if node.type in _STRINGS:
            raw = doc.data[node.start_byte : node.end_byte].decode("utf-8")
            if "'" not in raw[1:-1] and '"' not in raw[1:-1]:
                quote = raw[0]
                counts[quote] = counts.get(quote, 0) + 1
                last[quote] = max(last.get(quote, -1), node.start_byte - base)
    return counts, last


def _split(doc: Document, parts: list[Node], strings: list[Node], outside: bool) -> list[Tally] | None:
    """The tallies of each of ``parts`` (siblings, in order) from ``strings``, which hold all
    of theirs (and, with ``outside``, some of the siblings' around them: left out); ``None``
    when a string has no length or lies neither wholly in a part nor wholly out of them."""
    starts = [part.start_byte for part in parts]
    found: list[list[Node]] = [[] for _ in parts]
    for string in strings:
        if string.start_byte >= string.end_byte:
            return None
        i = bisect.bisect_right(starts, string.start_byte) - 1
        if i >= 0 and string.end_byte <= parts[i].end_byte:
            found[i].append(string)
        elif not outside or (i >= 0 and string.start_byte < parts[i].end_byte):
            return None
    return [_tally(doc, nodes, part.start_byte) for part, nodes in zip(parts, found, strict=True)]


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
