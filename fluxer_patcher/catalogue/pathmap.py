"""A path map: the catalogue's paths, translated to a fork that renamed directories.

Some forks rename ``fluxer_app/`` to ``apps/web/`` or ``fluxer_server/`` to
``<brand>_server/``.  A map (``--path-map OLD=NEW``, or ``[paths]`` in the checkout's
``.fluxer-patch.toml``) rewrites the catalogue before a run, so that every fix reads and
edits the fork's own paths: step targets and ``moved`` paths, recognisers and their files,
obsolete conditions, string parameters and snippets (``COPY fluxer_app/ ...``,
``!fluxer_app/scripts/build``) and the string literals of the queries
(``(#runs-script? @t "fluxer_app" "build")``, a compose ``dockerfile:`` regex).

A mapped name is a whole path prefix: ``fluxer_app`` maps ``fluxer_app``, ``./fluxer_app/x``,
``/fluxer_app/x`` (a root-anchored ignore pattern) and ``/usr/src/app/fluxer_app`` (the copy
in an image: a fork that renamed the directory copies it under its own name), never
``fluxer_app_proxy``, ``packages/fluxer_app`` (another directory of that name) or
``http://fluxer_server:8080`` (a host: compose service names are not paths); the longest
OLD wins.  In an ``#any-of?`` list the mapped names join the originals (such lists name
things, like compose services, that a fork may have kept).  Examples are not mapped: they
are the manifests' own tests, on their own trees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from fluxer_patcher.catalogue.manifest import Catalogue, Obsolete, Patch, Recogniser, Step, Text
from fluxer_patcher.errors import BadInput
from fluxer_patcher.files import read_regular_text
from fluxer_patcher.record import dataclass, replace

_BEFORE = r"(?<![\w.\-])"
_AFTER = r"(?![\w\-]|\.\w)"
_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/")
_RELATIVE_LEAD = re.compile(r"^(?:\.{1,2}/)*$")
_SEGMENT = re.compile(r"^[\w.\-]+$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ANY_OF = re.compile(r"\(#any-of\?\s+@[\w.]+((?:\s+\"(?:[^\"\\]|\\.)*\")+)\s*\)")


def _check(entry: str, value: str) -> str:
    path = value.strip()
    path = (path[2:] if path.startswith("./") else path).rstrip("/")
    parts = path.split("/")
    if not path or any(p in ("", ".", "..") or not _SEGMENT.match(p) for p in parts):
        raise BadInput(f"path map {entry!r}: {value!r} is not a relative path of plain names "
                       "(letters, digits, `_`, `-`, `.`; no `..`)")
    if any(p.lower() == ".git" for p in parts):
        raise BadInput(f"path map {entry!r}: {value!r} is inside .git/")
    return path


@dataclass(frozen=True)
class PathMap:
    """``OLD -> NEW`` directory (or file) prefixes, longest ``OLD`` first."""

    entries: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]], where: str = "path map") -> PathMap:
        out: dict[str, str] = {}
        for old_raw, new_raw in pairs:
            entry = f"{old_raw}={new_raw}"
            old, new = _check(entry, old_raw), _check(entry, new_raw)
            if old in out and out[old] != new:
                raise BadInput(f"{where}: {old!r} is mapped twice ({out[old]!r} and {new!r})")
            out[old] = new
        return cls(tuple(sorted(out.items(), key=lambda kv: (-len(kv[0]), kv[0]))))

    @classmethod
    def parse(cls, values: Iterable[str]) -> PathMap:
        """From ``--path-map OLD=NEW`` values."""
        pairs = []
        for value in values:
            old, sep, new = value.partition("=")
            if not sep:
                raise BadInput(f"--path-map {value!r}: expected OLD=NEW, e.g. fluxer_app=apps/web")
            pairs.append((old, new))
        return cls.of(pairs, "--path-map")

    def over(self, base: PathMap) -> PathMap:
        """This map, with ``base``'s entries for the names it does not map (the command line
        over the config file)."""
        mine = dict(self.entries)
        return PathMap.of([*mine.items(), *((o, n) for o, n in base.entries if o not in mine)])

    def __bool__(self) -> bool:
        return bool(self.entries)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        names = "|".join(re.escape(old) for old, _ in self.entries)
        return re.compile(f"{_BEFORE}({names}){_AFTER}")

    def path(self, path: str) -> str:
        """``path`` in the fork: its longest mapped prefix replaced."""
        for old, new in self.entries:
            if path == old or path.startswith(old + "/"):
                return new + path[len(old):]
        return path

    def text(self, text: str) -> str:
        """Every mapped path in free text (a snippet, a pattern, a regex) replaced."""
        if not self.entries:
            return text
        table = dict(self.entries)

        def replace(m: re.Match[str]) -> str:
            start = m.start()
            while start and text[start - 1] in _PATH_CHARS:
                start -= 1
            lead = text[start : m.start()]  # the path before the name
            if _RELATIVE_LEAD.match(lead) or (lead.startswith("/") and not lead.startswith("//")
                                               and not text[:start].endswith(":")):
                return table[m.group(1)]
            return m.group(0)

        return self._pattern.sub(replace, text)

    def query_source(self, source: str) -> str:
        """A query's text with its string literals mapped (``#any-of?`` lists extended)."""

        def any_of(m: re.Match[str]) -> str:
            strings = _STRING.findall(m.group(1))
            added = [s for s in dict.fromkeys(self.text(s) for s in strings) if s not in strings]
            if not added:
                return m.group(0)
            tail = "".join(f' "{s}"' for s in added)
            return m.group(0)[: m.end(1) - m.start(0)] + tail + m.group(0)[m.end(1) - m.start(0):]

        out, last = [], 0
        for m in _ANY_OF.finditer(source):  # leave these lists to `any_of`, map every other string
            out.append(_STRING.sub(lambda s: f'"{self.text(s.group(1))}"', source[last:m.start()]))
            out.append(any_of(m))
            last = m.end()
        out.append(_STRING.sub(lambda s: f'"{self.text(s.group(1))}"', source[last:]))
        return "".join(out)

    # -- the catalogue ---------------------------------------------------------------------

    def catalogue(self, catalogue: Catalogue) -> Catalogue:
        """``catalogue`` with every path the fixes read or write mapped."""
        if not self.entries:
            return catalogue
        return replace(catalogue, patches=tuple(self.patch(p) for p in catalogue.patches))

    def patch(self, patch: Patch) -> Patch:
        """``patch`` with its paths mapped."""
        return replace(
            patch,
            steps=tuple(self._step(s) for s in patch.steps),
            fixed_upstream=tuple(self._recogniser(r) for r in patch.fixed_upstream),
            obsolete=self._obsolete(patch.obsolete),
            next_steps=tuple(replace(n, file=self.path(n.file)) if n.file else n for n in patch.next_steps),
        )

    def _query(self, path: Path | None) -> Path | None:
        if path is None:
            return None
        from fluxer_patcher.syntax import queries

        source = read_regular_text(path)
        mapped = self.query_source(source)
        return path if mapped == source else queries.rewritten(path, mapped)

    def _step(self, step: Step) -> Step:
        return replace(
            step,
            file=self.path(step.file),
            moved=tuple(self.path(m) for m in step.moved),
            query=self._query(step.query),
            present=self._query(step.present),
            params=self._value(step.params),
            where={k: tuple(self.text(v) for v in vs) for k, vs in step.where.items()},
        )

    def _recogniser(self, recogniser: Recogniser) -> Recogniser:
        return replace(
            recogniser,
            files=tuple(self.path(f) for f in recogniser.files),
            when_present=tuple(self.path(f) for f in recogniser.when_present),
            query=self._query(recogniser.query),
            pattern=None if recogniser.pattern is None else self.text(recogniser.pattern),
        )

    def _obsolete(self, obsolete: Obsolete | None) -> Obsolete | None:
        if obsolete is None:
            return None

        def texts(items: tuple[Text, ...]) -> tuple[Text, ...]:
            return tuple(Text(t.text, tuple(self.path(p) for p in t.paths)) for t in items)

        return replace(
            obsolete,
            missing=tuple(self.path(p) for p in obsolete.missing),
            exists=tuple(self.path(p) for p in obsolete.exists),
            absent=texts(obsolete.absent),
            found=texts(obsolete.found),
        )

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self._value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._value(v) for v in value)
        return value
