"""An in-memory overlay on a :class:`~fluxer_patcher.source.Source`.

Fixes run one after another against the overlay, so a later fix sees the text an earlier
one produced, and nothing reaches the disk until every fix has been computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from fluxer_patcher.errors import BadInput
from fluxer_patcher.source import Source


class NotUtf8(BadInput):
    """A target file is not UTF-8 text (bad input, not a per-fix error)."""

    def __init__(self, path: str, exc: UnicodeDecodeError) -> None:
        super().__init__(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})")


@dataclass(frozen=True)
class FileChange:
    path: str
    before: bytes
    after: bytes


class Workspace:
    def __init__(self, source: Source) -> None:
        self.source = source
        self._original: dict[str, bytes] = {}
        self._current: dict[str, bytes] = {}

    # Source protocol: reads see staged text; the rest is the underlying tree.
    @property
    def label(self) -> str:
        return self.source.label

    def read(self, path: str) -> bytes:
        if path in self._current:
            return self._current[path]
        data = self.source.read(path)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotUtf8(path, exc) from None
        self._original[path] = data
        self._current[path] = data
        return data

    def is_file(self, path: str) -> bool:
        return path in self._current or self.source.is_file(path)

    def list_dir(self, path: str) -> list[str]:
        return self.source.list_dir(path)

    def mode(self, path: str) -> int | None:
        return self.source.mode(path)

    def version(self, path: str) -> str | None:
        return None if self._current.get(path) != self._original.get(path) else self.source.version(path)

    def stage(self, path: str, data: bytes) -> None:
        if path not in self._current:
            self.read(path)
        self._current[path] = data

    def changes(self) -> list[FileChange]:
        return [
            FileChange(path, self._original[path], data)
            for path, data in self._current.items()
            if data != self._original[path]
        ]
