"""Erlang snippets of a fix: parsing them, comparing them with the file's code, laying them out.

Code is compared by syntax tree, blind to layout and comments: ``{error, unknown, internal_error}``
written over two lines is the same body. A snippet is written with one indentation level per tab
or per four spaces and rendered in the file's own unit (tabs, or its step of spaces).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fluxer_patcher.engine.primitives import ParameterError
from fluxer_patcher.syntax.document import Document, walk

if TYPE_CHECKING:
    from tree_sitter import Node

Fingerprint = tuple[object, ...]

LANGUAGES = frozenset({"erlang"})
_IGNORED = frozenset({"comment"})
# Nodes that hold the clauses of a `case`, `try ... of`, `receive` or `if`.
CLAUSE_HOSTS = frozenset({"case_expr", "try_expr", "receive_expr", "if_expr"})
_FUNCTION = re.compile(r"^([a-z][\w@]*|'[^']+')/(\d+)$")


def fingerprint(doc: Document, node: Node) -> Fingerprint:
    """A tree's shape and leaf texts, blind to layout and comments."""
    if node.child_count == 0:
        return (node.type, doc.text(node))
    return (node.type, *(fingerprint(doc, c) for c in node.children if c.type not in _IGNORED))


def same(doc_a: Document, a: Node, doc_b: Document, b: Node) -> bool:
    return fingerprint(doc_a, a) == fingerprint(doc_b, b)


def _parse(text: str, what: str) -> Document:
    doc = Document("<snippet>", text.encode("utf-8"), "erlang")
    if doc.root.has_error:
        raise ParameterError(f"not an Erlang {what}: {text!r}")
    return doc


def _only(nodes: list[Node], text: str, what: str) -> Node:
    if len(nodes) != 1:
        raise ParameterError(f"not a single Erlang {what}: {text!r}")
    return nodes[0]


def parse_clause(text: str) -> tuple[Document, Node]:
    """A ``case``/``try ... of`` clause (``Pattern [when Guard] -> Body``)."""
    doc = _parse(f"f() ->\n    case x of\n{text}\n    end.\n", "clause")
    case = _only([n for n in walk(doc.root) if n.type == "case_expr"], text, "clause")
    return doc, _only(case.children_by_field_name("clauses"), text, "clause")


def parse_expression(text: str) -> tuple[Document, Node]:
    """One expression of a function body."""
    doc = _parse(f"f() ->\n{text}.\n", "expression")
    body = _only([n for n in walk(doc.root) if n.type == "clause_body"], text, "expression")
    return doc, _only(body.children_by_field_name("exprs"), text, "expression")


def parse_function_clause(text: str) -> tuple[Document, Node]:
    """One clause of a function declaration (``name(Args) -> Body``, no final ``.``)."""
    doc = _parse(text.rstrip().removesuffix(".") + ".\n", "function clause")
    decl = _only([n for n in doc.root.named_children if n.type == "fun_decl"], text, "function clause")
    return doc, _only(decl.children_by_field_name("clause"), text, "function clause")


def function_name(text: str) -> tuple[str, int]:
    """``name/arity`` → ``(name, arity)``."""
    m = _FUNCTION.match(text.strip())
    if m is None:
        raise ParameterError(f"not a function name/arity: {text!r}")
    return m.group(1), int(m.group(2))


def is_catch_all(clause: Node) -> bool:
    """A clause whose pattern is a bare variable (``_``, ``Other``) without a guard: it takes any value."""
    pattern = clause.child_by_field_name("pat")
    return pattern is not None and pattern.type == "var" and clause.child_by_field_name("guard") is None


def clauses(host: Node) -> list[Node]:
    """The clauses of a ``case`` (or a ``try``'s ``of`` part, a ``receive``, an ``if``)."""
    return host.children_by_field_name("clauses")


def render(doc: Document, text: str, indent: bytes) -> bytes:
    """``text`` on lines after the first at ``indent`` plus its own levels in the file's unit."""
    unit = doc.indent_unit
    lines = text.strip("\n").split("\n")
    out = [lines[0].strip().encode("utf-8")]
    for line in lines[1:]:
        body = line.lstrip(" \t")
        lead = line[: len(line) - len(body)]
        levels = lead.count("\t") + lead.count(" ") // 4
        out.append(indent + unit * levels + body.encode("utf-8") if body else b"")
    return doc.newline.join(out)


def arity(clause: Node) -> int:
    args = clause.child_by_field_name("args")
    return 0 if args is None else len(args.children_by_field_name("args"))


def function_decls(doc: Document, name: str, count: int) -> list[Node]:
    """The ``fun_decl`` forms of ``name/count`` in the file."""
    found = []
    for form in doc.root.named_children:
        if form.type != "fun_decl":
            continue
        clause = form.child_by_field_name("clause")
        label = clause.child_by_field_name("name") if clause is not None else None
        if clause is not None and label is not None and doc.text(label) == name and arity(clause) == count:
            found.append(form)
    return found
