"""Edit primitives for JavaScript and TypeScript (``.mjs``, ``.ts``, ``.tsx``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import CHOICE, TEXTS, Param
from fluxer_patcher.engine.primitives import (
    Answer,
    Apply,
    Drift,
    Edit,
    EditContext,
    ParameterError,
    Present,
    present_at,
    primitive,
)
from fluxer_patcher.formats.js import bindings, buildtime, layout, structure, template
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.syntax.document import Document, one_line, walk
from fluxer_patcher.syntax.grammars import JS_FAMILY

if TYPE_CHECKING:
    from tree_sitter import Node


def _lang(ctx: EditContext) -> str:
    assert ctx.doc.language is not None
    return ctx.doc.language


def _render(ctx: EditContext, parse: Callable[[str, str], tuple[Document, Node]], text: str, scope: Node | None
            ) -> tuple[bytes, Document, Node]:
    """A snippet parsed with ``parse`` and rendered in the file's quote style around ``scope``."""
    frag_doc, frag = parse(_lang(ctx), text)
    rendered = structure.requote(frag_doc, frag, structure.preferred_quote(ctx.doc, scope))
    return rendered.encode("utf-8"), frag_doc, frag


def _expression(ctx: EditContext, text: str, scope: Node | None) -> tuple[bytes, Document, Node]:
    return _render(ctx, structure.parse_expression, text, scope)


def _statement(ctx: EditContext, text: str, scope: Node | None) -> tuple[bytes, Document, Node]:
    return _render(ctx, structure.parse_statement, text, scope)


def _present(rendered: bytes, doc: Document, equal: list[Node]) -> Present:
    return present_at(f"`{rendered.decode()}`", [doc.loc(n) for n in equal])


# -- replace-node --------------------------------------------------------------------------


@primitive(
    "replace-node",
    Param("with", doc="the expression that replaces @target; its {{capture}} holes match anything when "
          "recognising the fix"),
    Param("accept", TEXTS, "other expressions that count as the fix being there (compared structurally; "
          "a {{name}} hole matches any sub-expression, it is not filled from a capture)", default=None),
    Param("built_by", doc="a Dockerfile whose RUN `sed -i` commands may edit this file at build time",
          default=None),
    Param("accept_built", TEXTS, "more forms that count as the fix when such a sed writes them "
          "(`'${VAR}'`: the build argument's value)", default=None),
    languages=JS_FAMILY,
)
def replace_node(ctx: EditContext) -> Answer:
    """Replace ``@target`` with an expression built from the match's captures (a capture
    the match lacks is drift: the target has another shape).

    Present when ``@target`` already is that expression, whatever its holes hold (the
    template ``'X' in process.env ? process.env.X : {{url}}`` matches any default), or is
    one of the ``accept`` forms.  The fix nested in its own hole (applied twice by hand) is
    collapsed to one copy, an applied change of kind ``present-twice``; the fix's own parts
    found again inside a hole in any other way is drift.  A line made longer than the
    checkout's biome ``lineWidth`` is wrapped as biome would (:mod:`.layout`).

    With ``built_by``, a RUN of that Dockerfile that seds this line at build time decides
    first (:mod:`.buildtime`): when its output is the fix (or an accepted form) the goal
    holds and nothing changes; otherwise it is the fork's own choice, drift of kind
    ``conflict`` naming the RUN: rewriting the source would make that sed match nothing."""
    target = ctx.target
    doc = ctx.doc
    if _accepted(ctx, doc, target, _forms(ctx, "accept")):
        return Present(f"{doc.loc(target)}: `{one_line(doc.text(target))}` counts as the fix (an accepted form)")
    raw = ctx.value("with")
    try:
        shape = template.Template.parse(_lang(ctx), raw) if isinstance(raw, str) else None
    except ParameterError:  # namespaced placeholders: recognised by the filled text only
        shape = None
    bindings = shape.match(doc, target) if shape is not None else None
    if shape is not None and bindings is not None:
        return _recognised(ctx, shape, bindings)
    rendered, frag_doc, frag = _expression(ctx, ctx.text("with"), target)
    if structure.same(doc, target, frag_doc, frag):
        return Present()
    built = _built(ctx, shape)
    if built is not None:
        return built
    wrapped = layout.replacement(doc, target, rendered.decode("utf-8"), layout.style(ctx.source, doc.path))
    return Apply((Edit(wrapped.start, wrapped.end, wrapped.text.encode("utf-8")),), wrapped.note)


