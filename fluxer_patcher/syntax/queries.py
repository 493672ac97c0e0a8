"""Running the tree-sitter queries of ``queries/``.

Conventions of a query file:

* ``@target`` marks the node a fix edits; one match of a pattern that captures
  ``@target`` is one target.
* Other captures (``@url``, ``@timer``) are values the fix's parameters can refer to as
  ``{url}``; captures starting with ``_`` are private to the query.
* Captures named ``@landmark.<what>`` belong to patterns that only explain drift: when the
  target is not found, the report says which landmarks still exist and where.

Besides tree-sitter's own predicates (``#eq?``, ``#match?``, ``#any-of?`` ...), queries
may use those of :mod:`.predicates`: ``(#inside? @cap "<node type>" "<name>")`` (the
nearest ancestor of that type, ``method_definition``, ``function_declaration`` ..., has that
name) and those the file kinds register (the Dockerfile's ``#stage?`` and ``#last-stage?``).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import importlib
import re
import signal
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxer_patcher.files import read_regular_text
from fluxer_patcher.syntax import anchors as anchoring
from fluxer_patcher.syntax import grammars, predicates, shallow
from fluxer_patcher.syntax.predicates import QueryError

if TYPE_CHECKING:
    from tree_sitter import Node, Query

LANDMARK = "landmark."
_ROW_COL = re.compile(r"\s*at row (\d+), column (\d+)")
@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Ctrl-C while tree-sitter compiles is raised after it: py-tree-sitter turns an interrupt
    inside a ``#match?`` regex compilation into a query error that would blame the query."""
    try:
        old = signal.signal(signal.SIGINT, _note_sigint)
    except ValueError:  # not the main thread
        yield
        return
    _pending.clear()
    try:
        yield
    except Exception:
        if _pending:
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, old)
    if _pending:
        _pending.clear()
        raise KeyboardInterrupt


_pending: list[int] = []


def _note_sigint(signum: int, frame: object) -> None:
    _pending.append(signum)


_REGEX_ARG = re.compile(r'\(#(?:not-)?(?:any-)?match\?\s+@[\w.]+\s+"((?:[^"\\]|\\.)*)"')
_QUERY_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _backtracking_regex(pattern_text: str) -> bool:
    """Whether a ``#match?`` regex of the pattern nests repetition (star height above one:
    ``(a+)+``, ``(a*b?)*``), the shape whose backtracking is exponential.  Python's ``re``
    cannot be stopped once it runs, so such a regex is refused before it runs."""
    sre = importlib.import_module("re._parser")  # the parser ``re`` itself uses

    for raw in _REGEX_ARG.findall(pattern_text):
        text = re.sub(r"\\(.)", lambda m: _QUERY_ESCAPES.get(m.group(1), m.group(1)), raw)
        try:
            parsed = sre.parse(text)
        except re.error:
            continue  # tree-sitter reports a bad regex when it compiles the query
        if _nests_repeats(parsed, inside_repeat=False):
            return True
    return False


_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


def _nests_repeats(items: Any, inside_repeat: bool) -> bool:
    """Walk a parsed regex (``(op, argument)`` items): a repeat of more than one inside another."""
    for op, arg in items:
        if str(op) in _REPEATS:
            _low, high, body = arg
            if high > 1 and inside_repeat:
                return True
            if _nests_repeats(body, inside_repeat or high > 1):
                return True
        elif any(_nests_repeats(sub, inside_repeat) for sub in _subpatterns(arg)):
            return True
    return False


def _subpatterns(arg: Any) -> Iterator[Any]:
    """The parsed sub-expressions inside an item's argument (groups, branches, lookarounds)."""
    if hasattr(arg, "data"):
        yield arg
    elif isinstance(arg, tuple | list):
        for part in arg:
            yield from _subpatterns(part)


