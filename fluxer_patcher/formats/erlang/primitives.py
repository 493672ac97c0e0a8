"""Edit primitives for Erlang modules (``.erl``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import REGEX, Param
from fluxer_patcher.engine.primitives import Answer, Apply, Drift, Edit, EditContext, Present, present_at, primitive
from fluxer_patcher.formats.erlang import structure
from fluxer_patcher.formats.erlang.structure import LANGUAGES
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.syntax.document import one_line, walk

if TYPE_CHECKING:
    from tree_sitter import Node


# -- add-clause ----------------------------------------------------------------------------


@primitive(
    "add-clause",
    Param("clause", doc="the clause to add last (`Pattern [when Guard] -> Body`); a tab or 4 spaces per level"),
    Param("refuse", REGEX, default=None,
          doc="a catch-all clause whose text matches is the code's contrary choice: conflict"),
    languages=LANGUAGES,
)
def add_clause(ctx: EditContext) -> Answer:
    """Add ``clause`` after the last clause of the ``case``/``try ... of``/``receive`` ``@target``,
    on its own line at the clauses' indentation, in the file's indent unit.

    Present when a clause is structurally equal, when a catch-all clause (a bare variable
    pattern, no guard) already takes every other value (one matching ``refuse`` is a conflict),
    or when ``@target`` is a ``try`` without an ``of`` part (no value can fail to match)."""
    host = ctx.target
    if host.type not in structure.CLAUSE_HOSTS:
        return Drift(f"{ctx.doc.loc(host)}: expected a case, try ... of or receive, found {host.type}")
    existing = structure.clauses(host)
    if not existing and host.type == "try_expr":
        return Present(f"the try at {ctx.doc.loc(host)} has no `of` part: its value is taken as it is")
    if not existing:
        return Drift(f"{ctx.doc.loc(host)}: the {host.type} has no clauses to add to")
    frag_doc, frag = structure.parse_clause(ctx.text("clause"))
    equal = [c for c in existing if structure.same(ctx.doc, c, frag_doc, frag)]
    if equal:
        return present_at(f"`{one_line(frag_doc.text(frag))}`", [ctx.doc.loc(c) for c in equal])
    catch_all = [c for c in existing if structure.is_catch_all(c)]
    if catch_all:
        refuse = ctx.regex("refuse")
        contrary = [c for c in catch_all if refuse is not None and refuse.search(ctx.doc.text(c))]
        if contrary:
            return Drift(
                f"{ctx.doc.loc(contrary[0])}: the code's own catch-all clause "
                f"`{one_line(ctx.doc.text(contrary[0]))}` makes another choice; left as is",
                ReasonKind.CONFLICT,
            )
        return Present(f"a catch-all clause is already there ({ctx.doc.loc(catch_all[0])})")
    last = existing[-1]
    if not ctx.doc.starts_line(last):
        return Drift(f"{ctx.doc.loc(last)}: the clauses share a line; no layout to follow")
    indent = ctx.doc.indent_at(last.start_byte)
    rendered = structure.render(ctx.doc, frag_doc.text(frag), indent)
    # A comment ending the last clause's line stays on that line.
    line_end = ctx.doc.line_end(last.end_byte)
    rest = ctx.doc.data[last.end_byte : line_end].strip()
    at = line_end if rest.startswith(b"%") else last.end_byte
    new = ctx.doc.newline + indent + rendered
    if at == last.end_byte:
        return Apply((Edit(at, at, b";" + new),))
    return Apply((Edit(last.end_byte, last.end_byte, b";"), Edit(at, at, new)))


# -- add-export ----------------------------------------------------------------------------


@primitive("add-export", Param("function", doc="`name/arity` to export"), languages=LANGUAGES)
def add_export(ctx: EditContext) -> Answer:
    """Add ``function`` to the ``-export([...])`` attribute ``@target``, after its last entry,
    one per line when the list is.

    Present when any export attribute of the module names it."""
    attribute = ctx.target
    if attribute.type != "export_attribute":
        return Drift(f"{ctx.doc.loc(attribute)}: expected an -export attribute, found {attribute.type}")
    name, count = structure.function_name(ctx.text("function"))
    if not structure.function_decls(ctx.doc, name, count):
        return Drift(f"{ctx.doc.path}: the module defines no `{name}/{count}` to export")
    exported = [
        fa for node in ctx.doc.root.named_children if node.type == "export_attribute"
        for fa in node.children_by_field_name("funs") if _fa(ctx, fa) == (name, count)
    ]
    if exported:
        return present_at(f"`{name}/{count}` in an -export", [ctx.doc.loc(fa) for fa in exported])
    entries = attribute.children_by_field_name("funs")
    text = f"{name}/{count}".encode()
    if not entries:
        bracket = next((c for c in attribute.children if c.type == "["), None)
        if bracket is None:
            return Drift(f"{ctx.doc.loc(attribute)}: an -export without a list")
        return Apply((Edit(bracket.end_byte, bracket.end_byte, text),))
    last = entries[-1]
    if ctx.doc.same_line(entries[0].start_byte, last.end_byte) and ctx.doc.same_line(last.end_byte, attribute.end_byte):
        return Apply((Edit(last.end_byte, last.end_byte, b", " + text),))
    line = ctx.doc.newline + ctx.doc.indent_at(last.start_byte)
    return Apply((Edit(last.end_byte, last.end_byte, b"," + line + text),))


def _fa(ctx: EditContext, fa: Node) -> tuple[str, int] | None:
    fun, arity = fa.child_by_field_name("fun"), fa.child_by_field_name("arity")
    value = arity.child_by_field_name("value") if arity is not None else None
    if fun is None or value is None:
        return None
    return ctx.doc.text(fun), int(ctx.doc.text(value))


# -- insert-expression-before --------------------------------------------------------------


@primitive("insert-expression-before", Param("expression", doc="the expression to insert"), languages=LANGUAGES)
def insert_expression_before(ctx: EditContext) -> Answer:
    """Insert ``expression,`` on its own line before the body expression ``@target``, at its indentation.

    Present when the enclosing body already has an equal expression."""
    target = ctx.target
    body = target.parent
    if body is None or body.type != "clause_body" or target not in body.children_by_field_name("exprs"):
        return Drift(f"{ctx.doc.loc(target)}: expected an expression of a clause body")
    frag_doc, frag = structure.parse_expression(ctx.text("expression"))
    equal = [e for e in body.children_by_field_name("exprs") if structure.same(ctx.doc, e, frag_doc, frag)]
    if equal:
        return present_at(f"`{one_line(frag_doc.text(frag))}`", [ctx.doc.loc(e) for e in equal])
    if not ctx.doc.starts_line(target):
        return Drift(f"{ctx.doc.loc(target)}: the expression does not start its line; no layout to follow")
    indent = ctx.doc.indent_at(target.start_byte)
    rendered = structure.render(ctx.doc, frag_doc.text(frag), indent)
    return Apply((Edit(target.start_byte, target.start_byte, rendered + b"," + ctx.doc.newline + indent),))


# -- replace-function-clause ---------------------------------------------------------------


@primitive(
    "replace-function-clause",
    Param("with", doc="the clause that replaces @target (`name(Args) -> Body`); a tab or 4 spaces per level"),
    Param("expect", REGEX, default=None,
          doc="the clause is replaced only when its text matches (the shape the fix knows); else conflict"),
    languages=LANGUAGES,
)
def replace_function_clause(ctx: EditContext) -> Answer:
    """Replace the function clause ``@target`` (head and body; the ``-spec`` stays) with ``with``,
    laid out in the file's indent unit.

    Present when ``@target`` already is that clause; a clause not matching ``expect`` is the
    code's own choice (conflict)."""
    target = ctx.target
    if target.type != "function_clause":
        return Drift(f"{ctx.doc.loc(target)}: expected a function clause, found {target.type}")
    frag_doc, frag = structure.parse_function_clause(ctx.text("with"))
    if structure.same(ctx.doc, target, frag_doc, frag):
        return Present()
    expect = ctx.regex("expect")
    if expect is not None and not expect.search(ctx.doc.text(target)):
        return Drift(f"{ctx.doc.loc(target)}: `{one_line(ctx.doc.text(target))}` is not the shape the fix "
                     "replaces; left as is", ReasonKind.CONFLICT)
    if structure.arity(frag) != structure.arity(target):
        raise ValueError("replace-function-clause: `with` changes the arity")  # a catalogue bug
    rendered = structure.render(ctx.doc, frag_doc.text(frag), ctx.doc.indent_at(target.start_byte))
    return Apply((Edit(target.start_byte, target.end_byte, rendered),))


