"""The tree-sitter grammars fixes can name, loaded on first use.

A grammar module is imported only when a fix that needs it runs, so ``fluxer-patch list``
and a run that touches only TypeScript never pay for the Dockerfile or YAML grammars.
"""

from __future__ import annotations

import bisect
import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys
import warnings
from functools import cache
from typing import TYPE_CHECKING

from fluxer_patcher.memo import Memo
from fluxer_patcher.record import dataclass

if TYPE_CHECKING:
    from types import ModuleType

    from tree_sitter import Language, Parser, Point, Range, Tree


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
    module = _binding(grammar.module)
    with warnings.catch_warnings():
        # tree-sitter-dockerfile 0.2.0 hands over its language as an int, which tree-sitter
        # 0.26 still takes but flags as deprecated (pinned below 0.27 in pyproject.toml).
        warnings.filterwarnings("ignore", "int argument support is deprecated", DeprecationWarning)
        return Language(getattr(module, grammar.function)())


def _binding(name: str) -> ModuleType:
    """The compiled binding that holds the grammar module ``name``'s language functions.

    Loaded from its file without running the ``__init__`` of the packages above it, which
    import what the tool never uses (``importlib.resources`` for their bundled queries;
    the language pack ``ctypes`` and three other grammars): ``pkg._binding`` for a grammar
    package ``pkg``, the module itself when it is the binding.  Imported the usual way when
    no such file is found."""
    top = name.partition(".")[0]
    spec = importlib.util.find_spec(top) if top not in sys.modules else None
    places = spec.submodule_search_locations if spec is not None else None
    if places:
        for module in (f"{name}._binding", name):
            if module in sys.modules:
                return sys.modules[module]
            parts = module.split(".")[1:]
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = os.path.join(places[0], *parts[:-1], parts[-1] + suffix)
                if not os.path.isfile(path):
                    continue
                found = importlib.util.spec_from_file_location(module, path)
                if found is None or found.loader is None:
                    continue
                loaded = importlib.util.module_from_spec(found)
                sys.modules[module] = loaded
                found.loader.exec_module(loaded)
                return loaded
    return importlib.import_module(name)


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


# Trees of the texts parsed in this process, by (language, bytes): a fix's steps, the syntax
# check after an edit and the next fix reading the staged text all ask for the same trees.
# Bounded (oldest first out), since a drift walk parses many revisions in one process.
_TREES: Memo[tuple[str, bytes], Tree] = Memo(512)


def parse(name: str, data: bytes, old: tuple[bytes, Tree] | None = None) -> Tree:
    """The tree of ``data`` in language ``name``, parsed once per distinct text.

    ``old``: an earlier text and its tree, which ``data`` was made from by an edit; the
    changed span is re-parsed incrementally instead of the whole text (same tree).
    Trees are shared: never ``edit`` one handed out here (copy it first).
    """
    return _TREES.get((name, data), lambda: _parse(name, data, old))


def forget_trees() -> None:
    """Empty the parse cache: later parses make new trees."""
    _TREES.clear()


def _parse(name: str, data: bytes, old: tuple[bytes, Tree] | None) -> Tree:
    if name in GRAMMARS and GRAMMARS[name].line_ends_blind:
        ranges = _without_line_end_blanks(data)
        if ranges is not None:
            from tree_sitter import Parser

            ranged = Parser(language(name))
            ranged.included_ranges = ranges
            return ranged.parse(data)
    if old is not None:
        edited = _edited(*old, data)
        if edited is not None:
            return parser(name).parse(data, edited)
    return parser(name).parse(data)


def _point(data: bytes, offset: int) -> Point:
    from tree_sitter import Point

    row = data.count(b"\n", 0, offset)
    return Point(row, offset - (data.rfind(b"\n", 0, offset) + 1))


def _edited(before: bytes, tree: Tree, after: bytes) -> Tree | None:
    """A copy of ``tree`` (of ``before``) told of the one span in which ``after`` differs:
    the common prefix and suffix of the two texts stay; None when the texts are equal."""
    if before == after:
        return None
    limit = min(len(before), len(after))
    start = _common(before, after, limit, suffix=False)
    end = _common(before, after, limit - start, suffix=True)
    old_end, new_end = len(before) - end, len(after) - end
    edited = tree.copy()
    edited.edit(
        start_byte=start,
        old_end_byte=old_end,
        new_end_byte=new_end,
        start_point=_point(before, start),
        old_end_point=_point(before, old_end),
        new_end_point=_point(after, new_end),
    )
    return edited


def _common(a: bytes, b: bytes, limit: int, *, suffix: bool) -> int:
    """The length, at most ``limit``, of the common prefix (or suffix) of ``a`` and ``b``."""
    lo, hi = 0, limit
    while lo < hi:  # a and b agree on their first (last) lo bytes
        mid = (lo + hi + 1) // 2
        same = a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo] if suffix else a[lo:mid] == b[lo:mid]
        if same:
            lo = mid
        else:
            hi = mid - 1
    return lo
