"""Query predicates beyond tree-sitter's own, by name.

A predicate is ``(#name? @capture "arg" ...)`` in a query; its function gets the
arguments and the match's captures and says whether the match stands.  ``#inside?``,
``#not-inside?`` and ``#type?`` (the node types :mod:`.shallow` leaves to Python) are
built in; a file kind registers its own (the Dockerfile's ``#stage?``) with
:func:`register` when its module is imported, so the query runner imports no format.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fluxer_patcher.errors import CatalogueProblem

if TYPE_CHECKING:
    from tree_sitter import Node

Args = list[tuple[str, str]]  # (value, "capture" | "string")
Predicate = Callable[[Args, dict[str, list["Node"]]], bool]


class QueryError(CatalogueProblem):
    """A query file is malformed, or uses a predicate wrongly."""


class PredicateError(QueryError):
    """A query uses a predicate wrongly, or one nobody registered."""


_PREDICATES: dict[str, Predicate] = {}


def register(name: str, func: Predicate) -> None:
    """Make ``(#name ...)`` available to queries (``name`` with its ``?``)."""
    _PREDICATES[name] = func


def evaluate(name: str, args: Args, captures: dict[str, list[Node]]) -> bool:
    func = _PREDICATES.get(name)
    if func is None:
        raise PredicateError(f"unknown predicate #{name}")
    return func(args, captures)


def capture_nodes(name: str, args: Args, arity: int, usage: str, captures: dict[str, list[Node]]) -> list[Node]:
    """The nodes of the predicate's first argument, a capture; checks the argument count."""
    if len(args) != arity or args[0][1] != "capture":
        raise PredicateError(f"#{name} takes {usage}")
    return captures.get(args[0][0], [])


def _name_of(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    return name.text.decode("utf-8") if name is not None and name.text is not None else None


def inside(node: Node, node_type: str, name: str) -> bool:
    """Whether the nearest ancestor of ``node_type`` is named ``name``."""
    parent = node.parent
    while parent is not None:
        if parent.type == node_type:
            return _name_of(parent) == name
        parent = parent.parent
    return False


def _inside(args: Args, captures: dict[str, list[Node]]) -> bool:
    nodes = capture_nodes("inside?", args, 3, '@capture "node type" "name"', captures)
    return all(inside(n, args[1][0], args[2][0]) for n in nodes)


def _not_inside(args: Args, captures: dict[str, list[Node]]) -> bool:
    nodes = capture_nodes("not-inside?", args, 3, '@capture "node type" "name"', captures)
    return not all(inside(n, args[1][0], args[2][0]) for n in nodes)


def _type(args: Args, captures: dict[str, list[Node]]) -> bool:
    """``(#type? @a "call_expression" @b "member_expression" ...)``: each capture's nodes are of its type."""
    if not args or len(args) % 2 or any(kind != "capture" for _, kind in args[::2]):
        raise PredicateError('#type? takes pairs of @capture "node type"')
    return all(node.type == args[k + 1][0] for k in range(0, len(args), 2) for node in captures.get(args[k][0], ()))


register("inside?", _inside)
register("not-inside?", _not_inside)
register("type?", _type)
