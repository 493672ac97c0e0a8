"""The data model of a catalogue: fixes (``Patch``), their steps and examples.

Plain frozen dataclasses built by :mod:`fluxer_patcher.catalogue.loader`; every layer reads
them.  Imports nothing of the package but :mod:`fluxer_patcher.errors` and the value classes
(:mod:`fluxer_patcher.record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fluxer_patcher.errors import CatalogueProblem
from fluxer_patcher.record import dataclass, field


class CatalogueError(CatalogueProblem):
    """A manifest is malformed, or a selection names an unknown fix; ``str()`` says which."""


@dataclass(frozen=True)
class Expect:
    """How many targets a step's query must find: ``count``, or at least that many."""

    count: int
    at_least: bool = False

    def admits(self, n: int) -> bool:
        return n >= self.count if self.at_least else n == self.count

    def __str__(self) -> str:
        return f"{self.count}{'+' if self.at_least else ''}"


@dataclass(frozen=True)
class Step:
    """One edit of a fix: the file, the query that finds its target(s), the primitive and its parameters."""

    file: str
    language: str | None
    edit: str
    query: Path | None
    looking_for: str
    expect: Expect
    where: dict[str, tuple[str, ...]]
    present: Path | None
    params: Mapping[str, Any]
    verifies_only: bool = False  # its edit is a check that never changes the file
    moved: tuple[str, ...] = ()  # where later upstream keeps this file, tried in order when `file` is gone


@dataclass(frozen=True)
class Recogniser:
    """Upstream's own form of a fix: found in one of ``files`` by a query (``@target``) or,
    in a file kind with no grammar, by a regular expression."""

    files: tuple[str, ...]
    looking_for: str
    language: str | None = None
    query: Path | None = None
    pattern: str | None = None
    # Checked before the fix runs on trees that have these paths (a later layout); empty:
    # only when the fix's own target is missing.
    when_present: tuple[str, ...] = ()


@dataclass(frozen=True)
class Text:
    """A whole word of text, looked for in the files under ``paths`` (the tree when empty)."""

    text: str
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Obsolete:
    """When a fix no longer applies: every path in ``missing`` is gone and no text in
    ``absent`` is left, while the evidence of what replaced it holds (``exists``: paths;
    ``found``: texts), so that a partial tree is never taken for a later layout; ``why``
    says what became of the concept."""

    why: str
    missing: tuple[str, ...] = ()
    absent: tuple[Text, ...] = ()
    exists: tuple[str, ...] = ()
    found: tuple[Text, ...] = ()


@dataclass(frozen=True)
class NextStep:
    """A line of what to run once the fix is in place; with ``file``, shown only when that
    file, as the run leaves it, matches the regular expression ``has`` (or does not match
    ``lacks``): a build argument is suggested only where the Dockerfile declares it."""

    line: str
    file: str = ""
    has: str = ""
    lacks: str = ""


@dataclass(frozen=True)
class Example:
    """A manifest's own test case: ``before`` → ``after`` (or an expected status).

    ``before`` and ``after`` map paths to text; a manifest may write them as one string,
    which stands for the fix's first file.  ``tree`` holds files the fix reads but does not
    change."""

    name: str
    before: Mapping[str, str]
    after: Mapping[str, str] | None
    status: str
    reason: str | None
    tree: Mapping[str, str]


def label(gotchas: tuple[int, ...], refs: tuple[str, ...]) -> str:
    """The short column text of a fix's origin: gotcha numbers, else its references."""
    return ",".join(str(g) for g in gotchas) if gotchas else ",".join(refs)


def ref_url(ref: str) -> str:
    """A reference's address: ``owner/repo#N`` is a GitHub issue or pull request,
    ``owner/repo@sha`` a commit (GitHub's own shorthands); others stay."""
    repo, sep, number = ref.partition("#")
    if sep and number.isdigit() and repo.count("/") == 1 and " " not in repo:
        return f"https://github.com/{repo}/issues/{number}"
    repo, sep, sha = ref.partition("@")
    if sep and 7 <= len(sha) <= 40 and all(c in "0123456789abcdef" for c in sha.lower()) and repo.count("/") == 1 \
            and " " not in repo:
        return f"https://github.com/{repo}/commit/{sha}"
    return ref


@dataclass(frozen=True)
class Patch:
    """A fix, as its manifest tells it: where it comes from, what it changes and its own examples."""

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
    next_steps: tuple[NextStep, ...] = field(default=())
    after: tuple[str, ...] = field(default=())  # fixes that run before this one
    refs: tuple[str, ...] = field(default=())  # references past the guide ("fluxerapp/fluxer#722")
    fixed_upstream: tuple[Recogniser, ...] = field(default=())  # upstream's own forms of the fix
    obsolete: Obsolete | None = None
    default: bool = True  # False: an optional fix, run only when named (``--only``)

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(step.file for step in self.steps))

    @property
    def verifies_only(self) -> bool:
        """A check (the build-context check): it reports, never edits."""
        return all(step.verifies_only for step in self.steps)

    @property
    def gotcha_label(self) -> str:
        """The guide's gotcha numbers, else the references (a fix past the guide)."""
        return label(self.gotchas, self.refs)

    @property
    def origin(self) -> str:
        """Where the fix comes from, as prose: "gotcha 3" or "fluxerapp/fluxer#722"."""
        if self.gotchas:
            return f"gotcha{'s' if len(self.gotchas) > 1 else ''} {self.gotcha_label}"
        return ", ".join(self.refs) or "beyond the guide"


@dataclass(frozen=True)
class Catalogue:
    """The fixes of one catalogue directory, in the order they run."""

    root: Path
    patches: tuple[Patch, ...]  # in run order: every fix after those its `after` names

    def ids(self) -> list[str]:
        return [p.id for p in self.patches]

    def select(self, only: Iterable[str] = (), skip: Iterable[str] = ()) -> list[Patch]:
        only, skip = tuple(only), tuple(skip)
        known = set(self.ids())
        unknown = [i for i in (*only, *skip) if i not in known]
        if unknown:
            raise CatalogueError(f"unknown fix id {unknown[0]!r} (the `list` command shows them)")
        chosen = [p for p in self.patches if p.id in only] if only else [p for p in self.patches if p.default]
        return [p for p in chosen if p.id not in skip]

    def all_files(self) -> list[str]:
        return files_of(self.patches)

    def known_paths(self) -> list[str]:
        """Every path by which the catalogue knows a Fluxer tree: the fixes' files, where
        later upstream moved them, where upstream's own fixes live, the later layout's marks."""
        out = dict.fromkeys(self.all_files())
        for patch in self.patches:
            out.update(dict.fromkeys(m for step in patch.steps for m in step.moved))
            out.update(dict.fromkeys(f for r in patch.fixed_upstream for f in (*r.files, *r.when_present)))
            if patch.obsolete is not None:
                out.update(dict.fromkeys(patch.obsolete.exists))
        return list(out)


def files_of(patches: Iterable[Patch]) -> list[str]:
    """The files ``patches`` target, each once, in catalogue order."""
    return list(dict.fromkeys(f for p in patches for f in p.files))
