"""The one in-memory overlay on a :class:`~fluxer_patcher.source.base.Source`.

Fixes run one after another against an overlay, so a later fix sees the text an earlier
one produced, and nothing reaches the disk until every fix has been computed.  A fix runs
in a :meth:`Overlay.layer` of its own: its steps stage into the layer, and the layer is
merged into its parent only when the whole fix succeeded.  A layer can record every path
it is asked about (what a fix's result depends on, for caching along a history), and
:meth:`Overlay.identity` names what an input is (an object id, staged text, a listing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from fluxer_patcher.model import FileChange
from fluxer_patcher.source.base import NotUtf8, Source


class Overlay:
    def __init__(self, base: Source, *, record: bool = False) -> None:
        self.base = base
        self._checks_text = not isinstance(base, Overlay)  # a parent overlay already checked
        self._original: dict[str, bytes] = {}
        self._current: dict[str, bytes] = {}
        self._names: dict[str, str] = {}
        self.reads: dict[str, None] | None = {} if record else None
        self.searched = False  # a search of the tree (source.search) asked through this overlay

    def layer(self, *, record: bool = False) -> Overlay:
        """An overlay on this one, for one fix: merge it when the fix succeeded."""
        return Overlay(self, record=record)

    def merge(self) -> None:
        """Stage this layer's changes into the overlay below it."""
        assert isinstance(self.base, Overlay), "only a layer can be merged"
        for change in self.changes():
            self.base.stage(change.path, change.after)

    def _note(self, key: str) -> None:
        if self.reads is not None:
            self.reads[key] = None

    def note_read(self, path: str) -> None:
        """``path`` is an input of the fix reading through this overlay (read by a search)."""
        self._note(path)

    def note_search(self, paths: Sequence[str]) -> None:
        """A search of the tree under ``paths`` (the whole tree when empty) is an input: each
        directory searched, named as a path, so that its identity (a tree's id) changes
        whenever anything below it does; and a drift walk watches everything below it."""
        self.searched = True
        for path in paths or [""]:
            self._note(path.rstrip("/"))

    # -- the Source protocol: reads see staged text ------------------------------------

    @property
    def label(self) -> str:
        return self.base.label

    def read(self, path: str) -> bytes:
        self._note(path)
        if path in self._current:
            return self._current[path]
        data = self._below(path)
        self._current[path] = data
        return data

    def _below(self, path: str) -> bytes:
        """``path`` as the source below holds it (read once, checked as text)."""
        data = self._original.get(path)
        if data is None:
            data = self.base.read(path)
            if self._checks_text:
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise NotUtf8(path, exc) from None
            self._original[path] = data
        return data

    def on_disk(self, path: str) -> bytes:
        """``path`` as the source below every overlay holds it (what is on disk)."""
        if isinstance(self.base, Overlay):
            return self.base.on_disk(path)
        return self._below(path)

    def is_file(self, path: str) -> bool:
        self._note(path)
        return path in self._current or self.base.is_file(path)

    def list_dir(self, path: str) -> list[str]:
        self._note(path.rstrip("/") + "/")
        return self.base.list_dir(path)

    def mode(self, path: str) -> int | None:
        self._note(path)
        return self.base.mode(path)

    def identity(self, key: str) -> str | None:
        """What an input is here: staged text, an object id, or a directory's names.

        ``key`` is a path, or a directory path ending in ``/`` when only its listing was read
        (so adding a file under ``packages/x/`` does not re-run a fix that listed ``packages``)."""
        if key in self._current and self._current[key] != self._below(key):
            return "staged " + hashlib.sha1(self._current[key]).hexdigest()
        if key.endswith("/"):
            if key not in self._names:
                names = "\n".join(self.base.list_dir(key.rstrip("/")))
                self._names[key] = "names " + hashlib.sha1(names.encode("utf-8")).hexdigest()
            return self._names[key]
        return self.base.identity(key)

    # -- staging ----------------------------------------------------------------------

    def staged(self) -> dict[str, bytes]:
        """The text of every file this overlay has read or staged."""
        return dict(self._current)

    def stage(self, path: str, data: bytes) -> None:
        """Stage ``data`` as the text of ``path``.  What the source below holds is read when a
        question needs it (what changed, what the path is), not now: a drift walk stages the
        kept edits of many fixes and asks after few of them."""
        self._note(path)
        self._current[path] = data

    def changes(self) -> list[FileChange]:
        """What differs from the source below, per file, in the order files were first read."""
        return [
            FileChange(path, self._below(path), data)
            for path, data in self._current.items()
            if data != self._below(path)
        ]
