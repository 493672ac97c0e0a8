"""Edit primitives: small, named transformations that fixes are made of.

A primitive receives an :class:`EditContext` (the file, the query match, the fix's
parameters) and answers with an :class:`Outcome`:

* :class:`Apply` — byte-range edits on the original text;
* :class:`Present` — the change is already there (recognised structurally);
* :class:`Drift` — the target does not have the shape the primitive can edit safely.

Primitives never write files and never guess: an unexpected shape is a ``Drift``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from fluxer_patcher.document import Document
    from fluxer_patcher.queries import Match
    from fluxer_patcher.source import Source


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: bytes


@dataclass(frozen=True)
class Apply:
    edits: tuple[Edit, ...]
    note: str = ""


@dataclass(frozen=True)
class Present:
    note: str = ""


@dataclass(frozen=True)
class Drift:
    reason: str


Outcome = Apply | Present | Drift

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class MissingCapture(KeyError):
    pass


@dataclass
class EditContext:
    doc: Document
    match: Match
    params: Mapping[str, object]
    source: Source
    looking_for: str = ""

    @property
    def target(self) -> Node:
        return self.match.target

    def text(self, name: str) -> str:
        """A string parameter with ``{{capture}}`` placeholders filled from the match."""
        value = self.params[name]
        if not isinstance(value, str):
            raise TypeError(f"parameter {name!r} must be a string")

        def fill(m: re.Match[str]) -> str:
            node = self.match.node(m.group(1))
            if node is None:
                raise MissingCapture(m.group(1))
            return self.doc.text(node)

        return _PLACEHOLDER.sub(fill, value)

    def optional_text(self, name: str) -> str | None:
        return self.text(name) if name in self.params else None


Primitive = Callable[[EditContext], Outcome]


@dataclass(frozen=True)
class Spec:
    name: str
    run: Primitive
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    languages: frozenset[str] | None = None  # None: any
    verifies_only: bool = False  # a check: never edits, answers Present or Drift


REGISTRY: dict[str, Spec] = {}


def repeated(what: str, locations: list[str]) -> str:
    """The note for a change found more than once (a fix applied twice by hand); ``""`` for once."""
    if len(locations) <= 1:
        return ""
    return f"{what} is there {len(locations)} times ({', '.join(locations)}); left as is"


def primitive(
    name: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    languages: frozenset[str] | None = None,
    verifies_only: bool = False,
) -> Callable[[Primitive], Primitive]:
    """Register an edit primitive under the name manifests use for it (``verifies_only``:
    a check that never edits, e.g. the build-context check)."""

    def register(func: Primitive) -> Primitive:
        REGISTRY[name] = Spec(name, func, required, optional, languages, verifies_only)
        return func

    return register


def load_all() -> dict[str, Spec]:
    """Import every primitive module (they register themselves) and return the registry."""
    from fluxer_patcher.edits import docker, ignorefile, js, structured  # noqa: F401

    return REGISTRY
