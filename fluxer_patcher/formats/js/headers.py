"""HTTP response headers in Hono handlers, decided by the kind of body each response sends.

The model: a handler answers by returning a response, ``c.body(x)``, ``c.text(s)``,
``c.json(v)``, ``c.html(s)``, ``c.newResponse(x)`` or ``new Response(x, init)``.  Its body
is *null* (``null``, ``undefined``, none: a HEAD answer), a *buffer* (a string, or a call
the fix names as producing bytes, e.g. ``toBodyData(...)``), or a *stream* (a call the fix
names as producing a stream, e.g. ``toWebReadableStream(...)``); anything else is unknown
and never guessed.  A header set before a response, by ``c.header(name, value)`` or by a
helper called with the fix's option (``setHeaders(..., {contentLength: false})``), serves
that response when the statement is on its path: an earlier statement of its block or of an
enclosing block, up to the handler.

The server adapter computes ``Content-Length`` for buffered bodies by itself
(``@hono/node-server`` before 1.19.11 adds it even when the handler did: the header twice),
never for streams nor for a null body; so the primitives below keep an explicit header only
where the body is a stream or null.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from fluxer_patcher.catalogue.params import Param
from fluxer_patcher.engine.primitives import (
    Answer,
    Apply,
    Drift,
    Edit,
    EditContext,
    NotEditable,
    ParameterError,
    Present,
    primitive,
)
from fluxer_patcher.formats.data.datatree import DataError
from fluxer_patcher.formats.js import structure
from fluxer_patcher.formats.pnpm.dependency import dependency_state
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.record import dataclass
from fluxer_patcher.syntax.document import Document, one_line, walk
from fluxer_patcher.syntax.grammars import JS_FAMILY

if TYPE_CHECKING:
    from tree_sitter import Node

BodyKind = Literal["buffer", "stream", "null", "unknown"]

# Hono's context methods that answer: the index of the body argument, or "string".
_CONTEXT_RESPONSES: dict[str, int | str] = {"body": 0, "newResponse": 0, "text": "string", "html": "string",
                                            "json": "string"}
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                        "generator_function_declaration", "generator_function"})
_BLOCKS = frozenset({"statement_block", "program", "switch_case", "switch_default"})


def _unwrap(node: Node | None) -> Node | None:
    """``node`` without parentheses and ``await`` around it."""
    while node is not None and node.type in ("await_expression", "parenthesized_expression"):
        inner = structure.named(node)
        node = inner[0] if inner else None
    return node


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return structure.named(args) if args is not None else []


def _string_value(doc: Document, node: Node) -> str | None:
    if node.type != "string":
        return None
    return doc.text(node)[1:-1]


def enclosing_function(node: Node) -> Node | None:
    current = node.parent
    while current is not None and current.type not in _FUNCTIONS:
        current = current.parent
    return current


@dataclass(frozen=True)
class BodyRules:
    """Which calls make which body: regexes over the callee's text (``toBodyData``, ``Readable.toWeb``)."""

    buffer: re.Pattern[str]
    stream: re.Pattern[str]

    def kind(self, doc: Document, body: Node | None) -> BodyKind:
        body = _unwrap(body)
        if body is None or body.type in ("null", "undefined") or (
            body.type == "identifier" and doc.text(body) == "undefined"
        ):
            return "null"
        if body.type in ("string", "template_string"):
            return "buffer"
        if body.type == "call_expression":
            callee = body.child_by_field_name("function")
            name = doc.text(callee) if callee is not None else ""
            if self.stream.fullmatch(name):
                return "stream"
            if self.buffer.fullmatch(name):
                return "buffer"
        return "unknown"


@dataclass(frozen=True)
class Response:
    """A ``return`` that answers the request, with its body expression (``None``: no body)."""

    statement: Node
    body: Node | None
    string: bool = False  # c.text / c.json / c.html: a string body