def _without_file_text(language: str, what: str) -> str:
    """tree-sitter's message without the text it quotes from the file (an error never prints
    file contents); for an unknown node type or field, the closest names the grammar has."""
    kind, sep, text = what.partition(": ")
    if not sep:
        return what[:80]
    names: list[str] = []
    with contextlib.suppress(Exception):
        lang = grammars.language(language)
        if "field" in kind.lower():
            names = [n for i in range(1, lang.field_count + 1) if (n := lang.field_name_for_id(i))]
        else:
            names = [n for i in range(lang.node_kind_count) if (n := lang.node_kind_for_id(i))]
    close = difflib.get_close_matches(text, sorted(set(names)), n=3)
    return f"{kind}" + (f" (did you mean {', '.join(close)}?)" if close else "")


@dataclass
class Match:
    pattern: int
    captures: dict[str, list[Node]] = field(default_factory=dict)

    def node(self, name: str) -> Node | None:
        nodes = self.captures.get(name)
        return nodes[0] if nodes else None

    @property
    def target(self) -> Node:
        node = self.node("target")
        assert node is not None
        return node


def patterns_of(source: str) -> list[tuple[int, str]]:
    """The top-level patterns of a query source with their line numbers.

    A pattern is a parenthesised or bracketed form plus the captures and quantifiers that
    follow it (``(identifier) @name``)."""
    return list(_patterns_of(source))


@functools.lru_cache(maxsize=256)
def _patterns_of(source: str) -> tuple[tuple[int, str], ...]:
    """:func:`patterns_of`, once per source (a file's text is split when it is read, compiled
    and asked for its captures)."""
    forms: list[tuple[int, str]] = []
    depth, start, i, n = 0, -1, 0, len(source)
    while i < n:
        c = source[i]
        if c == ";":
            i = source.find("\n", i)
            i = n if i == -1 else i
            continue
        if c == '"':
            i += 1
            while i < n and source[i] != '"':
                i += 2 if source[i] == "\\" else 1
        elif c in "([":
            if depth == 0:
                if start >= 0:
                    forms.append((source.count("\n", 0, start) + 1, source[start:i].rstrip()))
                start = i
            depth += 1
        elif c in ")]":
            depth -= 1
        i += 1
    if start >= 0:
        forms.append((source.count("\n", 0, start) + 1, source[start:].rstrip()))
    return tuple(forms)


