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
from collections.abc import Callable, Iterable, Iterator
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxer_patcher.files import read_regular_text
from fluxer_patcher.record import dataclass, field
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

    Its edit patterns are compiled shallow (:mod:`.shallow`), in one query with those of the
    other files of its language (and kind) that :func:`compile_together` compiles in the same
    call: each compiled query costs tree-sitter a scan of the grammar's parse table, 2.6 ms
    for TSX even when empty (a check's 12 TSX files: 58 ms compiled apart, 20 ms as one).  A
    shared query runs every file's patterns on every document it runs on (tree-sitter tries
    those whose root type a node has); one run per tree serves each file reading it
    (:func:`_run_memoised`), and :meth:`run` keeps the file's own matches, renumbered from 0,
    in the order of its own query.

    The other files' patterns cost little there, measured, except where a pattern's root
    pairs its children (:func:`_pairs_children`): the SSO callback's take 12-15 ms on a 37 KB
    TSX file they never target, whose own query takes 1.4 ms; with them shared, a cold check
    ran 18% more instructions, instead of 8% fewer.  Such a file keeps a query of its own, as
    do the files of a small grammar (:data:`_SHARE_FROM`), where compiling costs nearly
    nothing.  A shared file compiles its own query too for a run the
    shared one cannot answer (more than :data:`MATCH_LIMIT` matches in progress, or a
    predicate's error, among all the files' patterns), so that limits and errors are those
    of the file alone.  Landmarks only matter when a fix drifts, so they are compiled only
    then."""

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
        self._query: Query | None = None  # the file's own query
        self._shared: Query | None = None  # or the query it shares (compile_together) ...
        self._first = 0  # ... where its patterns start
        self._shared_anchors: anchoring.Anchors | None = None  # ... and its anchors (.anchors)

    @property
    def compiled(self) -> bool:
        return self._query is not None or self._shared is not None

    def _compile(self, source: str) -> Query:
        """``source`` (patterns of this file) compiled with its patterns made shallow
        (:mod:`.shallow`); when that fails, as written, and an error names the file's own
        line and column."""
        from tree_sitter import Query

        fast = "\n\n".join(_shallow_patterns(self.language, source))
        try:
            with _sigint_deferred():
                return Query(grammars.language(self.language), fast)
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

    @cached_property
    def pairs_children(self) -> bool:
        """Whether an edit pattern's root pairs its children (:func:`_pairs_children`)."""
        return any(_pairs_children(text) for text in self.patterns)

    def _compile_alone(self) -> None:
        query = self._compile("\n\n".join(self.patterns))
        if query.pattern_count != len(self.patterns):
            raise QueryError(f"{self.path}: patterns were miscounted ({len(self.patterns)} != {query.pattern_count})")
        self._query = query

    @property
    def query(self) -> Query:
        """The query of this file's edit patterns alone (compiled on first use; a file that
        shares a query compiles its own only for a run the shared query cannot answer)."""
        if self._query is None:
            self._compile_alone()
        assert self._query is not None
        return self._query

    def run(self, root: Node) -> list[Match]:
        """Matches of this file's edit patterns under ``root``, patterns numbered from 0
        (in a tree, searched where the patterns' anchors are: :mod:`.anchors`; a shared query's
        are those of every file's patterns in it)."""
        if not self.compiled:
            compile_together([self])
        if self._shared is not None:
            shared = _run_memoised(self._shared, root, self._shared_anchors, quiet=True)
            if shared is not None:
                first, end = self._first, self._first + len(self.patterns)
                return [Match(m.pattern - first, {name: list(nodes) for name, nodes in m.captures.items()})
                        for m in shared if first <= m.pattern < end]
            # Too many matches in progress, or a predicate failed, among the patterns of all the
            # files: the file's own query runs, to stop (or not) as it would alone.
        try:
            found = _run_memoised(self.query, root, self._anchors)
        except MatchLimit as exc:
            raise MatchLimit(f"{self.path}: {exc}") from None
        assert found is not None
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


def compile_together(files: Iterable[QueryFile], kind: Callable[[QueryFile], object] | None = None) -> None:
    """Compile the edit patterns of ``files`` that are not yet compiled, those of a language
    and of a ``kind`` (what they run on: documents, targets) as one query, but for the files
    :class:`QueryFile` says keep their own: a run compiles its queries before any fix runs, so
    a malformed one stops it.  When a shared query does not compile, its files compile alone,
    in the order given, so that an error names the file, line and column as it would alone."""
    pending = [qf for qf in dict.fromkeys(files) if not qf.compiled]
    groups: dict[tuple[str, object], list[QueryFile]] = {}
    for qf in pending:
        if _may_share(qf):
            groups.setdefault((qf.language, kind(qf) if kind is not None else None), []).append(qf)
    shared = {qf for group in groups.values() if len(group) > 1 and _share(group) for qf in group}
    for qf in pending:
        if qf not in shared:
            qf._compile_alone()


def _may_share(qf: QueryFile) -> bool:
    try:
        states = grammars.language(qf.language).parse_state_count
    except Exception:  # its own compile says what is wrong
        return False
    return states >= _SHARE_FROM and not qf.pairs_children