def response_of(doc: Document, statement: Node) -> Response | None:
    """The response a ``return`` statement answers with, if it answers one."""
    if statement.type != "return_statement":
        return None
    value = _unwrap(next(iter(structure.named(statement)), None))
    if value is None:
        return None
    if value.type == "new_expression":
        constructor = value.child_by_field_name("constructor")
        if constructor is None or doc.text(constructor) != "Response":
            return None
        args = _args(value)
        return Response(statement, args[0] if args else None)
    if value.type != "call_expression":
        return None
    callee = value.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return None
    prop = callee.child_by_field_name("property")
    method = _CONTEXT_RESPONSES.get(doc.text(prop)) if prop is not None else None
    if method is None:
        return None
    args = _args(value)
    if method == "string":
        return Response(statement, args[0] if args else None, string=True)
    assert isinstance(method, int)
    return Response(statement, args[method] if len(args) > method else None)


@dataclass(frozen=True)
class HeaderSet:
    """A statement that sets the header: ``c.header(name, ...)`` (``helper`` False) or a helper call."""

    statement: Node
    call: Node
    helper: bool


def header_set(doc: Document, statement: Node, header: str, helper: str | None) -> HeaderSet | None:
    if statement.type != "expression_statement":
        return None
    call = _unwrap(next(iter(structure.named(statement)), None))
    if call is None or call.type != "call_expression":
        return None
    callee = call.child_by_field_name("function")
    if callee is None:
        return None
    if helper is not None and callee.type == "identifier" and doc.text(callee) == helper:
        return HeaderSet(statement, call, True)
    if callee.type == "member_expression":
        prop = callee.child_by_field_name("property")
        args = _args(call)
        name = _string_value(doc, args[0]) if args else None
        if prop is not None and doc.text(prop) == "header" and name is not None and name.lower() == header.lower():
            return HeaderSet(statement, call, False)
    return None


def path_before(statement: Node) -> list[Node]:
    """The statements run before ``statement`` on its way: earlier statements of its block and
    of each enclosing block, up to the enclosing function (nearest first)."""
    out: list[Node] = []
    node = statement
    while node.parent is not None and node.type not in _FUNCTIONS:
        parent = node.parent
        if parent.type in _BLOCKS:
            sibling = node.prev_named_sibling
            while sibling is not None:
                out.append(sibling)
                sibling = sibling.prev_named_sibling
            if parent.parent is not None and parent.parent.type in _FUNCTIONS:
                break
        node = parent
    return out


def responses_served(doc: Document, statement: Node, rules: BodyRules) -> list[tuple[Response, BodyKind]]:
    """The responses ``statement`` runs before (it is on their path), with their body kinds."""
    function = enclosing_function(statement)
    scope = function if function is not None else doc.root
    out: list[tuple[Response, BodyKind]] = []
    for node in walk(scope):
        response = response_of(doc, node)
        if response is None or enclosing_function(node) != function:
            continue
        if any(earlier == statement for earlier in path_before(node)):
            kind: BodyKind = "buffer" if response.string else rules.kind(doc, response.body)
            out.append((response, kind))
    return sorted(out, key=lambda pair: pair[0].statement.start_byte)


# -- parameters shared by the two primitives --------------------------------------------------

_DEPENDENCY = (
    Param("dependency", doc="an npm package whose fix makes this one unnecessary (`@hono/node-server`)",
          default=None),
    Param("fixed_in", doc="the first version of `dependency` with that fix (`1.19.11`)", default=None),
)
_TAB_WIDTH = 2  # biome's default `indentWidth`: what a tab counts for against the line width
_LINE_WIDTH = Param("line_width", doc="the formatter's line width (biome.json `lineWidth`)", default="120")


