"""A file's bytes before and after the fixes (re-exported by :mod:`fluxer_patcher.model`;
apart, on :class:`~fluxer_patcher.record.FrozenRecord`, so that an ``apply`` replay writes
with neither the model nor :mod:`dataclasses` imported)."""

from __future__ import annotations

from fluxer_patcher.record import FrozenRecord


class FileChange(FrozenRecord):
    """A file's bytes before and after the fixes."""

    __slots__ = ("path", "before", "after")  # noqa: RUF023 - the constructor's order (and the repr's, as a dataclass's)
    path: str
    before: bytes
    after: bytes

    def __init__(self, path: str, before: bytes, after: bytes) -> None:
        self._init(path, before, after)
