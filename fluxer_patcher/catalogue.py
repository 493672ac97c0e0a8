"""The catalogue of fixes: one TOML manifest per fix in ``patches/``, queries in ``queries/``.

A manifest tells a fix's whole story (see README, "Adding a fix")::

    id = "sso-users-not-unclaimed"
    gotchas = [20]
    title = "..."            # one line, also the commit subject of the fix
    symptom = "..."          # what a self-hoster sees without it
    fix = "..."              # what the fix changes
    guide = "SSO Fix 5"      # section of the deployment guide

    [[steps]]                # one or more edits, applied in order
    file = "packages/api/src/models/User.tsx"
    language = "tsx"
    query = "typescript/user-is-unclaimed.scm"
    looking_for = "the return expression of User.isUnclaimedAccount()"
    edit = "add-logical-operand"
    expect = 1               # targets the query must find: N, or "N+" for at least N
    params = {operator = "&&", operand = "!this._traits.has('sso')"}

    [[examples]]             # run by the test suite: before -> after, or an expected status
    before = "..."
    after = "..."

Optionally ``next_steps = ["line", ...]``: what to run once the fix is in place (the text
report prints them when every fix on the same files is applied or already there);
``{base_domain}`` is filled from ``apply --base-domain``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fluxer_patcher.errors import CatalogueProblem

DEFAULT_BUG = "https://github.com/fluxerapp/fluxer/issues/557"
GUIDE_URL = "https://gist.github.com/PaulMColeman/e7ef82e05035b24300d2ea1954527f10"
STATUS_WORDS = ("applied", "pending", "already-applied", "drifted", "error")
_EXPECT = re.compile(r"^(\d+)(\+?)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NEXT_STEP_VALUES = ("base_domain",)
_FIELD = re.compile(r"\{(\w+)\}")


class CatalogueError(CatalogueProblem):
    """A manifest is malformed; ``str()`` names the file and the problem."""


@dataclass(frozen=True)
class Expect:
    count: int
    at_least: bool = False

    def admits(self, n: int) -> bool:
        return n >= self.count if self.at_least else n == self.count

    def __str__(self) -> str:
        return f"{self.count}{'+' if self.at_least else ''}"


@dataclass(frozen=True)
class Step:
    file: str
    language: str | None
    edit: str
    query: Path | None
    looking_for: str
    expect: Expect
    where: dict[str, tuple[str, ...]]
    present: Path | None
    params: dict[str, Any]
    verifies_only: bool = False  # its edit is a check that never changes the file


@dataclass(frozen=True)
class Example:
    name: str
    before: str
    after: str | None
    status: str
    reason: str | None
    tree: dict[str, str]


@dataclass(frozen=True)
class Patch:
    id: str
    gotchas: tuple[int, ...]
    title: str
    symptom: str
    fix: str
    guide: str
    bug: str
    manifest: Path
    steps: tuple[Step, ...]
    examples: tuple[Example, ...] = field(default=())
    next_steps: tuple[str, ...] = field(default=())

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(step.file for step in self.steps))

    @property
    def verifies_only(self) -> bool:
        """A check (the build-context check): it reports, never edits."""
        return all(step.verifies_only for step in self.steps)

    @property
    def gotcha_label(self) -> str:
        return ",".join(str(g) for g in self.gotchas)


@dataclass(frozen=True)
class Catalogue:
    root: Path
    patches: tuple[Patch, ...]

    def ids(self) -> list[str]:
        return [p.id for p in self.patches]

    def select(self, only: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> list[Patch]:
        known = set(self.ids())
        unknown = [i for i in (*only, *skip) if i not in known]
        if unknown:
            raise CatalogueError(f"unknown fix id {unknown[0]!r} (see `fluxer-patch list`)")
        chosen = [p for p in self.patches if not only or p.id in only]
        return [p for p in chosen if p.id not in skip]

    def all_files(self) -> list[str]:
        return files_of(self.patches)


def files_of(patches: Iterable[Patch]) -> list[str]:
    """The files ``patches`` target, each once, in catalogue order."""
    return list(dict.fromkeys(f for p in patches for f in p.files))


def default_root() -> Path:
    """Where ``patches/`` and ``queries/`` live: $FLUXER_PATCH_CATALOGUE, the installed
    package's copy, or the source checkout this module runs from."""
    env = os.environ.get("FLUXER_PATCH_CATALOGUE")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    installed = here / "_catalogue"
    if (installed / "patches").is_dir():
        return installed
    return here.parent


