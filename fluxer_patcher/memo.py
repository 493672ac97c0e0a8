"""A bounded memo: what the process computed, by key, oldest out first past a limit.

The engine's caches of derived data (trees by text, walks by node, a script's commands, a
Compose file's services, a ``.dockerignore``'s patterns, quote votes, a path's last tree)
share it: their keys are content (bytes, or nodes of trees nobody edits), so a value never
goes stale, and the limit keeps a drift walk over many revisions from holding them all.
Imports nothing of the package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: dict[K, V] = {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made (and kept) on first use."""
        try:
            return self._items[key]
        except KeyError:
            value = make()
            self.put(key, value)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` as the newest, dropping the oldest past the limit."""
        self._items.pop(key, None)
        while self._items and len(self._items) >= self.limit:
            del self._items[next(iter(self._items))]
        self._items[key] = value

    def peek(self, key: K) -> V | None:
        """The value kept for ``key`` (``None``: none), left where it is."""
        return self._items.get(key)

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
