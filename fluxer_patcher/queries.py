"""Running the tree-sitter queries of ``queries/``.

Conventions of a query file:

* ``@target`` marks the node a fix edits; one match of a pattern that captures
  ``@target`` is one target.
* Other captures (``@url``, ``@timer``) are values the fix's parameters can refer to as
  ``{url}``; captures starting with ``_`` are private to the query.
* Captures named ``@landmark.<what>`` belong to patterns that only explain drift: when the
  target is not found, the report says which landmarks still exist and where.

Besides tree-sitter's own predicates (``#eq?``, ``#match?``, ``#any-of?`` ...), queries
may use ``(#inside? @cap "<node type>" "<name>")``: the nearest ancestor of that type
(``method_definition``, ``function_declaration`` ...) has that name.  Dockerfile queries
may use ``(#stage? @cap "<name>")`` (the instruction belongs to the stage ``FROM … AS
<name>``) and ``(#last-stage? @cap)`` (it belongs to the file's last stage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher import languages

if TYPE_CHECKING:
    from tree_sitter import Node, Query

LANDMARK = "landmark."


class QueryError(ValueError):
    pass


@dataclass
class Match:
    pattern: int
    captures: dict[str, list[Node]] = field(default_factory=dict)

    def node(self, name: str) -> Node | None:
        nodes = self.captures.get(name)
        return nodes[0] if nodes else None

    @property
    def target(self) -> Node:
        node = self.node("target")
        assert node is not None
        return node


@cache
def compile_query(language: str, path: Path) -> Query:
    from tree_sitter import Query

    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot read query ({exc.strerror})") from None
    try:
        query = Query(languages.language(language), source)
    except Exception as exc:  # tree_sitter.QueryError and friends
        raise QueryError(f"{path}: invalid {language} query: {exc}") from None
    raw = source.encode("utf-8")
    for i in range(query.pattern_count):
        text = raw[query.start_byte_for_pattern(i) : query.end_byte_for_pattern(i)]
        if b"@" not in text or text.lstrip().startswith(b"(#"):
            line = raw.count(b"\n", 0, query.start_byte_for_pattern(i)) + 1
            raise QueryError(
                f"{path}:{line}: pattern captures nothing (a top-level predicate must sit inside "
                "the pattern's parentheses: `((node) @cap (#eq? @cap \"x\"))`)"
            )
    return query


def _name_of(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    return name.text.decode("utf-8") if name is not None and name.text is not None else None


def _inside(node: Node, node_type: str, name: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == node_type:
            return _name_of(parent) == name
        parent = parent.parent
    return False


def _predicate(name: str, args: list[tuple[str, str]], _pattern: int, captures: dict[str, list[Node]]) -> bool:
    if name in ("inside?", "not-inside?"):
        if len(args) != 3 or args[0][1] != "capture":
            raise QueryError(f"#{name} takes @capture \"node type\" \"name\"")
        nodes = captures.get(args[0][0], [])
        hit = all(_inside(n, args[1][0], args[2][0]) for n in nodes)
        return hit if name == "inside?" else not hit
    if name in ("stage?", "last-stage?"):
        return _stage_predicate(name, args, captures)
    raise QueryError(f"unknown predicate #{name}")


def _stage_predicate(name: str, args: list[tuple[str, str]], captures: dict[str, list[Node]]) -> bool:
    from fluxer_patcher import dockerfile

    arity = 2 if name == "stage?" else 1
    if len(args) != arity or args[0][1] != "capture":
        raise QueryError(f"#{name} takes @capture" + (' "stage name"' if arity == 2 else ""))
    nodes = captures.get(args[0][0], [])
    if name == "last-stage?":
        return all(dockerfile.is_last_stage(n) for n in nodes)
    wanted = args[1][0].lower()
    return all((stage := dockerfile.stage_of(n)) is not None and stage.name == wanted for n in nodes)


def run(query: Query, root: Node) -> list[Match]:
    from tree_sitter import QueryCursor

    cursor = QueryCursor(query)
    found = cursor.matches(root, predicate=_predicate)  # type: ignore[call-arg]  # stubs lag behind
    matches = [Match(pattern, dict(captures)) for pattern, captures in found]
    matches.sort(key=lambda m: (_first_start(m), m.pattern))
    return matches


def _first_start(match: Match) -> int:
    starts = [nodes[0].start_byte for nodes in match.captures.values() if nodes]
    return min(starts) if starts else 0


def split(matches: list[Match]) -> tuple[list[Match], dict[str, list[Node]]]:
    """Targets (matches capturing ``@target``, one per target node) and landmarks by name."""
    targets: dict[tuple[int, int], Match] = {}
    landmarks: dict[str, list[Node]] = {}
    for match in matches:
        for name, nodes in match.captures.items():
            if name.startswith(LANDMARK):
                seen = landmarks.setdefault(name[len(LANDMARK) :], [])
                for node in nodes:
                    if all(node != other for other in seen):
                        seen.append(node)
        target = match.node("target")
        if target is None:
            continue
        # Several patterns can match one node (a precise one and a catch-all): merge them.
        key = (target.start_byte, target.end_byte)
        if key in targets:
            for name, nodes in match.captures.items():
                targets[key].captures.setdefault(name, nodes)
        else:
            targets[key] = match
    return list(targets.values()), landmarks
