"""Where a workspace stands on one npm dependency: the catalog's range and the lockfile's resolutions.

pnpm reads a catalog entry (``catalog:`` / ``catalogs:`` of ``pnpm-workspace.yaml``) and
checks it against ``pnpm-lock.yaml``; ``pnpm install --frozen-lockfile`` fails when they
disagree.  A dependency fix counts only when both carry it: :func:`dependency_state` says
which of the two is at a version.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fluxer_patcher.formats.data.datatree import DataView, is_mapping, unwrap
from fluxer_patcher.formats.pnpm import lockscan
from fluxer_patcher.formats.pnpm.semver import Version, range_floor
from fluxer_patcher.record import dataclass
from fluxer_patcher.source.base import FileMissing
from fluxer_patcher.syntax.document import Document

if TYPE_CHECKING:
    from tree_sitter import Node

    from fluxer_patcher.source.base import Source

WORKSPACE = "pnpm-workspace.yaml"
LOCKFILE = "pnpm-lock.yaml"


@dataclass(frozen=True)
class Pin:
    """What one file says of the dependency: its versions (the lowest a range admits, or each
    resolution) with their locations."""

    file: str
    versions: tuple[tuple[Version, str], ...]

    def at_least(self, minimum: Version) -> bool:
        return bool(self.versions) and all(v >= minimum for v, _ in self.versions)

    def describe(self) -> str:
        if not self.versions:
            return f"{self.file} does not name it"
        return ", ".join(f"{v} at {where}" for v, where in self.versions)


@dataclass(frozen=True)
class DependencyState:
    package: str
    minimum: Version
    catalog: Pin
    lockfile: Pin

    @property
    def fixed(self) -> bool:
        return self.catalog.at_least(self.minimum) and self.lockfile.at_least(self.minimum)

    @property
    def half_fixed(self) -> Pin | None:
        """The one file (catalog or lockfile) at the version while the other is not."""
        cat, lock = self.catalog.at_least(self.minimum), self.lockfile.at_least(self.minimum)
        if cat == lock:
            return None
        return self.catalog if cat else self.lockfile


def _read(source: Source, path: str, package: str | None = None) -> DataView | None:
    """The file at ``path``; with ``package``, a lockfile cut down to what concerns it (the
    same lines and columns: see :mod:`.lockscan`), whole when the cut does not parse clean."""
    try:
        data = source.read(path)
    except FileMissing:
        return None
    if package is not None:
        cut = lockscan.reduced(data, package)
        if cut is not data:
            view = DataView(Document(path, cut, "yaml"))
            if not view.doc.root.has_error:
                return view
    return DataView(Document(path, data, "yaml"))


def _text(view: DataView, node: Node | None) -> str | None:
    """A scalar's text as written (a plain ``1.10`` is a version here, not a float)."""
    value = view.value(node)
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, str):
        return value
    inner = unwrap(node)
    return view.doc.text(inner) if inner is not None else None


def _catalogs(view: DataView) -> list[Node]:
    """The catalog mappings of a workspace file or lockfile: ``catalog`` and each of ``catalogs``."""
    root = view.root
    if not is_mapping(root):
        return []
    found = []
    single = view.get(root, "catalog")
    if is_mapping(single):
        assert single is not None
        found.append(single)
    named = view.get(root, "catalogs")
    if is_mapping(named):
        for entry in view.entries(named):
            if is_mapping(entry.value):
                assert entry.value is not None
                found.append(entry.value)
    return found


_PEERS = re.compile(r"\(.*$")


def _version(text: str) -> Version | None:
    try:
        return Version.parse(_PEERS.sub("", text))
    except ValueError:
        return None


def catalog_pin(source: Source, package: str) -> Pin:
    """The lowest version each catalog range of ``package`` in ``pnpm-workspace.yaml`` admits."""
    view = _read(source, WORKSPACE)
    out: list[tuple[Version, str]] = []
    if view is not None:
        for catalog in _catalogs(view):
            entry = view.entry(catalog, package)
            spec = _text(view, entry.value) if entry is not None else None
            floor = range_floor(spec) if spec is not None else None
            if entry is not None and floor is not None:
                out.append((floor, view.doc.loc(entry.key_node)))
    return Pin(WORKSPACE, tuple(out))


def lockfile_pin(source: Source, package: str) -> Pin:
    """Every version of ``package`` ``pnpm-lock.yaml`` resolves: its catalog entries and its
    ``packages`` and ``snapshots`` keys (``name@version(peers)``)."""
    view = _read(source, LOCKFILE, package)
    out: list[tuple[Version, str]] = []
    if view is not None:
        for catalog in _catalogs(view):
            entry = view.entry(catalog, package)
            if entry is None or not is_mapping(entry.value):
                continue
            text = _text(view, view.get(entry.value, "version"))
            version = _version(text) if text is not None else None
            if version is not None:
                out.append((version, view.doc.loc(entry.key_node)))
        for section in ("packages", "snapshots"):
            table = view.get(view.root, section) if is_mapping(view.root) else None
            if not is_mapping(table):
                continue
            for entry in view.entries(table):
                name, sep, rest = _PEERS.sub("", entry.key).rpartition("@")
                version = _version(rest) if sep and name == package else None
                if version is not None:
                    out.append((version, view.doc.loc(entry.key_node)))
    return Pin(LOCKFILE, tuple(out))


# The pins by (package, the two files' bytes): a dictionary key of bytes hashes them once per
# object (Python keeps a bytes object's hash) and compares an object with itself by identity,
# so the callers of one run, handed the same bytes by the source, do not digest a 700 KB
# lockfile each time.  Few entries: each holds a lockfile.
_PINS: dict[tuple[str, bytes | None, bytes | None], tuple[Pin, Pin]] = {}
_MAX_PINS = 8


def _content(source: Source, path: str) -> bytes | None:
    try:
        return source.read(path)
    except FileMissing:
        return None


def dependency_state(source: Source, package: str, minimum: str) -> DependencyState:
    """Where the workspace of ``source`` stands on ``package`` against version ``minimum``.

    A missing file names nothing.  Raises ``ValueError`` when ``minimum`` is not a version.
    The pins are read once per content of the two files (a lockfile has thousands of
    entries; every caller of one fix asks the same question)."""
    floor = Version.parse(minimum)
    key = (package, _content(source, WORKSPACE), _content(source, LOCKFILE))
    pins = _PINS.get(key)
    if pins is None:
        if len(_PINS) >= _MAX_PINS:
            _PINS.clear()
        pins = _PINS[key] = (catalog_pin(source, package), lockfile_pin(source, package))
    return DependencyState(package, floor, *pins)
