"""The tree-sitter grammars fixes can name, loaded on first use.

A grammar module is imported only when a fix that needs it runs, so ``fluxer-patch list``
and a run that touches only TypeScript never pay for the Dockerfile or YAML grammars.
"""

from __future__ import annotations

import bisect
import importlib
import re
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Language, Parser, Range, Tree


@dataclass(frozen=True)
class Grammar:
    module: str
    function: str
    # How to embed an expression snippet so that it parses on its own, and where it sits.
    expression_wrapper: tuple[str, str] | None = None
    # The grammar reports errors on some valid files: the engine then refuses only edits
    # that add errors, instead of files that have any.
    rejects_valid: bool = False
    # The grammar reads white space at the end of a line as part of the line (a `\` before
    # CRLF or before trailing blanks is no continuation; a COPY ending in blanks swallows the
    # lines after it): parse with those bytes left out of the parser's ranges, as Docker's
    # own parser ignores them. Offsets stay those of the file.
    line_ends_blind: bool = False


GRAMMARS: dict[str, Grammar] = {
    "typescript": Grammar("tree_sitter_typescript", "language_typescript", ("(\n", "\n);\n")),
    "tsx": Grammar("tree_sitter_typescript", "language_tsx", ("(\n", "\n);\n")),
    "javascript": Grammar("tree_sitter_javascript", "language", ("(\n", "\n);\n")),
    # tree-sitter-dockerfile 0.2.0 (the latest release) has ERROR nodes for valid flags
    # without a value (`COPY --link`, `COPY --parents`); the real upstream file parses clean.
    # It knows no CRLF line continuation and lets trailing blanks join lines (see above).
    "dockerfile": Grammar("tree_sitter_dockerfile", "language", rejects_valid=True, line_ends_blind=True),
    "json": Grammar("tree_sitter_json", "language"),
    "yaml": Grammar("tree_sitter_yaml", "language"),
    # tree-sitter-language-pack 0.13 ships its grammars compiled in the wheel; importing one
    # binding loads that grammar alone (1.x downloads grammars at first use instead).
    "erlang": Grammar("tree_sitter_language_pack.bindings.erlang", "language"),
}

# Grammars of languages embedded in file kinds, not file kinds of their own (manifests
# cannot name them): the shell scripts of Dockerfile RUN instructions.
EMBEDDED: dict[str, Grammar] = {
    "bash": Grammar("tree_sitter_bash", "language"),
}

# The families whose strings, comments and statements the JS edit primitives understand.
JS_FAMILY = frozenset({"typescript", "tsx", "javascript"})


class UnknownLanguage(ValueError):
    """A language name no grammar is known for (the catalogue checks names when it loads)."""


@cache
def language(name: str) -> Language:
    from tree_sitter import Language

    try:
        grammar = GRAMMARS[name] if name in GRAMMARS else EMBEDDED[name]
    except KeyError:
        raise UnknownLanguage(f"unknown language {name!r} (known: {', '.join(sorted(GRAMMARS))})") from None
    module = importlib.import_module(grammar.module)
    with warnings.catch_warnings():
        # tree-sitter-dockerfile 0.2.0 hands over its language as an int, which tree-sitter
        # 0.26 still takes but flags as deprecated (pinned below 0.27 in pyproject.toml).
        warnings.filterwarnings("ignore", "int argument support is deprecated", DeprecationWarning)
        return Language(getattr(module, grammar.function)())


@cache
def parser(name: str) -> Parser:
    from tree_sitter import Parser

    return Parser(language(name))


_LINE_END_BLANKS = re.compile(rb"[ \t\r]+(?=\n)|[ \t\r]+\Z")


def _without_line_end_blanks(data: bytes) -> list[Range] | None:
    """The byte ranges of ``data`` minus the blanks (and CR) that end its lines; None: none."""
    from tree_sitter import Point, Range

    gaps = [(m.start(), m.end()) for m in _LINE_END_BLANKS.finditer(data)]
    if not gaps:
        return None
    spans, start = [], 0
    for gap_start, gap_end in gaps:
        if gap_start > start:
            spans.append((start, gap_start))
        start = gap_end
    if start < len(data) or not spans:
        spans.append((start, len(data)))

    starts = [0, *(m.end() for m in re.finditer(rb"\n", data))]

    def point(offset: int) -> Point:
        row = bisect.bisect_right(starts, offset) - 1
        return Point(row, offset - starts[row])

    return [Range(point(a), point(b), a, b) for a, b in spans]


def parse(name: str, data: bytes) -> Tree:
    if name in GRAMMARS and GRAMMARS[name].line_ends_blind:
        ranges = _without_line_end_blanks(data)
        if ranges is not None:
            from tree_sitter import Parser

            ranged = Parser(language(name))
            ranged.included_ranges = ranges
            return ranged.parse(data)
    return parser(name).parse(data)