def _str(table: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise CatalogueError(f"{where}: `{key}` must be a non-empty string")
    return value


def _expect(value: object, where: str) -> Expect:
    m = _EXPECT.match(str(value))
    if m is None or isinstance(value, bool):
        raise CatalogueError(f"{where}: `expect` must be a count like 1 or \"1+\", not {value!r}")
    return Expect(int(m.group(1)), bool(m.group(2)))


def _query_path(root: Path, rel: object, where: str) -> Path:
    if not isinstance(rel, str):
        raise CatalogueError(f"{where}: query paths are strings relative to queries/")
    path = root / "queries" / rel
    if not path.is_file():
        raise CatalogueError(f"{where}: query file queries/{rel} does not exist")
    return path


def _step(root: Path, table: dict[str, Any], where: str) -> Step:
    from fluxer_patcher import languages
    from fluxer_patcher.edits import load_all

    registry = load_all()
    edit = _str(table, "edit", where)
    spec = registry.get(edit)
    if spec is None:
        raise CatalogueError(f"{where}: unknown edit {edit!r} (known: {', '.join(sorted(registry))})")
    language = table.get("language")
    if language is not None and language not in languages.GRAMMARS:
        raise CatalogueError(f"{where}: unknown language {language!r}")
    query = table.get("query")
    if (query is not None or "present" in table) and language is None:
        raise CatalogueError(f"{where}: a step with a query needs a `language`")
    if spec.languages is not None and language not in spec.languages:
        raise CatalogueError(f"{where}: edit {edit!r} works on {', '.join(sorted(spec.languages))}, not {language}")
    params = table.get("params", {})
    if not isinstance(params, dict):
        raise CatalogueError(f"{where}: `params` must be a table")
    missing = [p for p in spec.required if p not in params]
    extra = [p for p in params if p not in spec.required + spec.optional]
    if missing or extra:
        problem = f"missing {missing}" if missing else f"unknown {extra}"
        raise CatalogueError(f"{where}: edit {edit!r} parameters: {problem}")
    where_table = table.get("where", {})
    if not isinstance(where_table, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        for v in where_table.values()
    ):
        raise CatalogueError(f"{where}: `where` must be a table of capture = string or list of strings")
    if where_table and query is None:
        raise CatalogueError(f"{where}: `where` filters a query's matches; this step has no `query`")
    return Step(
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


def _example(table: dict[str, Any], where: str) -> Example:
    status = table.get("status", "applied" if "after" in table else "already-applied")
    if status not in ("applied", "already-applied", "drifted", "error"):
        raise CatalogueError(f"{where}: example status {status!r} is not a status word")
    if status == "applied" and "after" not in table:
        raise CatalogueError(f"{where}: an `applied` example needs `after`")
    tree = table.get("tree", {})
    return Example(
        name=_str(table, "name", where),
        before=_str(table, "before", where, default=""),
        after=table.get("after"),
        status=status,
        reason=table.get("reason"),
        tree={str(k): str(v) for k, v in tree.items()},
    )


def _next_steps(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogueError(f"{where}: `next_steps` must be a list of strings")
    for line in value:
        unknown = [f for f in _FIELD.findall(line) if f not in NEXT_STEP_VALUES]
        if unknown:
            raise CatalogueError(f"{where}: `next_steps` refers to unknown value {{{unknown[0]}}}")
    return tuple(value)


def load_patch(root: Path, path: Path) -> Patch:
    where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{where}: cannot read manifest ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{where}: invalid TOML: {exc}") from None
    patch_id = _str(data, "id", where)
    if not _ID.match(patch_id):
        raise CatalogueError(f"{where}: id {patch_id!r} must be lowercase words joined by '-'")
    gotchas = data.get("gotchas")
    if not isinstance(gotchas, list) or not gotchas or not all(isinstance(g, int) for g in gotchas):
        raise CatalogueError(f"{where}: `gotchas` must be a non-empty list of guide gotcha numbers")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        raise CatalogueError(f"{where}: a fix needs at least one [[steps]] table (and only tables)")
    examples = data.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
        raise CatalogueError(f"{where}: `examples` must be [[examples]] tables")
    return Patch(
        id=patch_id,
        gotchas=tuple(gotchas),
        title=_str(data, "title", where),
        symptom=_str(data, "symptom", where),
        fix=_str(data, "fix", where),
        guide=_str(data, "guide", where),
        bug=_str(data, "bug", where, default=DEFAULT_BUG),
        manifest=path,
        steps=tuple(_step(root, s, f"{where} step {i + 1}") for i, s in enumerate(steps)),
        examples=tuple(
            _example(e, f"{where} example {i + 1}") for i, e in enumerate(examples)
        ),
        next_steps=_next_steps(data.get("next_steps", []), where),
    )


def load(root: Path | None = None) -> Catalogue:
    """Every manifest of ``root/patches``, in file-name order (the catalogue order)."""
    root = root or default_root()
    directory = root / "patches"
    if not directory.is_dir():
        raise CatalogueError(f"{directory}: no patches/ directory (set FLUXER_PATCH_CATALOGUE?)")
    patches = [load_patch(root, p) for p in sorted(directory.glob("*.toml"))]
    seen: dict[str, Path] = {}
    for patch in patches:
        if patch.id in seen:
            raise CatalogueError(f"{patch.manifest.name}: id {patch.id!r} also used by {seen[patch.id].name}")
        seen[patch.id] = patch.manifest
    return Catalogue(root, tuple(patches))
