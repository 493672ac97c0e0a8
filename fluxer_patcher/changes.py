"""A file's bytes before and after the fixes (re-exported by :mod:`fluxer_patcher.model`;
apart, so that an ``apply`` replay writes with the model not imported)."""

from __future__ import annotations

from fluxer_patcher.record import dataclass


@dataclass(frozen=True)
class FileChange:
    """A file's bytes before and after the fixes."""

    path: str
    before: bytes
    after: bytes