def _is_fix(ctx: EditContext, shape: template.Template | None, doc: Document, node: Node, forms: list[str]) -> bool:
    if shape is not None and shape.match(doc, node) is not None:
        return True
    return _accepted(ctx, doc, node, forms)


def _forms(ctx: EditContext, name: str) -> list[str]:
    """A list of accepted forms as written: their ``{{name}}`` holes are templates' holes."""
    return ctx.texts(name, filled=False) if ctx.value(name) is not None else []


def _accepted(ctx: EditContext, doc: Document, node: Node, forms: list[str]) -> bool:
    """Whether ``node`` is one of ``forms`` (templates: ``{{name}} || ''`` is any value or ``''``)."""
    return any(template.Template.parse(_lang(ctx), form).match(doc, node) is not None for form in forms)


def _counterpart(doc: Document, node: Node) -> Node | None:
    """In ``doc``, the node holding the place ``node`` holds in its parent (same start point of
    the parent, same field): the target as a build-time edit left it."""
    parent = node.parent
    if parent is None:
        return None
    index = next((i for i, c in enumerate(parent.children) if c.id == node.id), None)
    field = parent.field_name_for_child(index) if index is not None else None
    if field is None:
        return None
    twin = next((n for n in walk(doc.root) if n.type == parent.type and n.start_point == parent.start_point), None)
    return twin.child_by_field_name(field) if twin is not None else None


def _built(ctx: EditContext, shape: template.Template | None) -> Answer | None:
    """What a Dockerfile's RUN sed of this file makes of ``@target`` at build time, if it edits it."""
    if ctx.value("built_by") is None:
        return None
    doc, target = ctx.doc, ctx.target
    text = doc.data.decode("utf-8")
    lines = range(target.start_point[0], target.end_point[0] + 1)
    forms = [*_forms(ctx, "accept"), *_forms(ctx, "accept_built")]
    for sed in buildtime.build_seds(ctx.source, ctx.text("built_by"), doc.path):
        if isinstance(sed, str):
            return Drift(f"{sed}: edits {doc.path} at build time in a way not modelled here; rewriting the "
                         f"source could defeat it: not edited", ReasonKind.CONFLICT)
        result = sed.apply(text)
        old, new = text.splitlines(), result.splitlines()
        if len(old) != len(new) or not any(old[i] != new[i] for i in lines if i < len(old)):
            continue  # the sed leaves this target alone (or matches nothing any more)
        built_doc = Document(doc.path, result.encode("utf-8"), doc.language)
        value = _counterpart(built_doc, target)
        shown = one_line(built_doc.text(value)) if value is not None else one_line(new[target.start_point[0]])
        if value is not None and not built_doc.root.has_error and _is_fix(ctx, shape, built_doc, value, forms):
            return Present(f"{sed.where}: RUN {sed.command} makes {doc.loc(target)} `{shown}` at build time: "
                           f"the fix holds there; the source is left alone (rewriting it would defeat that sed)")
        return Drift(f"{sed.where}: RUN {sed.command} rewrites {doc.loc(target)} at build time to `{shown}`, "
                     f"the fork's own choice; rewriting the source line would silently defeat that sed",
                     ReasonKind.CONFLICT)
    return None


def _recognised(ctx: EditContext, shape: template.Template, bindings: dict[str, Node]) -> Answer:
    """The fix is there: once (present), nested in itself exactly (collapsed), or doubtful (drift)."""
    doc, target = ctx.doc, ctx.target
    copies = [target]
    while True:
        inner = [n for n in bindings.values() if shape.match(doc, n) is not None]
        if len(inner) != 1:
            break
        copies.append(inner[0])
        found = shape.match(doc, inner[0])
        assert found is not None
        bindings = found
    for value in bindings.values():
        for node in walk(value):
            for part in shape.fixed_parts():
                if structure.same(doc, node, shape.doc, part):
                    return Drift(
                        f"{doc.loc(node)}: the fix's own `{one_line(shape.doc.text(part))}` is there again inside "
                        f"`{one_line(doc.text(value))}` (applied twice in another form?); not edited"
                    )
    if len(copies) == 1:
        return Present()
    innermost = copies[-1]
    where = ", ".join(doc.loc(n) for n in copies)
    note = f"the fix was there {len(copies)} times, nested in itself ({where}); collapsed to one"
    text = doc.data[innermost.start_byte : innermost.end_byte].decode("utf-8")
    wrapped = layout.replacement(doc, target, text, layout.style(ctx.source, doc.path))
    note = "; ".join(n for n in (note, wrapped.note) if n)
    return Apply((Edit(wrapped.start, wrapped.end, wrapped.text.encode("utf-8")),), note, ReasonKind.PRESENT_TWICE)


