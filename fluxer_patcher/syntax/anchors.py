"""Where in a file a query can match at all: its patterns' anchors, literals each match contains.

A pattern that says ``(#eq? @name "cspDirectives")`` of a capture every match has (its
quantifier is one, or one or more) matches only where the file holds ``cspDirectives``: the
captured node's text is that literal, and the node lies inside the node the pattern matched
(its root, the pattern having one).  So every match's root contains an occurrence of the
literal, and a query cursor restricted to the bytes from the first occurrence to the end of
the last one (tree-sitter starts a rooted pattern at each node that intersects its range,
and follows a started match wherever its nodes are) finds every match the whole tree has,
the same, in the same order; on a file of thousands of nodes it visits a few hundred.  A
file that holds no occurrence of an anchor has no match of that pattern.

What else could differ is kept the same:

* predicates of ours (Python, :mod:`.predicates`) can raise; a literal is an anchor only when
  it comes before every such predicate of its pattern (tree-sitter's own text predicates,
  ``#eq?``, ``#match?``, ``#any-of?`` and their negations, run in C and never raise), so a
  candidate outside the range, which fails its anchor, never reaches them, in the whole tree
  either;
* a pattern without an anchor (no such ``#eq?``, a literal with an escape, a capture that
  may be missing, several roots) leaves the whole query to run on the whole tree.

The one answer that is not the same: a query whose run on the whole tree gives up
(:class:`~fluxer_patcher.syntax.queries.MatchLimit`, more than 1,024 matches in progress at
once) because of nodes far from every anchor answers when restricted (no bundled query comes
near the limit; a fork's combinatorial pattern gives up where its matches are).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node, Query

# The predicates py-tree-sitter evaluates itself (in C, from the query's strings and the
# captured nodes' text); any other goes to the Python callback.
BUILTIN = frozenset({
    "eq?", "not-eq?", "any-eq?", "any-not-eq?", "match?", "not-match?", "any-match?", "any-not-match?",
    "any-of?", "not-any-of?",
})
# tree-sitter's identifier characters (captures, predicate names, bare words)
_WORD = re.compile(r"[A-Za-z0-9_\-.?!]+")
_ALWAYS = ("", "+")  # capture quantifiers of a capture every match has: one, one or more

Arg = tuple[str, str]  # (value, "capture" | "string" | "word")
Anchors = tuple[tuple[bytes, ...], ...]  # per pattern, its anchor literals


def predicates_of(pattern: str) -> list[tuple[str, tuple[Arg, ...]]] | None:
    """The predicates of one pattern's text, in the order written (the order tree-sitter
    keeps and runs them in): ``(name, args)``, a string argument as written between its
    quotes.  ``None`` when the text holds anything this reader does not know."""
    found: list[tuple[str, tuple[Arg, ...]]] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == ";":
            end = pattern.find("\n", i)
            i = n if end == -1 else end + 1
        elif c == '"':
            end = _string_end(pattern, i)
            if end < 0:
                return None
            i = end
        elif c == "(":
            after = _blank_end(pattern, i + 1)
            if pattern.startswith("#", after):
                if after != i + 1:
                    return None  # `( #eq? ...)`: a spelling this reader leaves alone
                parsed = _predicate(pattern, i + 2)
                if parsed is None:
                    return None
                name, args, i = parsed
                found.append((name, args))
            else:
                i += 1
        else:
            i += 1
    return found


def _blank_end(text: str, at: int) -> int:
    """The index of the first character at or after ``at`` that is neither blank nor in a comment."""
    while at < len(text):
        if text[at].isspace():
            at += 1
        elif text[at] == ";":
            end = text.find("\n", at)
            at = len(text) if end == -1 else end + 1
        else:
            break
    return at


def _string_end(text: str, start: int) -> int:
    """The index after the string literal opening at ``start``; -1 when it never closes."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    return -1


def _predicate(text: str, at: int) -> tuple[str, tuple[Arg, ...], int] | None:
    """The predicate whose name starts at ``at`` (after ``(#``): its name, its arguments and
    the index after its ``)``; ``None`` for anything but captures, strings and bare words."""
    name = _WORD.match(text, at)
    if name is None:
        return None
    args: list[Arg] = []
    i = name.end()
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c == ")":
            return name.group(), tuple(args), i + 1
        elif c == "@":
            capture = _WORD.match(text, i + 1)
            if capture is None:
                return None
            args.append((capture.group(), "capture"))
            i = capture.end()
        elif c == '"':
            end = _string_end(text, i)
            if end < 0:
                return None
            args.append((text[i + 1 : end - 1], "string"))
            i = end
        else:
            word = _WORD.match(text, i)
            if word is None:
                return None
            args.append((word.group(), "word"))
            i = word.end()
    return None


def of(query: Query, patterns: list[str]) -> Anchors | None:
    """Per pattern of ``query`` (compiled from ``patterns``, one text each, in order), the
    literals of its anchors; ``None`` when one pattern has none (the query then runs whole)."""
    if query.pattern_count != len(patterns):
        return None
    captures = {query.capture_name(k): k for k in range(query.capture_count)}
    out: list[tuple[bytes, ...]] = []
    for index, text in enumerate(patterns):
        found = predicates_of(text)
        if found is None or not query.is_pattern_rooted(index):
            return None
        literals: list[bytes] = []
        for name, args in found:
            if name not in BUILTIN:
                break  # a predicate of ours: no later literal may keep a candidate from it
            if name != "eq?" or len(args) != 2 or args[0][1] != "capture" or args[1][1] != "string":
                continue
            literal, capture = args[1][0], captures.get(args[0][0])
            if not literal or "\\" in literal or capture is None:
                continue
            try:
                quantifier = query.capture_quantifier(index, capture)
            except SystemError:  # py-tree-sitter 0.26 has no name for "not in this pattern"
                continue
            if quantifier in _ALWAYS:
                literals.append(literal.encode("utf-8"))
        if not literals:
            return None
        out.append(tuple(dict.fromkeys(literals)))
    return tuple(out)


NOWHERE = (0, 0)  # no pattern can match: no run at all


def span(anchors: Anchors, root: Node) -> tuple[int, int] | None:
    """The bytes of ``root``'s tree a cursor must search to find every match of a query with
    ``anchors``: from the first occurrence of a pattern's rarest-spread anchor to the end of
    its last, over every pattern that can match; :data:`NOWHERE` when none can; ``None``
    (all of them) for a tree without its text (tree-sitter then checks no predicate)."""
    text = root.text
    if text is None:
        return None
    lo = hi = -1
    for literals in anchors:
        best: tuple[int, int] | None = None
        for literal in literals:
            first = text.find(literal)
            if first < 0:  # the pattern has no match here
                best = None
                break
            last = text.rfind(literal) + len(literal)
            if best is None or last - first < best[1] - best[0]:
                best = (first, last)
        if best is None:
            continue
        lo = best[0] if lo < 0 else min(lo, best[0])
        hi = max(hi, best[1])
    if lo < 0:
        return NOWHERE
    return root.start_byte + lo, root.start_byte + hi
