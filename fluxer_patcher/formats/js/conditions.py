"""What is known to hold at a point of JavaScript/TypeScript code, and what that implies.

A guard is recognised by what it means, not by how it is written: at the statement inside
``if (a && b) { … }`` both ``a`` and ``b`` hold; inside the ``else`` of ``if (a || b)``
neither does; after ``if (c) return;`` (or ``throw``) ``c`` does not.  Comparisons of a
count (``x.length``, ``x.size``: a non-negative integer) with an integer are compared by the
counts they admit, so ``keys.length > 0``, ``keys.length !== 0``, ``keys.length >= 1``,
``0 < keys.length``, ``!!keys.length`` and the negation of ``keys.length === 0`` are one
condition.  A ``const`` alias declared before the point stands for its value:
``const c = Config.auth; … c.keys`` is ``Config.auth.keys``, as is ``const {keys} = Config.auth``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from fluxer_patcher.formats.js import structure
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.syntax.document import Document, walk

if TYPE_CHECKING:
    from tree_sitter import Node

Fingerprint = tuple[object, ...]

FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                       "generator_function_declaration", "generator_function", "class_static_block"})
_BLOCKS = frozenset({"statement_block", "program", "switch_case", "switch_default"})
_EXITS = frozenset({"return_statement", "throw_statement"})
_IGNORED = frozenset({"comment", ",", ";"})
_COUNTS = frozenset({"length", "size"})
_COMPARISONS: dict[str, Callable[[int, int], bool]] = {
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    "===": lambda a, b: a == b, "==": lambda a, b: a == b, "!==": lambda a, b: a != b, "!=": lambda a, b: a != b,
}
_MIRRORED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "===": "===", "==": "==", "!==": "!==", "!=": "!="}
_MAX_ALIAS_DEPTH = 8


def operator(node: Node) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def operands(node: Node, op: str) -> list[Node]:
    """The operands of a chain of ``op`` (``a && (b && c)`` → ``[a, b, c]``)."""
    node = structure.unparen(node)
    if node.type == "binary_expression" and operator(node) == op:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        assert left is not None and right is not None
        return operands(left, op) + operands(right, op)
    return [node]


@dataclass(frozen=True)
class Fact:
    """``condition`` is ``holds`` (true or false) where the code runs; ``guard`` states it."""

    condition: Node
    holds: bool
    guard: Node


def _exits(statement: Node) -> bool:
    """``return …;`` / ``throw …;``, or a block that ends with one."""
    if statement.type in _EXITS:
        return True
    if statement.type == "statement_block":
        body = structure.named(statement)
        return bool(body) and body[-1].type in _EXITS
    return False


def facts_at(node: Node) -> list[Fact]:
    """The conditions known to hold where ``node`` runs, from the guards of its function
    (up to the nearest enclosing function: a callback may run after its guards changed)."""
    facts: list[Fact] = []
    child, parent = node, node.parent
    while parent is not None and child.type not in FUNCTIONS:
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            alternative = parent.child_by_field_name("alternative")
            if condition is not None and consequence is not None and child.id == consequence.id:
                facts += [Fact(c, True, parent) for c in operands(condition, "&&")]
            elif condition is not None and alternative is not None and child.id == alternative.id:
                facts += [Fact(c, False, parent) for c in operands(condition, "||")]
        elif parent.type in _BLOCKS:
            for earlier in parent.named_children:
                if earlier.id == child.id:
                    break
                if earlier.type != "if_statement" or earlier.child_by_field_name("alternative") is not None:
                    continue
                condition = earlier.child_by_field_name("condition")
                consequence = earlier.child_by_field_name("consequence")
                if condition is not None and consequence is not None and _exits(consequence):
                    facts += [Fact(c, False, earlier) for c in operands(condition, "||")]
        child, parent = parent, parent.parent
    return facts


@dataclass
class Terms:
    """Fingerprints of expressions with the ``const`` aliases visible at a point resolved."""

    doc: Document
    aliases: dict[str, Fingerprint] = field(default_factory=dict)

    @classmethod
    def at(cls, doc: Document, node: Node) -> Terms:
        terms = cls(doc)
        scopes: list[tuple[Node, Node]] = []
        child, parent = node, node.parent
        while parent is not None:
            if parent.type in _BLOCKS or parent.type in FUNCTIONS:
                scopes.append((parent, child))
            child, parent = parent, parent.parent
        for scope, stop in reversed(scopes):  # outer scopes first: inner names shadow them
            if scope.type in FUNCTIONS:
                terms._shadow(scope.child_by_field_name("parameters"))
                continue
            for statement in scope.named_children:
                if statement.id == stop.id:
                    break
                terms._declare(statement)
        return terms

    def _shadow(self, names: Node | None) -> None:
        """Names bound anew (parameters, ``let``): no longer the aliases of outer scopes."""
        for node in walk(names) if names is not None else []:
            if node.type in ("identifier", "shorthand_property_identifier_pattern"):
                self.aliases.pop(self.doc.text(node), None)

    def _declare(self, statement: Node) -> None:
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            return
        if self.doc.text(statement).split(None, 1)[0] != "const":
            for declarator in statement.named_children:
                self._shadow(declarator.child_by_field_name("name"))
            return
        for declarator in statement.named_children:
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if declarator.type != "variable_declarator" or name is None or value is None:
                continue
            if name.type == "identifier":
                self.aliases[self.doc.text(name)] = self.fingerprint(value)
            elif name.type == "object_pattern":
                base = self.fingerprint(value)
                for member in name.named_children:
                    if member.type == "shorthand_property_identifier_pattern":
                        text = self.doc.text(member)
                        self.aliases[text] = _member(base, text)
                    elif member.type == "pair_pattern":
                        key, target = member.child_by_field_name("key"), member.child_by_field_name("value")
                        if key is not None and target is not None and key.type == "property_identifier" and (
                            target.type == "identifier"
                        ):
                            self.aliases[self.doc.text(target)] = _member(base, self.doc.text(key))

    def fingerprint(self, node: Node, depth: int = 0) -> Fingerprint:
        node = structure.unparen(node)
        if node.type == "identifier" and depth < _MAX_ALIAS_DEPTH:
            alias = self.aliases.get(self.doc.text(node))
            if alias is not None:
                return alias
        if node.type == "string":
            raw = self.doc.text(node)[1:-1]
            return ("string", raw.replace("\\'", "'").replace('\\"', '"'))
        if node.child_count == 0:
            return (node.type, self.doc.text(node))
        return (node.type, *(self.fingerprint(c, depth + 1) for c in node.children if c.type not in _IGNORED))


def _member(base: Fingerprint, name: str) -> Fingerprint:
    """The fingerprint of ``<base>.<name>``."""
    return ("member_expression", base, (".", "."), ("property_identifier", name))


@dataclass(frozen=True)
class _CountTest:
    """A comparison of a count (``x.length``, ``x.size``) with an integer bound."""

    subject: Node
    admits: Callable[[int], bool]
    bound: int


def _integer(doc: Document, node: Node) -> int | None:
    if node.type != "number":
        return None
    try:
        return int(doc.text(node).replace("_", ""), 0)
    except ValueError:
        return None


def _is_count(node: Node, doc: Document) -> bool:
    if node.type != "member_expression":
        return False
    prop = node.child_by_field_name("property")
    return prop is not None and doc.text(prop) in _COUNTS


def count_test(doc: Document, node: Node) -> _CountTest | None:
    """``node`` as a test of a count against integers, or ``None``."""
    node = structure.unparen(node)
    if node.type == "unary_expression" and operator(node) == "!":
        argument = node.child_by_field_name("argument")
        inner = count_test(doc, argument) if argument is not None else None
        if inner is None:
            return None
        test = inner.admits
        return _CountTest(inner.subject, lambda n: not test(n), inner.bound)
    if node.type == "call_expression":
        function, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        named = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        if function is not None and doc.text(function) == "Boolean" and len(named) == 1:
            return count_test(doc, named[0])
        return None
    if _is_count(node, doc):
        return _CountTest(node, lambda n: n != 0, 1)
    if node.type == "binary_expression" and operator(node) in _COMPARISONS:
        op = operator(node)
        assert op is not None
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        assert left is not None and right is not None
        left, right = structure.unparen(left), structure.unparen(right)
        if _integer(doc, left) is not None and _is_count(right, doc):
            left, right, op = right, left, _MIRRORED[op]
        value = _integer(doc, right)
        if value is None or not _is_count(left, doc):
            return None
        compare = _COMPARISONS[op]
        return _CountTest(left, lambda n: compare(n, value), abs(value) + 1)
    return None


@dataclass(frozen=True)
class Condition:
    """An expression of some document, with the aliases of the place it is asked about."""

    doc: Document
    node: Node
    terms: Terms


def _polarity(doc: Document, node: Node, holds: bool) -> tuple[Node, bool]:
    """``!x`` is true ⇔ ``x`` is false."""
    node = structure.unparen(node)
    while node.type == "unary_expression" and operator(node) == "!":
        argument = node.child_by_field_name("argument")
        if argument is None:
            break
        node, holds = structure.unparen(argument), not holds
    return node, holds


def implies(fact: Condition, holds: bool, wanted: Condition) -> bool:
    """Whether ``fact`` being ``holds`` makes ``wanted`` true."""
    a, a_holds = _polarity(fact.doc, fact.node, holds)
    b, b_holds = _polarity(wanted.doc, wanted.node, True)
    if a_holds == b_holds and fact.terms.fingerprint(a) == wanted.terms.fingerprint(b):
        return True
    ta, tb = count_test(fact.doc, fact.node), count_test(wanted.doc, wanted.node)
    if ta is None or tb is None or fact.terms.fingerprint(ta.subject) != wanted.terms.fingerprint(tb.subject):
        return False
    samples: Iterator[int] = iter(range(max(ta.bound, tb.bound) + 2))
    return all(tb.admits(n) for n in samples if ta.admits(n) == holds)