# -- add-array-element ---------------------------------------------------------------------


_LITERALS = frozenset({"string", "number", "true", "false", "null", "undefined"})


@primitive(
    "add-array-element",
    Param("element", doc="the expression to append"),
    Param("known", TEXTS, "names whose values are known not to hold `element`; with it, any other "
          "element that is not a literal (a spread, a host from the config) may already hold it: drift",
          default=None),
    languages=JS_FAMILY,
)
def add_array_element(ctx: EditContext) -> Answer:
    """Append ``element`` to the array literal ``@target`` in its quote style and layout.

    Present when an element is structurally equal to ``element``.  With ``known``, an element
    that is neither a literal nor one of those names (``...CSP_HOSTS.STYLE``, a fork's
    ``staticCdnHost``) may hold it already: that is a ``conflict`` naming it, never a second copy.
    ``@target`` may be a name (``{styleSrc}``): the array of its ``const`` is edited, and what
    the code ``push``-es onto it counts among its elements (:mod:`.bindings`)."""
    array = ctx.target
    pushed: list[Node] = []
    if array.type in bindings.NAMES:
        resolved = bindings.const_array(ctx.doc, array)
        if isinstance(resolved, str):
            return Drift(f"{ctx.doc.loc(array)}: `{ctx.doc.text(array)}` {resolved}; add "
                         f"{ctx.text('element')} where its value is built, if it is missing", ReasonKind.CONFLICT)
        array, pushed = resolved
    if array.type != "array":
        return Drift(f"{ctx.doc.loc(array)}: expected an array literal, found {array.type}")
    rendered, frag_doc, frag = _expression(ctx, ctx.text("element"), array)
    elements = structure.named(array)
    equal = [e for e in (*elements, *pushed) if structure.same(ctx.doc, e, frag_doc, frag)]
    if equal:
        return _present(rendered, ctx.doc, equal)
    if ctx.value("known") is not None:
        known = set(ctx.texts("known"))
        unknown = [e for e in (*elements, *pushed) if e.type not in _LITERALS and ctx.doc.text(e) not in known
                   and not (e.type == "template_string" and not any(c.type == "template_substitution"
                                                                      for c in e.named_children))]
        if unknown:
            names = ", ".join(f"`{one_line(ctx.doc.text(e))}` at {ctx.doc.loc(e)}" for e in unknown[:3])
            return Drift(f"{names} may already allow {rendered.decode()}: the code chose its own hosts; "
                         "check them, and add it by hand only if it is missing", ReasonKind.CONFLICT)
    if not elements:
        return Apply((Edit(array.start_byte + 1, array.start_byte + 1, rendered),))
    last = elements[-1]
    after_last = last.next_sibling
    trailing_comma = after_last is not None and after_last.type == ","
    multi_line = not ctx.doc.same_line(last.start_byte, array.end_byte)
    if multi_line:
        nl, indent = ctx.doc.newline, ctx.doc.indent_at(last.start_byte)
        if trailing_comma:
            assert after_last is not None
            return Apply((Edit(after_last.end_byte, after_last.end_byte, nl + indent + rendered + b","),))
        return Apply((Edit(last.end_byte, last.end_byte, b"," + nl + indent + rendered),))
    return Apply((Edit(last.end_byte, last.end_byte, b", " + rendered),))


# -- add-logical-operand -------------------------------------------------------------------

# Expressions an operand can be appended to without changing what binds to what.
_LOOSER_THAN = {
    "&&": {"||", "??"},
    "||": {"??"},
    "??": {"||", "&&"},
}
_UNSAFE_HOSTS = {"ternary_expression", "assignment_expression", "augmented_assignment_expression",
                 "sequence_expression", "arrow_function", "yield_expression", "as_expression",
                 "satisfies_expression"}