class QueryFile:
    """One ``.scm`` file: its edit patterns, and its landmark patterns compiled on demand.

    Its edit patterns are one query of their own, compiled shallow (:mod:`.shallow`): a
    query holding the patterns of several files would run all of them on every document
    of the language, a cost that outgrows the ~1 ms tree-sitter takes per compiled query
    (TSX; less for the other grammars).  Landmarks only matter when a fix drifts, so they
    are compiled only then."""

    def __init__(self, language: str, path: Path) -> None:
        self.language = language
        if path in _REWRITTEN:  # a path map's rewrite: its text, the original's name
            path, source = _REWRITTEN[path]
            self.path = path
        else:
            self.path = path
            source = self._read(path)
        self._parse(source)

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return read_regular_text(path)
        except OSError as exc:
            raise QueryError(f"{path}: cannot read query ({exc.strerror or exc})") from None
        except UnicodeDecodeError as exc:
            raise QueryError(f"{path}: cannot read query (not UTF-8 at byte {exc.start})") from None

    def _parse(self, source: str) -> None:
        path = self.path
        main: list[str] = []
        landmarks: list[str] = []
        for line, text in patterns_of(source):
            if "@" not in text or text.startswith("(#"):
                raise QueryError(
                    f"{path}:{line}: pattern captures nothing (a top-level predicate must sit inside "
                    "the pattern's parentheses: `((node) @cap (#eq? @cap \"x\"))`)"
                )
            if _backtracking_regex(text):
                raise QueryError(f"{path}:{line}: a #match? regex repeats a repetition (like `(a+)+`), which can "
                                 "backtrack for ever; write it without nested repeats")
            (landmarks if "@" + LANDMARK in text else main).append(text)
        if not main:
            raise QueryError(f"{path}: no pattern besides landmarks")
        self.source = source
        self.patterns = main
        self.landmark_names = list(dict.fromkeys(re.findall(r"@landmark\.([\w.]+)", "\n".join(landmarks))))
        self._landmark_source = "\n\n".join(landmarks)
        self._query: Query | None = None

    def _compile(self, source: str) -> Query:
        """``source`` (patterns of this file) compiled with its patterns made shallow
        (:mod:`.shallow`); when that fails, as written, and an error names the file's own
        line and column."""
        from tree_sitter import Query

        language = grammars.language(self.language)
        fast = "\n\n".join(shallow.shallow(language, text) for _, text in patterns_of(source))
        try:
            with _sigint_deferred():
                return Query(language, fast)
        except KeyboardInterrupt:
            raise
        except Exception:  # tree_sitter.QueryError and friends: say it of the text as written
            pass
        try:
            return self._as_written(source)
        except QueryError:
            if source != self.source:
                self._as_written(self.source)  # the file's own lines and columns
            raise

    def _as_written(self, source: str) -> Query:
        from tree_sitter import Query

        try:
            with _sigint_deferred():
                return Query(grammars.language(self.language), source)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # tree_sitter.QueryError and friends
            where = _ROW_COL.search(str(exc))
            if where is None:
                raise QueryError(f"{self.path}: invalid {self.language} query: {exc}") from None
            line, col = int(where.group(1)) + 1, int(where.group(2)) + 1
            what = _without_file_text(self.language, _ROW_COL.sub("", str(exc)).strip(" :"))
            raise QueryError(f"{self.path}:{line}:{col}: invalid {self.language} query: {what}") from None

    @cached_property
    def capture_names(self) -> frozenset[str]:
        """Every capture the file's patterns name, landmarks included."""
        return frozenset(re.findall(r"@([\w.]+)", "\n".join(text for _, text in patterns_of(self.source))))

    @property
    def query(self) -> Query:
        """The query of this file's edit patterns."""
        if self._query is None:
            compile_together([self])
        assert self._query is not None
        return self._query

    def run(self, root: Node) -> list[Match]:
        """Matches of this file's edit patterns under ``root``, patterns numbered from 0
        (in a tree, searched where the patterns' anchors are: :mod:`.anchors`)."""
        try:
            found = _run_memoised(self.query, root, self._anchors)
        except MatchLimit as exc:
            raise MatchLimit(f"{self.path}: {exc}") from None
        return [Match(m.pattern, {name: list(nodes) for name, nodes in m.captures.items()}) for m in found]

    @cached_property
    def _anchors(self) -> anchoring.Anchors | None:
        return anchoring.of(self.query, self.patterns)

    @cached_property
    def landmark_query(self) -> Query | None:
        return self._compile(self._landmark_source) if self._landmark_source else None


_REWRITTEN: dict[Path, tuple[Path, str]] = {}


