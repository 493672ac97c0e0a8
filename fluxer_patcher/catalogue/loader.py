"""Reading a catalogue: one TOML manifest per fix in ``patches/``, queries in ``queries/``.

A manifest tells a fix's whole story (README, "Adding a fix"); this module reads it into
the :mod:`.manifest` model and validates it against the registry of primitives it is
given (their typed parameters, their languages), so that a malformed manifest is one line
naming the file before anything runs.  Fixes run in the order their ``after`` lists
require (each after the fixes it names), file-name order among fixes that are free.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from fluxer_patcher.catalogue import params as typed
from fluxer_patcher.catalogue.manifest import (
    Catalogue,
    CatalogueError,
    Example,
    Expect,
    NextStep,
    Obsolete,
    Patch,
    Recogniser,
    Step,
    Text,
)
from fluxer_patcher.files import read_regular_text
from fluxer_patcher.syntax.grammars import GRAMMARS

EXAMPLE_STATUSES = ("applied", "already-applied", "drifted", "error")
NEXT_STEP_VALUES = ("base_domain",)
_EXPECT = re.compile(r"^(\d+)(\+?)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELD = re.compile(r"\{(\w+)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MANIFEST_KEYS = frozenset(
    {"id", "gotchas", "refs", "default", "title", "symptom", "fix", "guide", "bug", "steps", "examples",
     "next_steps", "after", "fixed_upstream", "obsolete"}
)
STEP_KEYS = frozenset(
    {"file", "language", "query", "looking_for", "expect", "where", "present", "edit", "params", "moved"}
)
RECOGNISER_KEYS = frozenset({"files", "language", "query", "pattern", "looking_for", "when_present"})
OBSOLETE_KEYS = frozenset({"why", "missing", "absent", "exists", "found"})


class PrimitiveInfo(Protocol):
    """What the loader needs to know of a primitive (``engine.primitives.Spec`` has it)."""

    @property
    def params(self) -> Mapping[str, typed.Param]: ...

    @property
    def languages(self) -> frozenset[str] | None: ...

    @property
    def verifies_only(self) -> bool: ...


class PrimitiveTable(Protocol):
    """The registry the loader validates against (``engine.primitives.Registry``)."""

    def get(self, name: str) -> Any: ...

    def names(self) -> list[str]: ...

    def declared(self, spec: Any, params: Mapping[str, Any]) -> dict[str, typed.Param]: ...

    @property
    def resolvers(self) -> Mapping[str, Any]: ...


def _str(table: Mapping[str, Any], key: str, where: str, default: str | None = None, one_line: bool = False) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise CatalogueError(f"{where}: `{key}` must be a non-empty string")
    if one_line and _CONTROL.search(value):
        raise CatalogueError(f"{where}: `{key}` must be one line of text (no line breaks or control characters)")
    return value


def _expect(value: object, where: str) -> Expect:
    m = _EXPECT.match(str(value))
    if m is None or isinstance(value, bool):
        raise CatalogueError(f"{where}: `expect` must be a count like 1 or \"1+\", not {value!r}")
    return Expect(int(m.group(1)), bool(m.group(2)))


def _query_path(root: Path, rel: object, where: str) -> Path:
    """``queries/<rel>``, which must be a file inside the catalogue's ``queries/``."""
    if not isinstance(rel, str) or not rel:
        raise CatalogueError(f"{where}: query paths are strings relative to queries/")
    base = (root / "queries").resolve()
    path = (base / rel).resolve()
    if not path.is_relative_to(base):
        raise CatalogueError(f"{where}: query file {rel!r} is outside the catalogue's queries/")
    if not path.is_file():
        raise CatalogueError(f"{where}: query file queries/{rel} does not exist")
    return root / "queries" / rel


