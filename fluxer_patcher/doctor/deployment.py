"""A deployment directory's files, each read and parsed once, on demand.

The guide's layout: ``config/config.json``, ``config/livekit.yaml``, a Compose file and
``.env``.  A file that is not valid JSON (strict, as the server's ``JSON.parse`` reads it)
or YAML is :class:`Malformed`: one line naming the file, line and column.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxer_patcher.errors import BadInput
from fluxer_patcher.files import read_regular
from fluxer_patcher.formats.compose import model as compose
from fluxer_patcher.formats.data.datatree import DataView
from fluxer_patcher.model import ReasonKind, Status
from fluxer_patcher.syntax.document import Document

if TYPE_CHECKING:
    from tree_sitter import Node

CONFIG = "config/config.json"
LIVEKIT = "config/livekit.yaml"
ENV = ".env"

SERVER_ROLES: tuple[compose.Role, ...] = (
    {"image": r"fluxer[-_]server"},
    {"build.dockerfile": r"fluxer_server/"},
    {"environment.FLUXER_CONFIG": r"."},
    {compose.NAME: r"^fluxer[-_]server$"},
)


class Malformed(BadInput, ValueError):
    """A deployment file is not valid JSON / YAML; ``str()`` is ``file:line:col: ...``."""


class Unavailable(Exception):
    """A file a check needs is missing or unreadable."""

    def __init__(self, status: Status, reason: str, kind: ReasonKind = ReasonKind.FILE_MISSING) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.kind = kind


class Deployment:
    """The files of a deployment directory, each read and parsed once, on demand."""

    def __init__(self, root: Path, compose_file: str | None = None) -> None:
        self.root = root
        self.compose_file = compose_file or next(
            (name for name in compose.COMPOSE_FILES if (root / name).is_file()), compose.COMPOSE_FILES[0]
        )
        self._docs: dict[str, Document | Unavailable] = {}
        self._views: dict[str, DataView] = {}
        self._data: dict[str, Any] = {}
        self._services: list[compose.Service] | None = None

    def present(self) -> list[str]:
        return [f for f in (CONFIG, LIVEKIT, self.compose_file, ENV) if (self.root / f).exists()]

    def validate(self) -> None:
        """Parse every data file there is; :class:`Malformed` for the first that is not valid."""
        for path in (CONFIG, LIVEKIT, self.compose_file):
            try:
                self.doc(path)
            except Unavailable:
                continue

    def raw(self, path: str) -> bytes:
        try:
            return read_regular(self.root / path)
        except FileNotFoundError:
            raise Unavailable(Status.DRIFTED, f"{path}: not found") from None
        except IsADirectoryError:
            raise Unavailable(Status.ERROR, f"{path}: is a directory, expected a file") from None
        except OSError as exc:
            raise Unavailable(Status.ERROR, f"{path}: {exc.strerror or exc}") from None

    def doc(self, path: str) -> Document:
        cached = self._docs.get(path)
        if isinstance(cached, Unavailable):
            raise cached
        if cached is not None:
            return cached
        try:
            data = self.raw(path)
        except Unavailable as missing:
            self._docs[path] = missing
            raise
        self._docs[path] = document = _parse(path, data)
        return document

    def view(self, path: str) -> DataView:
        if path not in self._views:
            self._views[path] = DataView(self.doc(path))
        return self._views[path]

    def data(self, path: str) -> Any:
        """The file's data (shared between checks: read it, do not change it)."""
        if path not in self._data:
            view = self.view(path)
            self._data[path] = view.value(view.root)
        return self._data[path]

    @cached_property
    def env(self) -> dict[str, tuple[int, str]]:
        """``.env`` as name → (line, value); empty when there is none."""
        try:
            text = self.raw(ENV).decode("utf-8", "replace")
        except Unavailable:
            return {}
        out: dict[str, tuple[int, str]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or "=" not in stripped:
                continue
            name, _, value = stripped.removeprefix("export ").partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            out[name.strip()] = (number, value)
        return out

    # -- compose ------------------------------------------------------------------------

    def services(self) -> list[compose.Service]:
        """The Compose services, their values interpolated from ``.env`` as Compose would."""
        if self._services is None:
            env = {name: value for name, (_line, value) in self.env.items()}
            self._services = [compose.with_env(s, env) for s in compose.services(self.view(self.compose_file))]
        return self._services

    def find(self, role: compose.Role) -> list[compose.Service]:
        return [s for s in self.services() if compose.plays(s, role)]

    def server(self) -> compose.Service:
        for role in SERVER_ROLES:
            found = self.find(role)
            if len(found) == 1:
                return found[0]
        raise Unavailable(Status.DRIFTED, f"{self.compose_file}: no Fluxer server service (one running the "
                                          "fluxer-server image, or built from fluxer_server/Dockerfile)",
                          ReasonKind.MISCONFIGURED)

    def by_host(self, host: str) -> compose.Service | None:
        return next((s for s in self.services() if host in compose.hostnames(s)), None)


def _parse(path: str, data: bytes) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    if path.endswith(".json"):
        try:
            json.loads(text)  # strict, like the server's JSON.parse: no comments, no trailing commas
        except json.JSONDecodeError as exc:
            raise Malformed(f"{path}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}") from None
        return Document(path, data, "json")
    doc = Document(path, data, "yaml")
    if doc.root.has_error:
        line, column = _yaml_error_position(data)
        raise Malformed(f"{path}:{line}:{column}: malformed YAML")
    _check_aliases(path, DataView(doc))
    return doc


MAX_EXPANDED_NODES = 200_000  # a real LiveKit or Compose file, aliases expanded, has a few thousand


def _check_aliases(path: str, view: DataView) -> None:
    """Refuse a YAML file whose aliases expand past :data:`MAX_EXPANDED_NODES` nodes (an alias
    bomb: nine anchors of nine aliases each make a billion) or refer to themselves, counted
    in one pass over the tree (each anchored node sized once) before anything expands them."""
    anchors = view.anchors
    sizes: dict[int, int] = {}
    following: set[int] = set()  # aliases whose target is being sized
    stack: list[tuple[Node, bool]] = [(view.doc.root, False)]
    while stack:
        node, children_done = stack.pop()
        if node.id in sizes:
            continue
        if node.type == "alias":
            name = node.text.decode("utf-8", "replace")[1:] if node.text is not None else ""
            target = anchors.get(name)
            if target is None or target.id in sizes:
                sizes[node.id] = 1 + (sizes[target.id] if target is not None else 0)
            elif children_done:
                sizes[node.id] = 1 + sizes[target.id]
                following.discard(node.id)
            elif node.id in following:
                raise Malformed(f"{view.doc.loc(node)}: the alias *{name} refers to itself; refused")
            else:
                following.add(node.id)
                stack += [(node, True), (target, False)]
                continue
        elif not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in node.children)
            continue
        else:
            sizes[node.id] = 1 + sum(sizes.get(child.id, 0) for child in node.children)
        if sizes[node.id] > MAX_EXPANDED_NODES:
            raise Malformed(f"{path}: its aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                            "(an alias bomb?); refused")


def _yaml_error_position(data: bytes) -> tuple[int, int]:
    """Line and column (1-based) of the line where the file stops parsing.

    tree-sitter's error nodes often span from the start of the enclosing mapping; the line
    after which a prefix of the file no longer parses is the one a person has to look at.
    Found by bisection over line counts (a few parses, not one per line: 8,000 lines took
    over a minute one prefix at a time)."""
    lines = data.splitlines(keepends=True)
    starts = [0]
    for text in lines:
        starts.append(starts[-1] + len(text))

    def broken(count: int) -> bool:
        return Document("<prefix>", data[: starts[count]], "yaml").root.has_error

    good, bad = 0, len(lines)  # the empty prefix parses; the whole file does not
    while bad - good > 1:
        middle = (good + bad) // 2
        if broken(middle):
            bad = middle
        else:
            good = middle
    if not lines:
        return 1, 1
    last = lines[bad - 1]
    return bad, len(last) - len(last.lstrip(b" ")) + 1


