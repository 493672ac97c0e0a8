"""A tree held in memory (tests, manifest examples) as a :class:`~fluxer_patcher.source.base.Source`."""

from __future__ import annotations

from collections.abc import Mapping

from fluxer_patcher.source.base import FileMissing, check_relative


class MemoryTree:
    """A tree held in a mapping ``{path: bytes | str}``; used by tests and manifest examples."""

    def __init__(self, files: Mapping[str, bytes | str], label: str = "<memory>") -> None:
        self.files = {p: (v.encode() if isinstance(v, str) else v) for p, v in files.items()}
        self._label = label

    @property
    def label(self) -> str:
        return self._label

    def read(self, path: str) -> bytes:
        check_relative(path)
        try:
            return self.files[path]
        except KeyError:
            raise FileMissing(path) from None

    def is_file(self, path: str) -> bool:
        return path in self.files

    def list_dir(self, path: str) -> list[str]:
        prefix = "" if path in ("", ".") else path.rstrip("/") + "/"
        names = {p[len(prefix) :].split("/", 1)[0] for p in self.files if p.startswith(prefix)}
        return sorted(names)

    def mode(self, path: str) -> int | None:
        return 0o644 if path in self.files else None

    def identity(self, path: str) -> str | None:
        return None