def fixed_by_dependency(ctx: EditContext) -> Answer | None:
    """``Present`` when ``dependency`` is at ``fixed_in`` in both the workspace catalog and the
    lockfile; drift when only one of them is (``pnpm install --frozen-lockfile`` fails)."""
    package, minimum = ctx.value("dependency"), ctx.value("fixed_in")
    if package is None and minimum is None:
        return None
    if not isinstance(package, str) or not isinstance(minimum, str):
        raise ParameterError("`dependency` and `fixed_in` go together")
    try:
        state = dependency_state(ctx.source, package, minimum)
    except DataError as exc:
        return Drift(f"cannot tell where {package} stands: {exc}", ReasonKind.UNEXPECTED_SHAPE)
    except ValueError as exc:
        raise ParameterError(f"`fixed_in`: {exc}") from None
    if state.fixed:
        return Present(f"{package} is at {minimum} or later in {state.catalog.file} and {state.lockfile.file}")
    half = state.half_fixed
    if half is not None:
        other = state.lockfile if half is state.catalog else state.catalog
        return Drift(
            f"{package} is at {minimum} or later in {half.file} ({half.describe()}) but not in {other.file} "
            f"({other.describe()}): bump both (pnpm install --frozen-lockfile refuses a catalog and lockfile "
            f"that disagree), or neither and let this fix edit the code",
            ReasonKind.UNEXPECTED_SHAPE,
        )
    return None


def _rules(ctx: EditContext) -> BodyRules:
    buffer, stream = ctx.regex("buffer"), ctx.regex("stream")
    assert buffer is not None and stream is not None
    return BodyRules(buffer, stream)


def _width(ctx: EditContext) -> int:
    text = ctx.text("line_width")
    if not text.isdigit():
        raise ParameterError("`line_width` must be a number")
    return int(text)


def _fits(ctx: EditContext, start: int, end: int, new: bytes, what: Node) -> None:
    """Refuse (drift) an edit that would make its line longer than the formatter's width."""
    doc = ctx.doc
    line = doc.data[doc.line_start(start) : start] + new + doc.data[end : doc.line_end(end)]
    width = len(line.decode("utf-8")) + line.count(b"\t") * (_TAB_WIDTH - 1)
    if width > _width(ctx):
        raise NotEditable(f"{doc.loc(what)}: the edit would make the line {width} columns wide, "
                          f"over the formatter's {_width(ctx)}")


def _delete_statement(doc: Document, statement: Node) -> Edit:
    """Remove a statement that is alone on its line(s), with its line."""
    start, end = doc.line_start(statement.start_byte), doc.line_end(statement.end_byte)
    if doc.data[start : statement.start_byte].strip() or doc.data[statement.end_byte : end].strip():
        raise NotEditable(f"{doc.loc(statement)}: `{one_line(doc.text(statement))}` shares its line")
    stop = doc.data.find(b"\n", end)
    return Edit(start, len(doc.data) if stop == -1 else stop + 1, b"")


# -- header-by-body ----------------------------------------------------------------------------


@primitive(
    "header-by-body",
    Param("header", doc="the header (`Content-Length`); names compare case-insensitively"),
    Param("buffer", "regex", doc="callees whose result is a buffered body (`toBodyData`)"),
    Param("stream", "regex", doc="callees whose result is a streamed body (`toWebReadableStream`)"),
    Param("helper", doc="a function that sets the header unless told not to (`setHeaders`)", default=None),
    Param("suppress", doc="the argument that tells `helper` not to (`{contentLength: false}`)", default=None),
    Param("position", doc="the index of that argument, earlier optional ones passed as `undefined`",
          default=None),
    _LINE_WIDTH,
    *_DEPENDENCY,
    languages=JS_FAMILY,
)
def header_by_body(ctx: EditContext) -> Answer:
    """Set ``header`` explicitly only before responses whose body is a stream or null.

    ``@target`` is a statement that sets the header: ``c.header(header, …)``, removed when the
    responses it runs before are buffered, or a ``helper(…)`` call, which then gets ``suppress``
    at ``position``.  A statement before a buffered and a streamed response, before none, or
    before a body of unknown kind, or ``suppress`` before a stream or null body, is drift.
    Present when the statement is right for its responses (or ``dependency`` is at ``fixed_in``)."""
    fixed = fixed_by_dependency(ctx)
    if fixed is not None:
        return fixed
    doc, header = ctx.doc, ctx.text("header")
    helper = ctx.optional_text("helper")
    suppress = ctx.optional_text("suppress")
    position_text = ctx.optional_text("position")
    if helper is not None and (suppress is None or position_text is None or not position_text.isdigit()):
        raise ParameterError("`helper` needs `suppress` and a numeric `position`")
    setting = header_set(doc, ctx.target, header, helper)
    if setting is None:
        return Drift(f"{doc.loc(ctx.target)}: expected a statement setting `{header}`, found "
                     f"`{one_line(doc.text(ctx.target))}`")
    where = f"{doc.loc(setting.statement)}: `{one_line(doc.text(setting.statement))}`"
    served = responses_served(doc, setting.statement, _rules(ctx))
    if not served:
        return Drift(f"{where} runs before no response of its function; cannot tell which body it serves")
    kinds = {kind for _, kind in served}
    if "unknown" in kinds:
        bodies = [r.body for r, kind in served if kind == "unknown" and r.body is not None]
        shown = ", ".join(f"`{one_line(doc.text(b))}` at {doc.loc(b)}" for b in bodies)
        return Drift(f"{where} runs before a response whose body kind is unknown ({shown})")
    if "buffer" in kinds and kinds != {"buffer"}:
        return Drift(f"{where} runs before a buffered and a {'/'.join(sorted(kinds - {'buffer'}))} response")
    buffered = kinds == {"buffer"}
    if not setting.helper:
        return Apply((_delete_statement(doc, setting.statement),)) if buffered else Present()
    assert suppress is not None and position_text is not None
    edit = _helper_call(ctx, setting.call, suppress, int(position_text), buffered)
    return Apply((edit,)) if edit is not None else Present()


