"""Drift reasons a maintainer can act on.

The engine says what it did not find.  Here, for a drifted fix on a tree that can be
searched (a git revision), the reason gains what to look at next:

* the target file is gone: where a file of the same name is now, and whether the fix's
  query matches there or in another file that holds the query's names ("moved to X?");
* the query matched nothing: which of its landmark names are gone, and which similar
  names the file has instead ("renamed to Y?");
* the query matched, but not the names the step's ``where`` picks: which similar names the
  query finds in their place.

Files that are not UTF-8 text are never searched: the engine does not edit them either.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable

from fluxer_patcher.catalogue.manifest import Patch, Step
from fluxer_patcher.catalogue.pathmap import PathMap
from fluxer_patcher.engine import locate
from fluxer_patcher.model import Outcome, Reason, ReasonKind
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.source.base import Source, SourceError
from fluxer_patcher.syntax import queries
from fluxer_patcher.syntax.document import Document

# Where files of a language live, for searching a tree by the fix's query.
GLOBS: dict[str, tuple[str, ...]] = {
    "typescript": ("*.ts", "*.tsx", "*.mts", "*.cts"),
    "tsx": ("*.tsx", "*.ts", "*.mts", "*.cts"),
    "javascript": ("*.js", "*.mjs", "*.cjs", "*.jsx"),
    "dockerfile": ("Dockerfile", "*.Dockerfile", "*.dockerfile", "Dockerfile.*"),
    "json": ("*.json",),
    "yaml": ("*.yaml", "*.yml"),
    "erlang": ("*.erl", "*.hrl"),
}
MAX_CANDIDATES = 25
_PREDICATE = re.compile(r'\(#(?:eq|inside)\?\s+@[\w.]+((?:\s+"[^"]*")+)\s*\)')
_STRING = re.compile(r'"([^"]*)"')
_CAPTURE = re.compile(r"@([\w.]+)")
_WORD = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_CHAIN = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")


@runtime_checkable
class Searchable(Protocol):
    """A tree whose every file can be listed and searched (a :class:`GitRevision`)."""

    def paths(self) -> list[str]: ...

    def grep(self, literals: Sequence[str], globs: Sequence[str]) -> list[str]: ...


@cache
def pattern_literals(language: str, path: Path) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """Per pattern of a query: its capture names and the names its predicates pin (``#eq?``, ``#inside?``)."""
    query_file = queries.compile_query(language, path)  # a malformed query fails here, as in the engine
    out = []
    for _line, text in queries.patterns_of(query_file.source):
        literals = tuple(_STRING.findall(m.group(1))[-1] for m in _PREDICATE.finditer(text))
        out.append((frozenset(_CAPTURE.findall(text)), literals))
    return tuple(out)


def reason(source: Source, patch: Patch, outcome: Outcome, why: Reason) -> Reason:
    """``why``, with hints appended when the fix drifted (a missing file then becomes
    ``moved`` or ``removed-upstream`` by what the search found)."""
    if outcome is not Outcome.DRIFTED:
        return why
    try:
        found = _hints(source, patch)
    except SourceError:
        return why
    return found.reason(why)


class ResultLike(Protocol):
    patch: Patch
    outcome: Outcome
    reason: Reason


def explain_all(source: Source, results: Sequence[ResultLike]) -> PathMap:
    """Hints for every drifted result of one run, and the directory renames they show.

    A fix whose file is gone but whose query and landmarks match at the same path under
    another directory (``fluxer_app/rspack.config.mjs`` at ``apps/web/rspack.config.mjs``)
    shows a rename (``fluxer_app`` -> ``apps/web``); its hint says which ``--path-map`` to
    pass.  The renames all such fixes show are then tried on the fixes that found no single
    file (a query that names the renamed directory itself, another service's Dockerfile of
    the same name): a file found so is named with the renames that led to it.  Nothing is
    ever edited at a guessed path."""
    found: dict[int, _Found] = {}
    for i, result in enumerate(results):
        if result.outcome is Outcome.DRIFTED:
            try:
                found[i] = _hints(source, result.patch)
            except SourceError:
                continue
    renames = _renames(f.rename for f in found.values())
    if renames and isinstance(source, Searchable):
        for i, hint in found.items():
            if hint.missing is not None and hint.rename is None:
                try:
                    found[i] = _with_renames(source, results[i].patch, renames) or hint
                except SourceError:
                    continue
    for i, hint in found.items():
        results[i].reason = hint.reason(results[i].reason)
    return renames


def path_map_advice(renames: PathMap) -> list[str]:
    """The lines that tell how to map the renames a run found."""
    if not renames:
        return []
    flags = " ".join(f"--path-map {old}={new}" for old, new in renames.entries)
    table = "".join(f'\n  "{old}" = "{new}"' for old, new in renames.entries)
    return [f"this tree seems to keep directories the fixes name under other names "
            f"({', '.join(f'{o} -> {n}' for o, n in renames.entries)}); if so, run again with {flags}, "
            f"or put them in the checkout's .fluxer-patch.toml:\n  [paths]{table}"]


@dataclass
class _Found:
    kind: ReasonKind | None = None
    hints: list[str] = field(default_factory=list)
    missing: Step | None = None  # the step whose file is gone
    rename: tuple[str, str] | None = None  # the directory rename its one candidate shows

    def reason(self, why: Reason) -> Reason:
        if not self.hints:
            return why
        return Reason(self.kind or why.kind, "; ".join([why.text, *self.hints]))


def _hints(source: Source, patch: Patch) -> _Found:
    for step in patch.steps:
        if not source.is_file(step.file):
            if not isinstance(source, Searchable):
                return _Found()
            kind, hint, to = _moved(source, step)
            rename = rename_of(step.file, to) if to is not None else None
            if rename is not None:
                hint += f"; if that directory was renamed, pass --path-map {rename[0]}={rename[1]}"
            return _Found(kind, [hint], step, rename)
    for step in patch.steps:
        hint = renamed(source, step)
        if hint:
            return _Found(None, [hint])
    return _Found()


def rename_of(old: str, new: str) -> tuple[str, str] | None:
    """The rename of leading directories that takes ``old`` to ``new`` (``fluxer_app/a/b.mjs``
    -> ``apps/web/a/b.mjs``: ``fluxer_app`` -> ``apps/web``); ``None`` unless the paths share
    the file name and differ from their first directory on."""
    a, b = old.split("/"), new.split("/")
    if a[-1] != b[-1]:
        return None
    while len(a) > 1 and len(b) > 1 and a[-1] == b[-1]:
        a.pop()
        b.pop()
    if a[-1] == b[-1] or a[0] == b[0]:
        return None
    return "/".join(a), "/".join(b)


def _renames(found: Iterable[tuple[str, str] | None]) -> PathMap:
    """The renames fixes agree on (a directory two fixes see renamed differently is left out)."""
    seen: dict[str, set[str]] = {}
    for rename in found:
        if rename is not None:
            seen.setdefault(rename[0], set()).add(rename[1])
    return PathMap.of((old, news.pop()) for old, news in sorted(seen.items()) if len(news) == 1)


def _with_renames(source: Source, patch: Patch, renames: PathMap) -> _Found | None:
    """The hint for ``patch`` when the tree renamed what ``renames`` says."""
    mapped = renames.patch(patch)
    for step, step_there in zip(patch.steps, mapped.steps, strict=True):
        if source.is_file(step.file):
            continue
        if step_there.file == step.file or not source.is_file(step_there.file):
            return None
        evidence = _query_evidence(source, step_there, step_there.file)
        if evidence in (None, _NOT_TEXT) and step.query is not None:
            return None
        used = [(o, n) for o, n in renames.entries if PathMap.of([(o, n)]).patch(patch) != patch]
        flags = " ".join(f"--path-map {o}={n}" for o, n in used)
        at = f"the fix's query matches at {evidence}" if evidence else "same file name"
        return _Found(ReasonKind.MOVED, [f"moved to {step_there.file}? ({at} once mapped with {flags}, "
                                         "the renames other fixes' files show)"], step)
    return None


# -- target file gone -------------------------------------------------------------------


_NOT_TEXT = "not UTF-8 text"


def _document(source: Source, path: str, language: str) -> Document | str | None:
    """``path`` as a document; ``None`` when it cannot be read, ``_NOT_TEXT`` when it is not UTF-8."""
    try:
        data = source.read(path)
    except SourceError:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _NOT_TEXT
    return Document(path, data, language)


def _query_evidence(source: Source, step: Step, path: str) -> str | None:
    """Where the step's query finds its target(s) in ``path``, ``None`` when it does not,
    ``_NOT_TEXT`` when the file is not UTF-8."""
    if step.query is None or step.language is None:
        return None
    doc = _document(source, path, step.language)
    if not isinstance(doc, Document):
        return doc
    targets = locate.located(step, doc)
    if not targets or not step.expect.admits(len(targets)):
        return None
    # A file where the query matches but the fix's landmarks (the enclosing function, the
    # names it pins) are not all there is another file that happens to match, not the moved one.
    landmarks = queries.landmarks(queries.compile_query(step.language, step.query), doc.root)
    if any(not nodes for nodes in landmarks.values()):
        return None
    return ", ".join(doc.loc(m.target) for m in targets[:3])


def _grep_candidates(source: Searchable, step: Step) -> list[str]:
    if step.query is None or step.language is None:
        return []
    globs = GLOBS.get(step.language, ())
    found: dict[str, None] = {}
    for captures, literals in pattern_literals(step.language, step.query):
        if "target" in captures and literals:
            found.update(dict.fromkeys(source.grep(sorted(set(literals)), globs)))
    return list(found)


def _moved(source: Source, step: Step) -> tuple[ReasonKind, str, str | None]:
    """Where the file of ``step`` may have gone, with the evidence, and the one file it names
    when the fix's query and landmarks match there."""
    assert isinstance(source, Searchable)
    name = posixpath.basename(step.file)
    stem = posixpath.splitext(name)[0]
    suffixes = {g[1:] for g in GLOBS.get(step.language or "", ()) if g.startswith("*.")}
    same_name, like_name = [], []
    for path in source.paths():
        base, ext = posixpath.splitext(posixpath.basename(path))
        if path == step.file:
            continue
        if base + ext == name:
            same_name.append(path)
        elif base == stem and ext in suffixes:
            like_name.append(path)
    candidates = list(dict.fromkeys([*same_name, *like_name, *_grep_candidates(source, step)]))[:MAX_CANDIDATES]
    evidence = {p: _query_evidence(source, step, p) for p in candidates}
    matching = [p for p in candidates if evidence[p] not in (None, _NOT_TEXT)]

    def why(path: str) -> str:
        parts = ["same file name"] if path in same_name else ["same name, other extension"] if path in like_name else []
        if evidence[path] == _NOT_TEXT:
            parts.append(f"{_NOT_TEXT}, which no fix edits")
        elif evidence[path]:
            parts.append(f"the fix's query matches at {evidence[path]}")
        elif step.query is not None:
            parts.append("the fix's query does not match there")
        return "; ".join(parts)

    unreadable = [p for p in [*same_name, *like_name] if evidence[p] == _NOT_TEXT]  # named, cannot be searched
    ranked = sorted(matching, key=lambda p: (p not in same_name, p not in like_name)) + unreadable
    if step.query is None:
        ranked = ranked or same_name or like_name
    if not ranked:
        query = queries.original(step.query).name if step.query is not None else None
        searched = f" where {query} and its landmarks match" if query is not None else ""
        others = [p for p in [*same_name, *like_name] if p not in ranked][:3]
        not_it = f" ({', '.join(others)}: same name, not it)" if others else ""
        text = f"no other file named {name}{searched} in this tree{not_it} (removed upstream?)"
        return ReasonKind.REMOVED_UPSTREAM, text, None
    if len(ranked) == 1:
        sure = ranked[0] in matching or step.query is None
        return ReasonKind.MOVED, f"moved to {ranked[0]}? ({why(ranked[0])})", ranked[0] if sure else None
    listed = ", ".join(f"{p} ({why(p)})" for p in ranked[:3])
    more = f" and {len(ranked) - 3} more" if len(ranked) > 3 else ""
    return ReasonKind.MOVED, f"moved? candidates: {listed}{more}", None


# -- query matched nothing --------------------------------------------------------------


def _similar(name: str, known: dict[str, int]) -> list[str]:
    """Names like ``name``; a dotted name keeps its prefix (``Routes.X`` ~ ``Routes.Y``, not ``Config.X``)."""
    prefix, _, last = name.rpartition(".")
    pool = {t.rpartition(".")[2]: t for t in known if t != name and t.rpartition(".")[0] == prefix}
    return [pool[m] for m in difflib.get_close_matches(last, list(pool), n=2, cutoff=0.75)]


class _Names:
    """The names in a document's text, for finding one again or one like it."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.data.decode("utf-8")
        self._tokens: dict[bool, dict[str, int]] = {}

    def tokens(self, dotted: bool) -> dict[str, int]:
        """Identifiers (or dotted chains), each with the character offset of its first use."""
        if dotted not in self._tokens:
            found: dict[str, int] = {}
            for m in (_CHAIN if dotted else _IDENT).finditer(self.text):
                found.setdefault(m.group(0), m.start())
            self._tokens[dotted] = found
        return self._tokens[dotted]

    def loc(self, offset: int) -> str:
        return self.doc.loc(len(self.text[:offset].encode("utf-8")))

    def hint(self, name: str) -> str | None:
        """Where ``name`` still is, or which similar names the text has instead."""
        if not _WORD.match(name):
            return None
        known = self.tokens("." in name)
        if name in known:
            return f"`{name}` is still at {self.loc(known[name])}, in another shape"
        close = _similar(name, known)
        if not close:
            return None
        where = ", ".join(f"`{c}` at {self.loc(known[c])}" for c in close)
        return f"`{name}` is gone; similar here: {where} (renamed?)"


def renamed(source: Source, step: Step) -> str:
    """For a step whose query finds no target: similar names for the landmark names that are
    gone, and for the names its ``where`` picks when the query finds others in their place."""
    if step.query is None or step.language is None:
        return ""
    doc = _document(source, step.file, step.language)
    if not isinstance(doc, Document):
        return ""
    found = locate.candidates(step, doc)
    if locate.kept(step, doc, found):
        return ""
    names = _Names(doc)
    hints: list[str] = []
    if not found:
        query_file = queries.compile_query(step.language, step.query)
        landmarks = queries.landmarks(query_file, doc.root)
        for captures, literals in pattern_literals(step.language, step.query):
            gone = [c[len(queries.LANDMARK) :] for c in captures if c.startswith(queries.LANDMARK)]
            if not gone or any(landmarks.get(n) for n in gone):
                continue
            hints.extend(h for literal in literals if (h := names.hint(literal)))
    for capture, values in step.where.items():
        # the names the query captures where `where` looks, e.g. the other directives of a CSP
        captured: dict[str, int] = {}
        for m in found:
            node = m.node(capture)
            if node is not None:
                captured.setdefault(doc.text(node), node.start_byte)
        for value in values:
            if value in captured:
                continue
            close = _similar(value, captured)
            if close:
                where = ", ".join(f"`{c}` at {doc.loc(captured[c])}" for c in close)
                hints.append(f"`{value}` is gone; similar here: {where} (renamed?)")
            elif hint := names.hint(value):
                hints.append(hint)
    return "; ".join(dict.fromkeys(hints))
