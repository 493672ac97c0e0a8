"""Primitives that reshape the arguments of a call or ``new`` expression."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import Param
from fluxer_patcher.engine.primitives import Answer, Apply, Drift, Edit, EditContext, Present, primitive
from fluxer_patcher.formats.js import structure
from fluxer_patcher.syntax.document import Document, one_line
from fluxer_patcher.syntax.grammars import JS_FAMILY

if TYPE_CHECKING:
    from tree_sitter import Node

_CALLS = {"call_expression", "new_expression"}
# Arguments that are strings by their syntax: only these are wrapped.
_STRING_LITERALS = {"string", "template_string"}
_KEYS = {"property_identifier", "string"}


def _key_text(doc: Document, key: Node) -> str:
    text = doc.text(key)
    return text[1:-1] if key.type == "string" else text


def object_keys(doc: Document, obj: Node) -> list[str]:
    """The keys an object literal spells out (``{a: 1, 'b': 2, c}`` → ``[a, b, c]``)."""
    keys = []
    for member in structure.named(obj):
        if member.type == "shorthand_property_identifier":
            keys.append(doc.text(member))
        elif member.type in ("pair", "method_definition"):
            key = member.child_by_field_name("key") or member.child_by_field_name("name")
            if key is not None and key.type in _KEYS:
                keys.append(_key_text(doc, key))
    return keys


def bracket_spacing(doc: Document) -> bool:
    """Whether the file writes one-line object literals as ``{ a }`` (else ``{a}``); a file
    without any follows upstream's formatter (biome ``bracketSpacing: false``)."""
    spaced = tight = 0
    for node in structure.objects(doc, doc.root):
        if doc.same_line(node.start_byte, node.end_byte) and structure.named(node):
            inner = doc.data[node.start_byte + 1 : node.start_byte + 2]
            if inner == b" ":
                spaced += 1
            else:
                tight += 1
    return spaced > tight


@primitive(
    "wrap-argument-in-object",
    Param("key", doc="the options key the argument becomes the value of", default="message"),
    languages=JS_FAMILY,
)
def wrap_argument_in_object(ctx: EditContext) -> Answer:
    """Turn the one string-literal argument of the call or ``new`` expression ``@target`` into
    an options object: ``new E('text')`` becomes ``new E({message: 'text'})``, spaced inside
    the braces as the file's one-line objects are.

    Present when the one argument is an object literal with ``key``, or when there is no
    argument (no string goes where the options object is expected: nothing to wrap, the
    message was dropped, with a note); any other argument list (several, an object without
    ``key``, an expression that is not a string literal) is drift."""
    doc, call = ctx.doc, ctx.target
    key = ctx.text("key")
    args = call.child_by_field_name("arguments")
    if call.type not in _CALLS or args is None:
        return Drift(f"{doc.loc(call)}: expected a call with arguments, found `{one_line(doc.text(call))}`")
    found = structure.named(args)
    shown = one_line(doc.text(call))
    if not found:
        return Present(f"{doc.loc(call)}: `{shown}` passes no argument: nothing to wrap as {{{key}: …}}")
    if len(found) != 1:
        return Drift(
            f"{doc.loc(call)}: `{shown}` passes {len(found)} arguments; expected one string to wrap "
            f"as {{{key}: …}}, or an object with `{key}`"
        )
    arg = found[0]
    if arg.type == "object":
        if key in object_keys(doc, arg):
            return Present()
        return Drift(f"{doc.loc(arg)}: `{shown}` passes an object without `{key}`")
    if arg.type not in _STRING_LITERALS:
        return Drift(
            f"{doc.loc(arg)}: `{shown}` passes a {arg.type}, not a string literal; "
            f"cannot tell that it belongs under `{key}`"
        )
    space = " " if bracket_spacing(doc) else ""
    wrapped = f"{{{space}{key}: {doc.text(arg)}{space}}}".encode()
    return Apply((Edit(arg.start_byte, arg.end_byte, wrapped),))