def _step(root: Path, table: dict[str, Any], where: str, registry: PrimitiveTable) -> Step:
    unknown = sorted(set(table) - STEP_KEYS)
    if unknown:
        raise CatalogueError(f"{where}: unknown key `{unknown[0]}` (a step has {', '.join(sorted(STEP_KEYS))})")
    edit = _str(table, "edit", where)
    spec = registry.get(edit)
    if spec is None:
        raise CatalogueError(f"{where}: unknown edit {edit!r} (known: {', '.join(registry.names())})")
    language = table.get("language")
    if language is not None and language not in GRAMMARS:
        raise CatalogueError(f"{where}: unknown language {language!r}")
    query = table.get("query")
    if (query is not None or "present" in table) and language is None:
        raise CatalogueError(f"{where}: a step with a query needs a `language`")
    if spec.languages is not None and language not in spec.languages:
        raise CatalogueError(f"{where}: edit {edit!r} works on {', '.join(sorted(spec.languages))}, not {language}")
    params = table.get("params", {})
    if not isinstance(params, dict):
        raise CatalogueError(f"{where}: `params` must be a table")
    problem = typed.check(params, registry.declared(spec, params))
    if problem:
        raise CatalogueError(f"{where}: edit {edit!r} parameters: {problem}")
    where_table = table.get("where", {})
    if not isinstance(where_table, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        for v in where_table.values()
    ):
        raise CatalogueError(f"{where}: `where` must be a table of capture = string or list of strings")
    if where_table and query is None:
        raise CatalogueError(f"{where}: `where` filters a query's matches; this step has no `query`")
    moved = table.get("moved", [])
    if not isinstance(moved, list) or not all(isinstance(m, str) and m for m in moved):
        raise CatalogueError(f"{where}: `moved` must be a list of paths")
    return Step(
        moved=tuple(moved),
        file=_str(table, "file", where),
        language=language,
        edit=edit,
        query=_query_path(root, query, where) if query is not None else None,
        looking_for=_str(table, "looking_for", where),
        expect=_expect(table.get("expect", 1), where),
        where={k: tuple(v) if isinstance(v, list) else (str(v),) for k, v in where_table.items()},
        present=_query_path(root, table["present"], where) if "present" in table else None,
        params=params,
        verifies_only=spec.verifies_only,
    )


