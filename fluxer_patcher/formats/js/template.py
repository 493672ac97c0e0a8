"""A fix's expression as a template: ``{{name}}`` holes that match any sub-expression.

``'X' in process.env ? process.env.X : {{url}}`` matches the fix whatever its default; the
hole's binding says what the default is, and a binding that is itself the template is the
fix applied twice (a nested duplicate).  Comparison is structural, as in :mod:`.structure`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fluxer_patcher.formats.js import structure
from fluxer_patcher.record import dataclass
from fluxer_patcher.syntax.document import Document

if TYPE_CHECKING:
    from tree_sitter import Node

_HOLE = re.compile(r"\{\{([\w-]+)\}\}")
_PREFIX = "__fluxer_patch_hole_"


@dataclass(frozen=True)
class Template:
    doc: Document
    node: Node
    holes: tuple[str, ...]

    @classmethod
    def parse(cls, language: str, text: str) -> Template:
        """``text`` with each ``{{name}}`` read as a hole (namespaced placeholders are not holes)."""
        holes = tuple(dict.fromkeys(m.group(1) for m in _HOLE.finditer(text)))
        source = _HOLE.sub(lambda m: f"{_PREFIX}{holes.index(m.group(1))}", text)
        doc, node = structure.parse_expression(language, source)
        return cls(doc, node, holes)

    def match(self, doc: Document, node: Node) -> dict[str, Node] | None:
        """The holes' bindings when ``node`` has the template's shape, else ``None``."""
        bindings: dict[str, Node] = {}
        if not _unify(doc, node, self.doc, self.node, bindings):
            return None
        return {self.holes[int(k.removeprefix(_PREFIX))]: v for k, v in bindings.items()}

    def fixed_parts(self) -> list[Node]:
        """The template's largest sub-expressions without a hole (the fix's own pieces)."""
        return [c for c in self.node.named_children if c.type != "comment" and not self._has_hole(c)]

    def _has_hole(self, node: Node) -> bool:
        return _PREFIX in self.doc.text(node)


def _hole(doc: Document, node: Node) -> str | None:
    if node.type == "identifier" and doc.text(node).startswith(_PREFIX):
        return doc.text(node)
    return None


def _parts(node: Node) -> list[Node]:
    return [c for c in node.children if c.type not in ("comment", ",", ";")]


def _unify(doc: Document, node: Node, tdoc: Document, tnode: Node, bindings: dict[str, Node]) -> bool:
    hole = _hole(tdoc, tnode)
    if hole is not None:
        seen = bindings.get(hole)
        if seen is not None:
            return structure.fingerprint(doc, seen) == structure.fingerprint(doc, node)
        bindings[hole] = node
        return True
    node, tnode = structure.unparen(node), structure.unparen(tnode)
    if node.type != tnode.type:
        return False
    if node.type == "string" or node.child_count == 0 or tnode.child_count == 0:
        return structure.fingerprint(doc, node) == structure.fingerprint(tdoc, tnode)
    mine, theirs = _parts(node), _parts(tnode)
    if len(mine) != len(theirs):
        return False
    return all(_unify(doc, a, tdoc, b, bindings) for a, b in zip(mine, theirs, strict=True))
