"""Primitives that narrow when a piece of code runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import Param
from fluxer_patcher.engine.primitives import Answer, Apply, Drift, Edit, EditContext, present_at, primitive
from fluxer_patcher.formats.js import conditions, structure
from fluxer_patcher.formats.js import primitives as js_primitives
from fluxer_patcher.syntax.document import one_line
from fluxer_patcher.syntax.grammars import JS_FAMILY
from fluxer_patcher.syntax.queries import Match

if TYPE_CHECKING:
    from tree_sitter import Node

# Conditions that `&& …` would regroup: they are put in parentheses first.
_LOOSE = {"ternary_expression", "assignment_expression", "augmented_assignment_expression",
          "sequence_expression", "yield_expression", "arrow_function"}


def _loose(node: Node) -> bool:
    return node.type in _LOOSE or (node.type == "binary_expression" and conditions.operator(node) in ("||", "??"))


def _guard(ctx: EditContext) -> Node | Drift:
    """The ``if`` whose consequence holds ``@target`` and nothing else, or why there is none."""
    doc, target = ctx.doc, ctx.target
    child, parent = target, target.parent
    while parent is not None and child.type not in conditions.FUNCTIONS:
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            if consequence is None or child.id != consequence.id:
                part = "condition" if condition is not None and child.id == condition.id else "else branch"
                return Drift(
                    f"{doc.loc(target)}: `{one_line(doc.text(target))}` is in the {part} of the `if` at "
                    f"{doc.loc(parent)}; a condition added there would change which branch runs"
                )
            body = [s for s in consequence.named_children if s.type != "comment"]
            if consequence.type == "statement_block" and len(body) != 1:
                return Drift(
                    f"{doc.loc(parent)}: the `if` that guards `{one_line(doc.text(target))}` also runs "
                    f"{len(body) - 1} other statement(s); a condition added there would skip them too"
                )
            return parent
        child, parent = parent, parent.parent
    return Drift(f"{doc.loc(target)}: `{one_line(doc.text(target))}` is not guarded by an `if` in its function")


@primitive(
    "add-condition-conjunct",
    Param("condition", doc="the expression that must hold wherever @target runs"),
    Param("after", doc="the operand of the guard it goes after (else at the end)", default=None),
    languages=JS_FAMILY,
)
def add_condition_conjunct(ctx: EditContext) -> Answer:
    """Make ``@target`` run only when ``condition`` holds: ``&& condition`` joins the
    condition of the ``if`` that guards it (laid out as ``add-logical-operand`` does; an
    ``||`` or ternary condition is parenthesised first).  The ``if`` must guard ``@target``
    alone: in its ``else``, beside other statements, or with no ``if`` at all is drift.

    Present when a guard of ``@target`` already implies ``condition``: an operand of an
    enclosing ``if``, the negation of an ``else``'s condition or of an earlier
    ``if (…) return``/``throw``, compared by meaning (see :mod:`.conditions`)."""
    doc, target = ctx.doc, ctx.target
    text = ctx.text("condition")
    assert doc.language is not None
    wanted_doc, wanted = structure.parse_expression(doc.language, text)
    terms = conditions.Terms.at(doc, target)
    want = conditions.Condition(wanted_doc, wanted, conditions.Terms(wanted_doc, terms.aliases))
    known = [
        fact for fact in conditions.facts_at(target)
        if conditions.implies(conditions.Condition(doc, fact.condition, terms), fact.holds, want)
    ]
    if known:
        return present_at(f"`{text}`", [doc.loc(f.condition) for f in known])
    guard = _guard(ctx)
    if isinstance(guard, Drift):
        return guard
    condition = guard.child_by_field_name("condition")
    assert condition is not None
    inner = structure.unparen(condition)
    if _loose(inner):
        quote = structure.preferred_quote(doc, inner)
        rendered = structure.requote(wanted_doc, wanted, quote)
        return Apply((
            Edit(inner.start_byte, inner.start_byte, b"("),
            Edit(inner.end_byte, inner.end_byte, f") && {rendered}".encode()),
        ))
    params = {"operator": "&&", "operand": text}
    after = ctx.optional_text("after")
    if after is not None:
        params["after"] = after
    sub = EditContext(doc, Match(-1, {"target": [inner]}), params, ctx.source, ctx.looking_for, ctx.resolvers,
                      js_primitives.add_logical_operand.params)
    return js_primitives.add_logical_operand.run(sub)