# Places that hold a whole expression: a chain there can grow without regrouping its context.
_WHOLE_EXPRESSION_PARENTS = {"parenthesized_expression", "return_statement", "variable_declarator", "arguments",
                             "array", "pair", "expression_statement", "arrow_function", "ternary_expression",
                             "template_substitution", "jsx_expression", "throw_statement", "spread_element",
                             "assignment_expression", "augmented_assignment_expression", "sequence_expression"}


def _operator(node: Node) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def _chain(node: Node, op: str) -> list[Node]:
    """The operands of a chain of ``op`` (``a || b || c`` → ``[a, b, c]``)."""
    if node.type == "binary_expression" and _operator(node) == op:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        assert left is not None and right is not None
        return _chain(left, op) + _chain(right, op)
    return [node]


def _operator_after(operand: Node) -> Node | None:
    """The operator token that follows ``operand`` inside its chain."""
    sibling = operand.next_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_sibling
    if sibling is None:
        parent = operand.parent
        return _operator_after(parent) if parent is not None and parent.type == "binary_expression" else None
    return sibling


@primitive(
    "add-logical-operand",
    Param("operator", CHOICE, "the chain's operator", choices=("&&", "||", "??")),
    Param("operand", doc="the expression to add"),
    Param("after", doc="the operand it goes after (else at the end)", default=None),
    languages=JS_FAMILY,
)
def add_logical_operand(ctx: EditContext) -> Answer:
    """Add ``operand`` to the ``operator`` chain ``@target`` (after the operand equal to
    ``after``, else at the end), one per line when the chain is laid out that way.

    Present when an operand of the chain is structurally equal to ``operand``."""
    doc, host = ctx.doc, ctx.target
    while host.type == "parenthesized_expression" and len(structure.named(host)) == 1:
        host = structure.named(host)[0]
    op = ctx.text("operator")
    if host.type in _UNSAFE_HOSTS or (
        host.type == "binary_expression" and _operator(host) in _LOOSER_THAN[op]
    ):
        return Drift(
            f"{doc.loc(host)}: `{one_line(doc.text(host))}` is a {host.type}"
            f"{' with ' + str(_operator(host)) if _operator(host) else ''}; adding `{op} …` would change its meaning"
        )
    parent = host.parent
    if parent is not None and not (
        parent.type in _WHOLE_EXPRESSION_PARENTS
        or (parent.type == "binary_expression" and (_operator(parent) == op or _operator(parent) in _LOOSER_THAN[op]))
    ):
        return Drift(
            f"{doc.loc(host)}: `{one_line(doc.text(host))}` is an operand of a {parent.type}; "
            f"adding `{op} …` would change what binds to what"
        )
    operands = _chain(host, op)
    rendered, frag_doc, frag = _expression(ctx, ctx.text("operand"), host)
    equal = [o for o in operands if structure.same(doc, o, frag_doc, frag)]
    if equal:
        return _present(rendered, doc, equal)

    anchor = operands[-1]
    after = ctx.optional_text("after")
    if after is not None:
        after_doc, after_node = structure.parse_expression(_lang(ctx), after)
        hits = [o for o in operands if structure.same(doc, o, after_doc, after_node)]
        if len(hits) > 1:
            return Drift(f"`{after}` appears {len(hits)} times in the chain: {', '.join(doc.loc(h) for h in hits)}")
        if hits:
            anchor = hits[0]
    index = next(i for i, o in enumerate(operands) if o.id == anchor.id)
    is_last = index == len(operands) - 1
    op_bytes = op.encode()

    multi_line = len(operands) > 1 and not doc.same_line(operands[0].start_byte, operands[-1].start_byte)
    if not multi_line:
        return Apply((Edit(anchor.end_byte, anchor.end_byte, b" " + op_bytes + b" " + rendered),))

    # Where does the chain put its operators: at the end of a line, or at the start?
    probe = operands[0]
    token = _operator_after(probe)
    trailing = token is not None and doc.same_line(probe.end_byte, token.start_byte)
    nl = doc.newline
    if trailing:
        if is_last:
            indent = doc.indent_at(anchor.start_byte)
            return Apply((Edit(anchor.end_byte, anchor.end_byte, b" " + op_bytes + nl + indent + rendered),))
        token = _operator_after(anchor)
        assert token is not None
        indent = doc.indent_at(operands[index + 1].start_byte)
        return Apply((Edit(token.end_byte, token.end_byte, nl + indent + rendered + b" " + op_bytes),))
    indent = doc.indent_at(anchor.start_byte if is_last else operands[index + 1].start_byte)
    return Apply((Edit(anchor.end_byte, anchor.end_byte, nl + indent + op_bytes + b" " + rendered),))


