"""What a name stands for in a JavaScript/TypeScript file, read from the file itself.

A fork may build a value under a name and use the name where upstream writes the literal
(``const styleSrc = [...]; createAppServer({cspDirectives: {styleSrc}})``).  A fix that edits
the literal then edits the array the name is declared with, when that is certain: one
``const`` in the nearest scope around the use that declares the name, before the use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxer_patcher.formats.js.structure import named, unparen
from fluxer_patcher.syntax.document import Document, walk

if TYPE_CHECKING:
    from tree_sitter import Node

NAMES = frozenset({"identifier", "shorthand_property_identifier"})
_SCOPES = frozenset({"statement_block", "program"})
_WRAPPERS = frozenset({"as_expression", "satisfies_expression", "non_null_expression"})


def const_array(doc: Document, use: Node) -> tuple[Node, list[Node]] | str:
    """The array literal the name ``use`` stands for, with the arguments of every
    ``NAME.push(...)`` in that scope; or why it is not certain (a phrase)."""
    name = doc.text(use)
    node = use.parent
    while node is not None:
        if node.type in _SCOPES:
            found = _declared(doc, node, name)
            if found is not None:
                kind, value = found
                if kind != "const":
                    return f"is declared with `{kind}` (it may be reassigned)"
                if value is None or value.start_byte > use.start_byte:
                    return "is not declared with a value before it is used"
                while value.type in _WRAPPERS and value.named_children:
                    value = named(value)[0]
                value = unparen(value)
                if value.type != "array":
                    return f"is declared as {value.type}, not an array literal"
                return value, _pushed(doc, node, name)
        node = node.parent
    return "is not declared in this file"


def _declared(doc: Document, scope: Node, name: str) -> tuple[str, Node | None] | None:
    """(``const``/``let``/``var``, its value) of the declaration of ``name`` among the
    statements of ``scope``; None when none declares it."""
    for statement in named(scope):
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in named(statement):
            if declarator.type != "variable_declarator":
                continue
            target = declarator.child_by_field_name("name")
            if target is not None and target.type == "identifier" and doc.text(target) == name:
                kind = statement.children[0].type if statement.children else "var"
                return kind, declarator.child_by_field_name("value")
    return None


def _pushed(doc: Document, scope: Node, name: str) -> list[Node]:
    """The arguments of ``name.push(...)`` calls in ``scope``."""
    out: list[Node] = []
    for node in walk(scope):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if callee is None or arguments is None or callee.type != "member_expression":
            continue
        obj, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
        if obj is not None and prop is not None and doc.text(obj) == name and doc.text(prop) == "push":
            out.extend(named(arguments))
    return sorted(out, key=lambda n: n.start_byte)
