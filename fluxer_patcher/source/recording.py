"""A :class:`~fluxer_patcher.source.worktree.WorkTree` that notes every answer it gives.

A run's results are a function of what it asked the tree and of what it was told (like a
compiler's depfile, or ccache's direct mode): every read (the bytes, or the error), every
probe of a path (present or absent), every listing, every whole-tree search.
:class:`RecordingTree` keeps those questions with a digest of each answer, and
:func:`still_holds` asks them again of a tree on disk: when every answer is the same, the
run would compute the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fluxer_patcher.digests import digest
from fluxer_patcher.source.worktree import WorkTree

TYPE_CHECKING = False  # typing's, without importing typing (a replay asks the answers again)
if TYPE_CHECKING:
    from typing import Any, cast
else:
    def cast(_type: object, value: object) -> object:
        return value

# One question: the method and its arguments, e.g. ("read", "Dockerfile"); only strings,
# booleans and tuples of strings, so that it can be stored (marshal) and compared.
Question = tuple[object, ...]


def _names(names: Sequence[str]) -> str:
    return digest("\0".join(names).encode("utf-8", "surrogateescape"))


def _failure(exc: Exception) -> str:
    return f"!{type(exc).__module__}.{type(exc).__qualname__}: {exc}"


# What a tree is asked, and how each answer is digested.
_DIGESTS: dict[str, Callable[[Any], str]] = {
    "read": digest,
    "is_file": str,
    "list_dir": _names,
    "mode": repr,
    "identity": repr,
    "paths": _names,
    "grep": _names,
}


def ask(tree: WorkTree, question: Question) -> tuple[object, str]:
    """The answer of ``tree`` to ``question`` and its digest (an error is an answer too:
    it is re-raised by :class:`RecordingTree`, and compared by its type and message)."""
    method, args = question[0], question[1:]
    if method == "label":
        return tree.label, tree.label
    if not isinstance(method, str) or method not in _DIGESTS:
        raise ValueError(f"not a question a tree answers: {method}")
    try:
        value = getattr(tree, method)(*args)
    except Exception as exc:  # what the tree raised is part of its answer
        return exc, _failure(exc)
    return value, _DIGESTS[method](value)


def still_holds(tree: WorkTree, answers: Sequence[tuple[Question, str]]) -> bool:
    """Whether ``tree`` gives every recorded answer again (it stops at the first that differs)."""
    try:
        return all(ask(tree, question)[1] == answer for question, answer in answers)
    except (ValueError, IndexError, TypeError):  # an entry not written by this version: a miss
        return False


class RecordingTree:
    """A working tree that records every question asked and a digest of its answer.

    It offers what the engine, the obsolete-condition search and the drift explanations use
    of a :class:`WorkTree` (the :class:`~fluxer_patcher.source.base.Source` protocol, ``paths``
    and ``grep``), and nothing else: a new way to look at the tree has to be added here, or
    it fails loudly instead of going unrecorded."""

    def __init__(self, tree: WorkTree) -> None:
        self.tree = tree
        self.answers: dict[Question, str] = {}

    @property
    def label(self) -> str:
        return cast("str", self._ask(("label",)))

    def _ask(self, question: Question) -> Any:
        value, answer = ask(self.tree, question)
        self.answers.setdefault(question, answer)
        if isinstance(value, Exception):
            raise value
        return value

    def read(self, path: str) -> bytes:
        return cast("bytes", self._ask(("read", path)))

    def is_file(self, path: str) -> bool:
        return cast("bool", self._ask(("is_file", path)))

    def list_dir(self, path: str) -> list[str]:
        return cast("list[str]", self._ask(("list_dir", path)))

    def mode(self, path: str) -> int | None:
        return cast("int | None", self._ask(("mode", path)))

    def identity(self, path: str) -> str | None:
        return cast("str | None", self._ask(("identity", path)))

    def paths(self) -> list[str]:
        return cast("list[str]", self._ask(("paths",)))

    def grep(self, literals: Sequence[str], globs: Sequence[str], word: bool = False) -> list[str]:
        return cast("list[str]", self._ask(("grep", tuple(literals), tuple(globs), bool(word))))