def _helper_call(ctx: EditContext, call: Node, suppress: str, position: int, buffered: bool) -> Edit | None:
    """The edit passing ``suppress`` to a helper call before a buffered body (``None`` when it
    already does, or needs not); drift when a streamed or null body's call passes it."""
    doc = ctx.doc
    frag_doc, frag = structure.parse_expression(doc.language or "tsx", suppress)
    args = _args(call)
    passes = len(args) > position and structure.same(doc, args[position], frag_doc, frag)
    if not buffered:
        if passes:
            raise NotEditable(f"{doc.loc(args[position])}: `{suppress}` before a response that is not buffered "
                              f"(a stream or a HEAD answer needs the header)", ReasonKind.CONFLICT)
        return None
    if passes:
        return None
    if len(args) > position:
        raise NotEditable(f"{doc.loc(args[position])}: `{one_line(doc.text(args[position]))}` is passed where "
                          f"`{suppress}` should go", ReasonKind.CONFLICT)
    if not args or not doc.same_line(call.start_byte, call.end_byte):
        raise NotEditable(f"{doc.loc(call)}: a call over several lines; expected one line")
    last = args[-1]
    fill = ["undefined"] * (position - len(args))
    quote = structure.preferred_quote(doc, call)
    rendered = structure.requote(frag_doc, frag, quote)
    text = "".join(f", {a}" for a in [*fill, rendered]).encode("utf-8")
    _fits(ctx, last.end_byte, last.end_byte, text, call)
    return Edit(last.end_byte, last.end_byte, text)


# -- guard-header-with-option ------------------------------------------------------------------