def _paths(value: object, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CatalogueError(f"{where}: `{key}` must be a list of paths")
    return tuple(value)


def _recogniser(root: Path, table: object, where: str) -> Recogniser:
    if not isinstance(table, dict):
        raise CatalogueError(f"{where}: `fixed_upstream` must be [[fixed_upstream]] tables")
    unknown = sorted(set(table) - RECOGNISER_KEYS)
    if unknown:
        known = ", ".join(sorted(RECOGNISER_KEYS))
        raise CatalogueError(f"{where}: unknown key `{unknown[0]}` (a recogniser has {known})")
    language, query, pattern = table.get("language"), table.get("query"), table.get("pattern")
    if (query is None) == (pattern is None):
        raise CatalogueError(f"{where}: a recogniser has a `query` (with a `language`) or a `pattern`, not both")
    if query is not None and language not in GRAMMARS:
        raise CatalogueError(f"{where}: a recogniser's query needs a known `language`, not {language!r}")
    if pattern is not None:
        if not isinstance(pattern, str):
            raise CatalogueError(f"{where}: `pattern` must be a regular expression")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CatalogueError(f"{where}: `pattern` is not a regular expression ({exc})") from None
    files = _paths(table.get("files"), "files", where)
    if not files:
        raise CatalogueError(f"{where}: a recogniser names the `files` to look in")
    return Recogniser(
        files=files,
        looking_for=_str(table, "looking_for", where, one_line=True),
        language=language if query is not None else None,
        query=_query_path(root, query, where) if query is not None else None,
        pattern=pattern,
        when_present=_paths(table.get("when_present", []), "when_present", where),
    )


def _obsolete(table: object, where: str) -> Obsolete | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise CatalogueError(f"{where}: `obsolete` must be a table")
    unknown = sorted(set(table) - OBSOLETE_KEYS)
    if unknown:
        raise CatalogueError(f"{where}: unknown key `{unknown[0]}` (obsolete has {', '.join(sorted(OBSOLETE_KEYS))})")
    missing = _paths(table.get("missing", []), "missing", where)
    absent, found = _texts(table, "absent", where), _texts(table, "found", where)
    exists = _paths(table.get("exists", []), "exists", where)
    if not missing and not absent:
        raise CatalogueError(f"{where}: `obsolete` needs `missing` paths or `absent` texts to check")
    if not exists and not found:
        raise CatalogueError(f"{where}: `obsolete` needs evidence of the later layout: `exists` paths or `found` texts")
    return Obsolete(_str(table, "why", where, one_line=True), missing, absent, exists, found)


def _texts(table: Mapping[str, Any], key: str, where: str) -> tuple[Text, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(a, dict) and isinstance(a.get("text"), str) and a["text"] and set(a) <= {"text", "in"}
        for a in value
    ):
        raise CatalogueError(f"{where}: `{key}` must be tables of `text` (and `in`, a list of paths)")
    return tuple(Text(a["text"], _paths(a.get("in", []), "in", where)) for a in value)


def _files(value: object, first: str, key: str, where: str) -> dict[str, str]:
    """An example's ``before``/``after``: a string (the fix's first file) or a table of path = text."""
    if isinstance(value, str):
        return {first: value}
    if isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return dict(value)
    raise CatalogueError(f"{where}: `{key}` must be the text of {first}, or a table of path = text")


def _example(table: dict[str, Any], where: str, first: str) -> Example:
    status = table.get("status", "applied" if "after" in table else "already-applied")
    if status not in EXAMPLE_STATUSES:
        raise CatalogueError(f"{where}: example status {status!r} is not a status word")
    if status == "applied" and "after" not in table:
        raise CatalogueError(f"{where}: an `applied` example needs `after`")
    tree = table.get("tree", {})
    if not isinstance(tree, dict) or not all(isinstance(v, str) for v in tree.values()):
        raise CatalogueError(f"{where}: `tree` must be a table of path = text")
    reason = table.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise CatalogueError(f"{where}: `reason` must be a string")
    return Example(
        name=_str(table, "name", where),
        before=_files(table.get("before", ""), first, "before", where),
        after=_files(table["after"], first, "after", where) if "after" in table else None,
        status=status,
        reason=reason,
        tree={str(k): str(v) for k, v in tree.items()},
    )


def _next_steps(value: object, where: str, files: set[str]) -> tuple[NextStep, ...]:
    """Lines, or ``{ line = "...", when = { file = "<a file of the fix>", has = "<regex>" } }``
    (``lacks`` instead of ``has``: shown when the file does not match)."""
    if not isinstance(value, list):
        raise CatalogueError(f"{where}: `next_steps` must be a list of lines")
    out = []
    for item in value:
        if isinstance(item, str):
            step = NextStep(item)
        else:
            when = item.get("when") if isinstance(item, dict) else None
            if not (isinstance(item, dict) and set(item) == {"line", "when"} and isinstance(item["line"], str)
                    and isinstance(when, dict) and len(when) == 2 and "file" in when
                    and ({"has"} <= set(when) or {"lacks"} <= set(when))
                    and all(isinstance(v, str) for v in when.values())):
                raise CatalogueError(f"{where}: `next_steps` items are lines, or tables "
                                     "{ line = \"...\", when = { file = \"...\", has = \"<regex>\" } } "
                                     "(or `lacks` for `has`)")
            step = NextStep(item["line"], when["file"], when.get("has", ""), when.get("lacks", ""))
            if step.file not in files:
                raise CatalogueError(f"{where}: `next_steps` line {step.line!r}: `when.file` {step.file!r} is "
                                     "not a file the fix reads")
            try:
                re.compile(step.has or step.lacks)
            except re.error as exc:
                raise CatalogueError(f"{where}: `next_steps` `when`: {step.has or step.lacks!r}: {exc}") from None
        unknown = [f for f in _FIELD.findall(step.line) if f not in NEXT_STEP_VALUES]
        if unknown:
            raise CatalogueError(f"{where}: `next_steps` refers to unknown value {{{unknown[0]}}}")
        out.append(step)
    return tuple(out)


def load_patch(root: Path, path: Path, registry: PrimitiveTable, default_bug: str = "") -> Patch:
    where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        data = tomllib.loads(read_regular_text(path))
    except OSError as exc:
        raise CatalogueError(f"{where}: cannot read manifest ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{where}: cannot read manifest ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{where}: invalid TOML: {exc}") from None
    except RecursionError:
        raise CatalogueError(f"{where}: invalid TOML: nested too deeply") from None
    patch_id = _str(data, "id", where)
    if not _ID.match(patch_id):
        raise CatalogueError(f"{where}: id {patch_id!r} must be lowercase words joined by '-'")
    gotchas = data.get("gotchas", [])
    if not isinstance(gotchas, list) or not all(isinstance(g, int) and not isinstance(g, bool) for g in gotchas):
        raise CatalogueError(f"{where}: `gotchas` must be a list of guide gotcha numbers")
    refs = data.get("refs", [])
    if not isinstance(refs, list) or not all(isinstance(r, str) and r.strip() and not _CONTROL.search(r) for r in refs):
        raise CatalogueError(f"{where}: `refs` must be a list of one-line references (e.g. \"fluxerapp/fluxer#722\")")
    if not gotchas and not refs:
        raise CatalogueError(f"{where}: a fix needs `gotchas` (the guide's numbers) or `refs` (past the guide)")
    default = data.get("default", True)
    if not isinstance(default, bool):
        raise CatalogueError(f"{where}: `default` must be true or false")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        raise CatalogueError(f"{where}: a fix needs at least one [[steps]] table (and only tables)")
    examples = data.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
        raise CatalogueError(f"{where}: `examples` must be [[examples]] tables")
    after = data.get("after", [])
    if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
        raise CatalogueError(f"{where}: `after` must be a list of fix ids")
    unknown = sorted(set(data) - MANIFEST_KEYS)
    if unknown:
        raise CatalogueError(f"{where}: unknown key `{unknown[0]}`")
    parsed = tuple(_step(root, s, f"{where} step {i + 1}", registry) for i, s in enumerate(steps))
    return Patch(
        id=patch_id,
        gotchas=tuple(gotchas),
        title=_str(data, "title", where, one_line=True),
        symptom=_str(data, "symptom", where),
        fix=_str(data, "fix", where),
        guide=_str(data, "guide", where, default=None if gotchas else "", one_line=True),
        bug=_str(data, "bug", where, default=default_bug or None, one_line=True),
        manifest=path,
        steps=parsed,
        examples=tuple(_example(e, f"{where} example {i + 1}", parsed[0].file) for i, e in enumerate(examples)),
        next_steps=_next_steps(data.get("next_steps", []), where, {s.file for s in parsed}),
        after=tuple(after),
        refs=tuple(refs),
        default=default,
        fixed_upstream=tuple(
            _recogniser(root, t, f"{where} fixed_upstream {i + 1}")
            for i, t in enumerate(_tables(data, "fixed_upstream", where))
        ),
        obsolete=_obsolete(data.get("obsolete"), f"{where} obsolete"),
    )


def _tables(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise CatalogueError(f"{where}: `{key}` must be [[{key}]] tables")
    return value


def ordered(patches: list[Patch]) -> tuple[Patch, ...]:
    """``patches`` with every fix after those its ``after`` names (file-name order otherwise)."""
    by_id = {p.id: p for p in patches}
    for patch in patches:
        for other in patch.after:
            if other not in by_id:
                raise CatalogueError(f"{patch.manifest.name}: `after` names unknown fix {other!r}")
    done: dict[str, Patch] = {}
    visiting: list[str] = []

    def visit(patch: Patch) -> None:
        if patch.id in done:
            return
        if patch.id in visiting:
            cycle = " -> ".join([*visiting[visiting.index(patch.id) :], patch.id])
            raise CatalogueError(f"{patch.manifest.name}: `after` makes a cycle: {cycle}")
        visiting.append(patch.id)
        for other in patch.after:
            visit(by_id[other])
        visiting.pop()
        done[patch.id] = patch

    for patch in patches:
        visit(patch)
    return tuple(done.values())


def load(root: Path, registry: PrimitiveTable, default_bug: str = "") -> Catalogue:
    """Every manifest of ``root/patches``, validated against ``registry``, in run order."""
    directory = root / "patches"
    if not directory.is_dir():
        raise CatalogueError(f"{root}: not a catalogue (no patches/ directory)")
    patches = [load_patch(root, p, registry, default_bug) for p in sorted(directory.glob("*.toml"))]
    seen: dict[str, Path] = {}
    for patch in patches:
        if patch.id in seen:
            raise CatalogueError(f"{patch.manifest.name}: id {patch.id!r} also used by {seen[patch.id].name}")
        seen[patch.id] = patch.manifest
    return Catalogue(root, ordered(patches))