def rewritten(path: Path, source: str) -> Path:
    """A name for the query file ``path`` with ``source`` as its text (a path map rewrites
    the strings of queries): :func:`compile_query` of the name compiles ``source``, and its
    messages name ``path``."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    name = path.with_name(f"{path.name}#{digest}")
    _REWRITTEN[name] = (path, source)
    return name


def original(path: Path) -> Path:
    """The query file a :func:`rewritten` name stands for (``path`` itself otherwise)."""
    return _REWRITTEN[path][0] if path in _REWRITTEN else path


@cache
def compile_query(language: str, path: Path) -> QueryFile:
    """The query file at ``path``, read and checked (compiled on first use)."""
    return QueryFile(language, path)


def compile_together(files: Iterable[QueryFile]) -> None:
    """Compile the edit patterns of ``files`` (each file its own query) that are not yet
    compiled: a run compiles its queries before any fix runs, so a malformed one stops it."""
    for qf in dict.fromkeys(files):
        if qf._query is not None:
            continue
        query = qf._compile("\n\n".join(qf.patterns))
        if query.pattern_count != len(qf.patterns):
            raise QueryError(f"{qf.path}: patterns were miscounted ({len(qf.patterns)} != {query.pattern_count})")
        qf._query = query


# In-progress matches tree-sitter keeps at once.  A pattern whose matches combine (several
# quantified siblings) exceeds it in about a second instead of running for hours; every
# bundled query stays far below.  (py-tree-sitter's progress callback, the other way to
# stop a query, crashes the interpreter in 0.26.)
MATCH_LIMIT = 1024


class MatchLimit(QueryError):
    """A query kept too many matches in progress: its results would be incomplete."""


# The matches of a query under a tree's root, for the steps that run the same (combined) query
# on the same tree: (query, root node) by identity -> matches.  Holding both keeps their
# identities from being reused; a tree edited in place (``Tree.edit``) is not looked up.
_MEMO: OrderedDict[tuple[int, int, int, int], tuple[Query, Node, list[Match]]] = OrderedDict()
_MEMO_SIZE = 16


def _run_memoised(query: Query, root: Node, anchors: anchoring.Anchors | None = None) -> list[Match]:
    """:func:`run`, once per (query, tree root); a node below the root runs each time."""
    if root.parent is not None or root.has_changes:
        return run(query, root)
    key = (id(query), root.id, root.start_byte, root.end_byte)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is query and hit[1] == root:
        _MEMO.move_to_end(key)
        return hit[2]
    found = run(query, root, anchors)
    _MEMO[key] = (query, root, found)
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return found


def run(query: Query, root: Node, anchors: anchoring.Anchors | None = None) -> list[Match]:
    """The matches of ``query`` under ``root``, in document order; with the query's
    ``anchors`` (:func:`.anchors.of`) and ``root`` a tree's root, only the bytes where a match
    can be are searched (the same matches)."""
    from tree_sitter import QueryCursor

    where = None
    if anchors is not None and root.parent is None:
        where = anchoring.span(anchors, root)
        if where == anchoring.NOWHERE:
            return []

    failures: list[QueryError] = []

    def predicate(name: str, args: list[tuple[str, str]], _pattern: int, captures: dict[str, list[Node]]) -> bool:
        # tree-sitter goes on calling after an exception: keep the first, answer no to the rest
        if failures:
            return False
        try:
            return predicates.evaluate(name, args, captures)
        except QueryError as exc:
            failures.append(exc)
            return False

    cursor = QueryCursor(query, match_limit=MATCH_LIMIT)
    if where is not None:
        cursor.set_byte_range(*where)
    found = cursor.matches(root, predicate=predicate)  # type: ignore[call-arg]  # stubs lag behind
    if failures:
        raise failures[0]
    if cursor.did_exceed_match_limit:
        raise MatchLimit(f"more than {MATCH_LIMIT} matches in progress at once (a combinatorial pattern, "
                         "such as several `*` siblings?); its matches would be incomplete")
    matches = [Match(pattern, {name: nodes for name, nodes in captures.items() if not name.startswith(shallow.PRIVATE)})
               for pattern, captures in found]
    matches.sort(key=lambda m: (_first_start(m), m.pattern))
    return matches


def _first_start(match: Match) -> int:
    starts = [nodes[0].start_byte for nodes in match.captures.values() if nodes]
    return min(starts) if starts else 0


def targets(matches: list[Match]) -> list[Match]:
    """One match per ``@target`` node, in document order."""
    found: dict[tuple[int, int], Match] = {}
    for match in matches:
        target = match.node("target")
        if target is None:
            continue
        # Several patterns can match one node (a precise one and a catch-all), or one pattern
        # several times (each entry of a list): merge them, the first match's nodes first.
        key = (target.start_byte, target.end_byte)
        if key in found:
            merged = found[key].captures
            for name, nodes in match.captures.items():
                known = merged.get(name, [])
                merged[name] = known + [n for n in nodes if all(n != k for k in known)]
        else:
            found[key] = match
    return list(found.values())


def landmarks(query_file: QueryFile, root: Node) -> dict[str, list[Node]]:
    """Where each ``@landmark.<name>`` of the file matches (names in file order)."""
    found: dict[str, list[Node]] = {name: [] for name in query_file.landmark_names}
    if query_file.landmark_query is None:
        return found
    for match in run(query_file.landmark_query, root):
        for name, nodes in match.captures.items():
            if name.startswith(LANDMARK):
                seen = found.setdefault(name[len(LANDMARK) :], [])
                seen.extend(n for n in nodes if all(n != other for other in seen))
    return found