@primitive(
    "guard-header-with-option",
    Param("header", doc="the header the function sets (`Content-Length`)"),
    Param("parameter", doc="the parameter to add last (`{contentLength = true}: {contentLength?: boolean} = {}`)"),
    Param("condition", doc="the expression that must hold for the header to be set (`contentLength`)"),
    Param("position", doc="the index the new parameter must get (the callers' `position`): other counts drift",
          default=None),
    _LINE_WIDTH,
    *_DEPENDENCY,
    languages=JS_FAMILY,
)
def guard_header_with_option(ctx: EditContext) -> Answer:
    """Give the function ``@target`` the last parameter ``parameter`` and set ``header`` only
    when ``condition`` holds (``if (condition) c.header(...)``; an ``else { c.header(...) }``
    becomes ``else if (condition) {...}``), so that callers can opt out.

    Present when the parameter is there and every ``c.header(header, …)`` of the function
    is under ``if (condition)`` (or ``dependency`` is at ``fixed_in``)."""
    fixed = fixed_by_dependency(ctx)
    if fixed is not None:
        return fixed
    doc, function = ctx.doc, ctx.target
    params = function.child_by_field_name("parameters")
    body = function.child_by_field_name("body")
    if params is None or body is None:
        return Drift(f"{doc.loc(function)}: expected a function with parameters and a body")
    lang = doc.language or "tsx"
    wanted_doc, wanted = _parse_parameter(lang, ctx.text("parameter"))
    cond_doc, cond = structure.parse_expression(lang, ctx.text("condition"))
    header = ctx.text("header")
    sets = [n for n in walk(body) if header_set(doc, n, header, None) is not None
            and enclosing_function(n) == function]
    if not sets:
        return Drift(f"{doc.loc(function)}: sets no `{header}` header (looked for {ctx.looking_for})",
                     ReasonKind.TARGET_MISSING)
    edits: list[Edit] = []
    existing = [p for p in params.named_children if p.type != "comment"]
    position = ctx.optional_text("position")
    if position is not None and not position.isdigit():
        raise ParameterError("`position` must be a number")
    if not any(structure.same(doc, p, wanted_doc, wanted) for p in existing):
        if position is not None and len(existing) != int(position):
            return Drift(f"{doc.loc(params)}: the function takes {len(existing)} parameters where the fix expects "
                         f"{position} before its own (its callers pass the option at index {position})")
        edits.append(_add_parameter(ctx, params, existing, structure.requote(wanted_doc, wanted, "'")))
    condition = structure.requote(cond_doc, cond, structure.preferred_quote(doc, function))
    for statement in sets:
        if _guarded(doc, statement, function, cond_doc, cond):
            continue
        new = f"if ({condition}) ".encode()
        block = statement.parent
        if _sole_statement_of_else(statement):
            assert block is not None
            # `else { set }` → `else if (condition) { set }`, as one would write it.
            _fits(ctx, block.start_byte, block.start_byte, new, statement)
            edits.append(Edit(block.start_byte, block.start_byte, new))
            continue
        _fits(ctx, statement.start_byte, statement.start_byte, new, statement)
        edits.append(Edit(statement.start_byte, statement.start_byte, new))
    return Apply(tuple(edits)) if edits else Present()


def _sole_statement_of_else(statement: Node) -> bool:
    block = statement.parent
    if block is None or block.type != "statement_block" or block.parent is None:
        return False
    return block.parent.type == "else_clause" and [c for c in block.named_children if c.type != "comment"] == [
        statement
    ]


def _parse_parameter(language: str, text: str) -> tuple[Document, Node]:
    doc = Document("<snippet>", f"function f({text}) {{}}".encode(), language)
    function = doc.root.named_children[0] if doc.root.named_child_count == 1 else None
    params = function.child_by_field_name("parameters") if function is not None else None
    named = [p for p in params.named_children if p.type != "comment"] if params is not None else []
    if doc.root.has_error or len(named) != 1:
        raise ParameterError(f"not a single {language} parameter: {text!r}")
    return doc, named[0]


def _guarded(doc: Document, statement: Node, function: Node, cond_doc: Document, cond: Node) -> bool:
    """Whether ``statement`` runs only under an ``if`` whose condition is ``cond``."""
    node = statement
    while node.parent is not None and node != function:
        parent = node.parent
        if parent.type == "if_statement" and parent.child_by_field_name("consequence") == node:
            test = parent.child_by_field_name("condition")
            if test is not None and structure.same(doc, test, cond_doc, cond):
                return True
        node = parent
    return False


def _add_parameter(ctx: EditContext, params: Node, existing: list[Node], text: str) -> Edit:
    doc = ctx.doc
    if not existing:
        return Edit(params.start_byte + 1, params.start_byte + 1, text.encode())
    last = existing[-1]
    comma = last.next_sibling if last.next_sibling is not None and last.next_sibling.type == "," else None
    if doc.same_line(params.start_byte, params.end_byte):
        new = f", {text}".encode()
        _fits(ctx, last.end_byte, last.end_byte, new, params)
        return Edit(last.end_byte, last.end_byte, new)
    indent = doc.indent_at(last.start_byte)
    line = doc.newline + indent + text.encode()
    if comma is not None:
        return Edit(comma.end_byte, comma.end_byte, line + b",")
    return Edit(last.end_byte, last.end_byte, b"," + line)