# -- append-call ---------------------------------------------------------------------------

_CALLABLE_HOSTS = {"new_expression", "call_expression", "member_expression", "identifier",
                   "parenthesized_expression", "subscript_expression"}


@primitive(
    "append-call",
    Param("method", doc="the method to call on @target"),
    Param("arguments", doc="its arguments, as written between the parentheses", default=None),
    languages=JS_FAMILY,
)
def append_call(ctx: EditContext) -> Answer:
    """Call ``method`` on the value of ``@target``: ``X`` becomes ``X.method(arguments)``.

    Present when ``@target`` is already the object of that call."""
    doc, target = ctx.doc, ctx.target
    method, arguments = ctx.text("method"), ctx.optional_text("arguments") or ""
    parent = target.parent
    if parent is not None and parent.type == "member_expression":
        prop = parent.child_by_field_name("property")
        call = parent.parent
        if (
            prop is not None
            and doc.text(prop) == method
            and call is not None
            and call.type == "call_expression"
            and call.child_by_field_name("function") == parent
        ):
            return Present()
    if target.type not in _CALLABLE_HOSTS or (
        target.type == "new_expression" and target.child_by_field_name("arguments") is None
    ):
        return Drift(f"{doc.loc(target)}: cannot call .{method}() on a {target.type} without parentheses")
    return Apply((Edit(target.end_byte, target.end_byte, f".{method}({arguments})".encode()),))


# -- add-argument --------------------------------------------------------------------------


@primitive("add-argument", Param("argument", doc="the argument to pass"), languages=JS_FAMILY)
def add_argument(ctx: EditContext) -> Answer:
    """Pass ``argument`` to the call ``@target``, which must have no arguments yet.

    Present when the call already passes an argument structurally equal to it."""
    doc, call = ctx.doc, ctx.target
    args = call.child_by_field_name("arguments")
    if call.type != "call_expression" or args is None:
        return Drift(f"{doc.loc(call)}: expected a call, found {call.type}")
    rendered, frag_doc, frag = _expression(ctx, ctx.text("argument"), call)
    existing = structure.named(args)
    if any(structure.same(doc, a, frag_doc, frag) for a in existing):
        return Present()
    if existing:
        return Drift(
            f"{doc.loc(call)}: `{one_line(doc.text(call))}` already passes other arguments; "
            f"expected none or `{rendered.decode()}`"
        )
    return Apply((Edit(args.start_byte + 1, args.start_byte + 1, rendered),))


# -- insert-statement-before ---------------------------------------------------------------


_STATEMENT_LISTS = {"statement_block", "program", "switch_case", "switch_default", "class_static_block"}


@primitive("insert-statement-before", Param("statement", doc="the statement to insert"), languages=JS_FAMILY)
def insert_statement_before(ctx: EditContext) -> Answer:
    """Insert ``statement`` on its own line before the statement ``@target``.

    Present when the block holding ``@target`` already has that statement."""
    doc, anchor = ctx.doc, ctx.target
    block = anchor.parent
    if block is None or block.type not in _STATEMENT_LISTS:
        # `if (x) return;`: a statement put before the anchor would leave the `if`.
        return Drift(f"{doc.loc(anchor)}: `{one_line(doc.text(anchor))}` is not in a block of statements")
    rendered, frag_doc, frag = _statement(ctx, ctx.text("statement"), block)
    equal = [s for s in structure.named(block) if structure.same(doc, s, frag_doc, frag)]
    if equal:
        return _present(rendered, doc, equal)
    if not doc.starts_line(anchor):
        return Drift(f"{doc.loc(anchor)}: `{one_line(doc.text(anchor))}` shares its line with other code")
    start = doc.line_start(anchor.start_byte)
    indent = doc.indent_at(anchor.start_byte)
    return Apply((Edit(start, start, indent + rendered + doc.newline),))