# Parse states of the smallest grammar whose files share a query: below, tree-sitter compiles
# one in hundredths of a millisecond (Dockerfile, JSON), so that sharing would save nothing
# and run every file's patterns (the Dockerfile's predicates in Python) on every document.
_SHARE_FROM = 1000


_ROOT = re.compile(r"\([A-Za-z_][\w.-]*")  # a node's "(" and type
_FIELD_NAME = re.compile(r"!?[A-Za-z_][\w.]*\s*:?")


def _pairs_children(pattern: str) -> bool:
    """Whether the root node of ``pattern`` (one top-level pattern) has two child patterns
    without a field and no anchor (``.``) between them, like ``(statement_block
    (lexical_declaration ...) (expression_statement ...))``.  tree-sitter then tries, at every
    node of the root's type, each later child with each child that matched the first: the
    cost grows with the square of a block's length, in every document of the language."""
    root = _ROOT.search(pattern)
    if root is None:
        return False
    depth, fielded, pending, i, n = 0, False, False, root.end(), len(pattern)  # after the root's type
    while i < n:
        c = pattern[i]
        if c == ";":
            i = pattern.find("\n", i)
            i = n if i == -1 else i
            continue
        child = False
        if c == '"':
            child = depth == 0
            i += 1
            while i < n and pattern[i] != '"':
                i += 2 if pattern[i] == "\\" else 1
        elif c in "([":
            child = depth == 0 and pattern[i + 1 : i + 2] != "#"
            depth += 1
        elif c in ")]":
            if depth == 0:
                return False  # the root's end
            depth -= 1
        elif depth == 0 and c == ".":
            pending = False
        elif depth == 0 and c == "_" and not pattern[i + 1 : i + 2].isalnum():
            child = True
        elif depth == 0 and (c.isalpha() or c == "!"):
            word = _FIELD_NAME.match(pattern, i)
            if word is not None:
                fielded = word.group().endswith(":")
                i = word.end()
                continue
        if child:
            if not fielded:
                if pending:
                    return True
                pending = True
            fielded = False
        i += 1
    return False


def _shallow_patterns(language: str, source: str) -> list[str]:
    grammar = grammars.language(language)
    return [shallow.shallow(grammar, text) for _, text in patterns_of(source)]


def _share(group: list[QueryFile]) -> bool:
    """Compile the edit patterns of ``group`` (files of one language) as one query, each
    file's patterns after the previous file's; False when that query does not compile or its
    patterns are not the files' (each must start where its text does)."""
    from tree_sitter import Query

    try:
        texts = [_shallow_patterns(qf.language, "\n\n".join(qf.patterns)) for qf in group]
        patterns = [text for file_texts in texts for text in file_texts]
        with _sigint_deferred():
            query = Query(grammars.language(group[0].language), "\n\n".join(patterns))
    except KeyboardInterrupt:
        raise
    except Exception:  # tree_sitter.QueryError and friends: each file alone says where
        return False
    starts, at = [], 0
    for text in patterns:
        starts.append(at)
        at += len(text.encode("utf-8")) + 2
    if (any(len(file_texts) != len(qf.patterns) for qf, file_texts in zip(group, texts, strict=True))
            or query.pattern_count != len(patterns)
            or any(query.start_byte_for_pattern(i) != start for i, start in enumerate(starts))):
        return False
    anchors = anchoring.of(query, [text for qf in group for text in qf.patterns])
    first = 0
    for qf in group:
        qf._shared, qf._first, qf._shared_anchors = query, first, anchors
        first += len(qf.patterns)
    return True


# In-progress matches tree-sitter keeps at once.  A pattern whose matches combine (several
# quantified siblings) exceeds it in about a second instead of running for hours; every
# bundled query stays far below.  (py-tree-sitter's progress callback, the other way to
# stop a query, crashes the interpreter in 0.26.)
MATCH_LIMIT = 1024


class MatchLimit(QueryError):
    """A query kept too many matches in progress: its results would be incomplete."""


# The matches of a query under a tree's root, for the steps that run the same (shared) query
# on the same tree: (query, root node) by identity -> matches.  Holding both keeps their
# identities from being reused; a tree edited in place (``Tree.edit``) is not looked up.
_MEMO: OrderedDict[tuple[int, int, int, int], tuple[Query, Node, list[Match] | None]] = OrderedDict()
_MEMO_SIZE = 16


def _run_memoised(query: Query, root: Node, anchors: anchoring.Anchors | None = None, *,
                  quiet: bool = False) -> list[Match] | None:
    """:func:`run`, once per (query, tree root); a node below the root runs each time.  With
    ``quiet``, a run that fails (:class:`MatchLimit`, a predicate's error) gives None."""
    if root.parent is not None or root.has_changes:
        return _attempt(query, root, None, quiet)
    key = (id(query), root.id, root.start_byte, root.end_byte)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is query and hit[1] == root:
        _MEMO.move_to_end(key)
        return hit[2]
    found = _attempt(query, root, anchors, quiet)
    _MEMO[key] = (query, root, found)
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return found


def _attempt(query: Query, root: Node, anchors: anchoring.Anchors | None, quiet: bool) -> list[Match] | None:
    if not quiet:
        return run(query, root, anchors)
    try:
        return run(query, root, anchors)
    except Exception:  # MatchLimit, a predicate's error: the caller runs its own query
        return None


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
