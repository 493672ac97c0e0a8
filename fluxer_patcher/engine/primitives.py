"""The primitive interface: what an edit primitive receives, what it answers, how it is registered.

A primitive receives an :class:`EditContext` (the file, the query match, the fix's
parameters, the tree) and answers with an outcome:

* :class:`Apply` — byte-range edits on the original text;
* :class:`Present` — the change is already there (recognised structurally);
* :class:`Drift` — the target does not have the shape the primitive can edit safely, or the
  code made another choice there (``kind`` says which).

Primitives never write files and never guess: an unexpected shape is a ``Drift`` (or a
:class:`NotEditable` raised from deep inside, which the engine turns into one).  They are
declared with :func:`primitive`, with typed parameters, and collected into a
:class:`Registry` (the default one is built by ``formats.builtin``).  Placeholders in string
parameters (``{{capture}}``, ``{{namespace:arg}}``) are filled by the context for every
primitive; a namespace's resolver is registered beside the primitives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from fluxer_patcher.catalogue.params import Param
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.record import dataclass, field

if TYPE_CHECKING:
    from tree_sitter import Node

    from fluxer_patcher.source.base import Source
    from fluxer_patcher.syntax.document import Document
    from fluxer_patcher.syntax.queries import Match


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: bytes


@dataclass(frozen=True)
class Apply:
    edits: tuple[Edit, ...]
    note: str = ""
    kind: ReasonKind = ReasonKind.EDIT  # PRESENT_TWICE: the edit removes a duplicate of the fix


@dataclass(frozen=True)
class Present:
    note: str = ""
    kind: ReasonKind = ReasonKind.ALREADY_PRESENT


@dataclass(frozen=True)
class Drift:
    reason: str
    kind: ReasonKind = ReasonKind.UNEXPECTED_SHAPE


Answer = Apply | Present | Drift


class NotEditable(Exception):
    """Raised anywhere below a primitive: the shape is not one it can edit safely (or the
    code's own choice stands in the way); the engine reports it as drift of ``kind``."""

    def __init__(self, reason: str, kind: ReasonKind = ReasonKind.UNEXPECTED_SHAPE) -> None:
        super().__init__(reason)
        self.kind = kind


class ParameterError(ValueError):
    """A fix's parameter is unusable (a snippet that does not parse): a catalogue bug."""


class MissingCapture(KeyError):
    """A ``{{name}}`` placeholder names a capture the match lacks."""


def repeated(what: str, locations: list[str]) -> str:
    """The note for a change found more than once (a fix applied twice by hand); ``""`` for once."""
    if len(locations) <= 1:
        return ""
    return f"{what} is there {len(locations)} times ({', '.join(locations)}); left as is"


def present_at(what: str, locations: list[str]) -> Present:
    """The change is already there at ``locations``: ``present-twice`` when more than once."""
    if len(locations) > 1:
        return Present(repeated(what, locations), ReasonKind.PRESENT_TWICE)
    return Present()


_PLACEHOLDER = re.compile(r"\{\{(?:([\w-]+):)?([\w-]+)\}\}")


@dataclass
class EditContext:
    doc: Document
    match: Match
    params: Mapping[str, Any]
    source: Source
    looking_for: str = ""
    resolvers: Mapping[str, Resolver] = field(default_factory=dict)
    declared: Mapping[str, Param] = field(default_factory=dict)

    @property
    def target(self) -> Node:
        return self.match.target

    def value(self, name: str) -> Any:
        """A parameter as written, or its declared default."""
        if name in self.params:
            return self.params[name]
        param = self.declared.get(name)
        return None if param is None or param.required else param.default

    def text(self, name: str) -> str:
        """A string parameter with its placeholders filled: ``{{capture}}`` by the text of
        the match's capture (one node: several is drift), ``{{namespace:arg}}`` by that
        namespace's resolver."""
        value = self.value(name)
        if not isinstance(value, str):
            raise ParameterError(f"parameter {name!r} must be a string")
        return self.fill(value)

    def optional_text(self, name: str) -> str | None:
        return self.text(name) if self.value(name) is not None else None

    def texts(self, name: str, *, filled: bool = True) -> list[str]:
        """A list-of-strings parameter, placeholders filled (``filled=False``: as written, for
        templates whose ``{{name}}`` holes are their own)."""
        value = self.value(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"parameter {name!r} must be a list of strings")
        return [self.fill(v) for v in value] if filled else list(value)

    def regex(self, name: str) -> re.Pattern[str] | None:
        value = self.value(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ParameterError(f"parameter {name!r} must be a regex string")
        try:
            return re.compile(value)
        except re.error as exc:
            raise ParameterError(f"parameter {name!r}: bad regex: {exc}") from None

    def fill(self, value: str) -> str:
        def one(m: re.Match[str]) -> str:
            namespace, name = m.group(1), m.group(2)
            if namespace is not None:
                resolver = self.resolvers.get(namespace)
                if resolver is None:
                    raise ParameterError(f"unknown placeholder namespace {{{{{namespace}:…}}}}")
                return resolver.resolve(self, name)
            nodes = self.match.captures.get(name, [])
            if not nodes:
                raise MissingCapture(name)
            if len(nodes) > 1:
                where = ", ".join(self.doc.loc(n) for n in nodes)
                raise NotEditable(
                    f"{{{{{name}}}}} is ambiguous: {len(nodes)} candidates at {where}; "
                    f"expected one for {self.looking_for or 'the fix'}"
                )
            return self.doc.text(nodes[0])

        return _PLACEHOLDER.sub(one, value)


Primitive = Callable[[EditContext], Answer]


@dataclass(frozen=True)
class Spec:
    """A registered primitive: its name in manifests, its function and its parameters."""

    name: str
    run: Primitive
    params: Mapping[str, Param]
    languages: frozenset[str] | None = None  # None: any
    verifies_only: bool = False  # a check: never edits, answers Present or Drift

    @property
    def doc(self) -> str:
        return (self.run.__doc__ or "").strip()


def primitive(
    name: str,
    *params: Param,
    languages: frozenset[str] | None = None,
    verifies_only: bool = False,
) -> Callable[[Primitive], Spec]:
    """Declare an edit primitive under the name manifests use for it, with its typed
    parameters (``verifies_only``: a check that never edits, e.g. the build-context check).

    The decorated function becomes a :class:`Spec`; :meth:`Registry.collect` finds it."""

    def declare(func: Primitive) -> Spec:
        return Spec(name, func, {p.name: p for p in params}, languages, verifies_only)

    return declare


@dataclass(frozen=True)
class Resolver:
    """Fills ``{{namespace:arg}}`` placeholders; ``params`` are the step parameters it reads
    (declared for every step whose parameters use the namespace)."""

    namespace: str
    resolve: Callable[[EditContext, str], str]
    params: Mapping[str, Param]


class Registry:
    """The primitives and placeholder resolvers a catalogue may use, by name."""

    def __init__(self, specs: Iterable[Spec] = (), resolvers: Iterable[Resolver] = ()) -> None:
        self.specs: dict[str, Spec] = {}
        self.resolvers: dict[str, Resolver] = {}
        for spec in specs:
            self.add(spec)
        for resolver in resolvers:
            self.resolvers[resolver.namespace] = resolver

    def add(self, spec: Spec) -> None:
        if spec.name in self.specs:
            raise ValueError(f"primitive {spec.name!r} registered twice")
        self.specs[spec.name] = spec

    @classmethod
    def collect(cls, *modules: ModuleType) -> Registry:
        """Every :class:`Spec` and :class:`Resolver` defined at the top level of ``modules``."""
        specs = [v for m in modules for v in vars(m).values() if isinstance(v, Spec)]
        resolvers = [v for m in modules for v in vars(m).values() if isinstance(v, Resolver)]
        return cls(specs, resolvers)

    def get(self, name: str) -> Spec | None:
        return self.specs.get(name)

    def __getitem__(self, name: str) -> Spec:
        return self.specs[name]

    def names(self) -> list[str]:
        return sorted(self.specs)

    def namespaces_in(self, params: Mapping[str, Any]) -> list[str]:
        """The placeholder namespaces the string parameters use."""
        found: dict[str, None] = {}
        for value in params.values():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    found.update((m.group(1), None) for m in _PLACEHOLDER.finditer(text) if m.group(1))
        return list(found)

    def declared(self, spec: Spec, params: Mapping[str, Any]) -> dict[str, Param]:
        """The parameters a step of ``spec`` may give: the primitive's, and those of the
        placeholder namespaces its values use."""
        out = dict(spec.params)
        for namespace in self.namespaces_in(params):
            resolver = self.resolvers.get(namespace)
            if resolver is not None:
                out.update(resolver.params)
        return out