# -- remove-unused-function ----------------------------------------------------------------


@primitive("remove-unused-function", Param("function", doc="`name/arity` of the local function to remove"),
           languages=LANGUAGES)
def remove_unused_function(ctx: EditContext) -> Answer:
    """Remove the local function ``function`` (every clause, its ``-spec`` just before it and
    the blank line that separated it) from the module ``@target`` once nothing uses it (an
    earlier step replaced its caller).

    Present when the module has no such function, or still calls or exports it (the code
    keeps it; removing it would break the module)."""
    name, count = structure.function_name(ctx.text("function"))
    doc = ctx.doc
    decls = structure.function_decls(doc, name, count)
    if not decls:
        return Present()
    uses = [n for n in walk(doc.root) if n.type in ("call", "fa", "internal_fun") and _names(ctx, n, name, count)]
    if uses:
        return Present(f"`{name}/{count}` is still used ({doc.loc(uses[0])}); kept")
    edits = []
    for decl in decls:
        start = decl.start_byte
        spec = decl.prev_named_sibling
        if spec is not None and spec.type == "spec" and _spec_of(ctx, spec) == name:
            start = spec.start_byte
        start = doc.line_start(start)
        end = doc.line_end(decl.end_byte)
        end = end + len(doc.newline) if end < len(doc.data) else end
        # One blank line before the removed function goes with it.
        before = doc.data[:start]
        if before.endswith(doc.newline * 2):
            start -= len(doc.newline)
        edits.append(Edit(start, end, b""))
    return Apply(tuple(edits))


def _spec_of(ctx: EditContext, spec: Node) -> str | None:
    fun = spec.child_by_field_name("fun")
    return ctx.doc.text(fun) if fun is not None else None


def _names(ctx: EditContext, node: Node, name: str, count: int) -> bool:
    """Whether ``node`` (a local call, an ``fa`` or ``fun name/arity``) refers to ``name/count``."""
    if node.type == "call":
        callee, args = node.child_by_field_name("expr"), node.child_by_field_name("args")
        return (callee is not None and callee.type == "atom" and ctx.doc.text(callee) == name
                and args is not None and len(args.children_by_field_name("args")) == count)
    if node.type == "fa":
        return _fa(ctx, node) == (name, count)
    return any(c.type == "fa" and _fa(ctx, c) == (name, count) for c in node.named_children)
