"""Plain value classes: equality, hash and repr by the fields named in ``__slots__``.

Not dataclasses: importing :mod:`dataclasses` costs about 13 ms (it imports :mod:`inspect`),
and creating each one about a millisecond; the modules a replay or ``branch`` imports build
their values on :class:`Record` instead.  Imports nothing of the package."""

from __future__ import annotations


class Record:
    """A value made of the fields named in ``__slots__`` (in that order for its repr)."""

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and type(other) is type(self) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"


class FrozenRecord(Record):
    """A :class:`Record` whose fields cannot be assigned after ``__init__`` (which sets them
    with :meth:`_init`); pickled by its fields."""

    __slots__ = ()

    def _init(self, *values: object) -> None:
        names: tuple[str, ...] = self.__slots__
        for name, value in zip(names, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), self._fields()
