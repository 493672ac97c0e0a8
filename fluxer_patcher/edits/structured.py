"""Edit primitives for JSON and YAML: set a member, merge a mapping, add a Compose service.

They work on the data (:mod:`fluxer_patcher.datatree`) and answer with byte splices that
keep everything else as it was: JSON's tabs and key order; YAML's comments, anchors and
aliases, quoting, flow sequences and key order.  New text takes the file's indent step,
quote character and blank-line rhythm (:mod:`fluxer_patcher.yamltext`).

Parameters may name Compose services by role: ``{{service:NAME}}`` is replaced by the name
of the one service of the Compose file (``compose``, default ``compose.yaml``) that plays
the role ``services.NAME`` (see :mod:`fluxer_patcher.compose`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fluxer_patcher import compose
from fluxer_patcher.datatree import DataError, DataView, Entry, flat_text, is_mapping, same_data, unwrap
from fluxer_patcher.document import Document
from fluxer_patcher.edits import (
    Apply,
    Drift,
    Edit,
    EditContext,
    MissingCapture,
    Outcome,
    Present,
    Primitive,
    primitive,
)
from fluxer_patcher.source import FileMissing, SourceError
from fluxer_patcher.structure import SnippetError
from fluxer_patcher.yamlmerge import NotEditable, YamlMerge, yaml_scalar
from fluxer_patcher.yamltext import Style, after_line, aliases, blank_separated, key_column, parse_snippet

if TYPE_CHECKING:
    from tree_sitter import Node

DATA = frozenset({"json", "yaml"})
YAML = frozenset({"yaml"})
_ROLE_REF = re.compile(r"\{\{service:([\w-]+)\}\}")
_CAPTURE_REF = re.compile(r"\{\{(\w+)\}\}")


def _text(ctx: EditContext, name: str) -> str:
    """A string parameter with ``{{capture}}`` and ``{{service:NAME}}`` filled in.

    A capture a placeholder uses must have one node: several (two API keys) is drift."""
    raw = ctx.params.get(name)
    for capture in dict.fromkeys(_CAPTURE_REF.findall(raw if isinstance(raw, str) else "")):
        nodes = ctx.match.captures.get(capture, [])
        if len(nodes) > 1:
            where = ", ".join(ctx.doc.loc(n) for n in nodes)
            raise NotEditable(f"{{{{{capture}}}}} is ambiguous: {len(nodes)} candidates at {where}; "
                        f"expected one for {ctx.looking_for or 'the fix'}")
    try:
        text = ctx.text(name)
    except MissingCapture as missing:
        raise NotEditable(
            f"{ctx.doc.loc(ctx.target)}: found the target but not its {missing.args[0]!r} part; "
            f"expected {ctx.looking_for or 'a known shape'}"
        ) from None
    refs = _ROLE_REF.findall(text)
    if not refs:
        return text
    names = {ref: _service_name(ctx, ref) for ref in dict.fromkeys(refs)}
    return _ROLE_REF.sub(lambda m: names[m.group(1)], text)


def _regex(ctx: EditContext, name: str) -> re.Pattern[str] | None:
    value = ctx.params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SnippetError(f"parameter {name!r} must be a regex string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise SnippetError(f"parameter {name!r}: bad regex: {exc}") from None


def _compose_view(ctx: EditContext) -> DataView:
    path = str(ctx.params.get("compose", "compose.yaml"))
    if path == ctx.doc.path:
        return DataView(ctx.doc)
    try:
        data = ctx.source.read(path)
    except FileMissing:
        raise NotEditable(f"{path}: not found; it names the services this fix points at") from None
    except SourceError as exc:
        raise NotEditable(str(exc)) from None
    doc = Document(path, data, "yaml")
    if doc.root.has_error:
        raise NotEditable(f"{path}: YAML syntax errors at {', '.join(doc.syntax_errors())}")
    return DataView(doc)


def _service_name(ctx: EditContext, ref: str) -> str:
    roles = ctx.params.get("services")
    role = roles.get(ref) if isinstance(roles, Mapping) else None
    if role is None:
        raise SnippetError(f"{{{{service:{ref}}}}} needs a role in the `services` parameter")
    try:
        compose.check_role(role, f"services.{ref}")
    except compose.RoleError as exc:
        raise SnippetError(str(exc)) from None
    view = _compose_view(ctx)
    found = compose.find(view, role)
    if len(found) == 1:
        return found[0].name
    if not found:
        raise NotEditable(f"{view.doc.path}: no service plays the {ref} role ({compose.describe(role)})")
    where = ", ".join(f"{s.name} at {view.doc.loc(s.node)}" for s in found)
    raise NotEditable(f"{view.doc.path}: {len(found)} services play the {ref} role: {where}")


def _mapping_target(ctx: EditContext) -> Node:
    target = unwrap(ctx.target)
    if target is None or not is_mapping(target):
        kind = target.type if target is not None else "nothing"
        raise NotEditable(f"{ctx.doc.loc(ctx.target)}: expected a mapping, found {kind}")
    return target


def _guarded(run: Primitive) -> Primitive:
    """Turn a primitive's early stops into :class:`Drift` outcomes."""

    def wrapper(ctx: EditContext) -> Outcome:
        try:
            outcome = run(ctx)
        except NotEditable as stop:
            return Drift(str(stop))
        except DataError as exc:
            return Drift(str(exc))
        return outcome

    wrapper.__doc__ = run.__doc__
    wrapper.__name__ = run.__name__
    return wrapper


def _outcome(merge: YamlMerge) -> Outcome:
    note = "; ".join(merge.notes)
    return Apply(tuple(merge.edits), note) if merge.edits else Present(note)


# -- merge-mapping --------------------------------------------------------------------------


@primitive(
    "merge-mapping",
    required=("value",),
    optional=("after", "conflicts", "services", "compose"),
    languages=YAML,
)
@_guarded
def merge_mapping(ctx: EditContext) -> Outcome:
    """Merge the YAML mapping ``value`` into the mapping ``@target``: missing keys are
    added (after the key ``after``, else at the end), nested mappings merged, missing
    sequence items appended.  A key with another value is drift, or left as it is with a
    note when ``conflicts = "keep"``.

    Present when every key and item of ``value`` is there with equal data."""
    view = DataView(ctx.doc)
    target = _mapping_target(ctx)
    snippet = parse_snippet(_text(ctx, "value"))
    wanted = unwrap(snippet.root)
    if wanted is None or not is_mapping(wanted):
        raise SnippetError("`value` must be a YAML mapping")
    keep = _conflict_policy(ctx)
    merge = YamlMerge(view, snippet, Style(ctx.doc), keep)
    after = ctx.params.get("after")
    merge.mapping(target, wanted, "", str(after) if after is not None else None)
    return _outcome(merge)


def _conflict_policy(ctx: EditContext) -> bool:
    policy = ctx.params.get("conflicts", "drift")
    if policy not in ("drift", "keep"):
        raise SnippetError(f"`conflicts` is \"drift\" or \"keep\", not {policy!r}")
    return policy == "keep"


# -- set-member ---------------------------------------------------------------------------


@primitive(
    "set-member",
    required=("key", "value"),
    optional=("replace", "accept", "after", "services", "compose"),
    languages=DATA,
)
@_guarded
def set_member(ctx: EditContext) -> Outcome:
    """Give the mapping ``@target`` the member ``key`` with ``value`` (JSON or YAML text,
    like the file).  A missing member is added (after ``after``, else last); a present one
    with another value is replaced when it matches the regex ``replace``, counts as done
    when it matches ``accept``, and is drift otherwise.

    Present when the member's data equals ``value``."""
    view = DataView(ctx.doc)
    target = _mapping_target(ctx)
    key, value_text = _text(ctx, "key"), _text(ctx, "value")
    replace, accept = _regex(ctx, "replace"), _regex(ctx, "accept")
    after = ctx.params.get("after")
    if ctx.doc.language == "yaml":
        snippet = parse_snippet(f"{yaml_scalar(key, 'plain')}: {value_text}\n")
        wanted = unwrap(snippet.root)
        assert wanted is not None
        merge = YamlMerge(view, snippet, Style(ctx.doc), False, replace=replace, accept=accept)
        merge.mapping(target, wanted, "", str(after) if after is not None else None)
        return _outcome(merge)
    return _set_json_member(ctx, view, target, key, value_text, replace, accept, after)


def _set_json_member(
    ctx: EditContext, view: DataView, target: Node, key: str, value_text: str,
    replace: re.Pattern[str] | None, accept: re.Pattern[str] | None, after: object,
) -> Outcome:
    doc = ctx.doc
    try:
        wanted = json.loads(value_text)
    except json.JSONDecodeError as exc:
        raise SnippetError(f"`value` is not JSON: {exc}") from None
    entries = view.entries(target)
    have = view.entry(target, key)
    if have is not None and have.value is not None:
        current = view.value(have.value)
        if same_data(current, wanted):
            return Present()
        text = flat_text(current)
        if replace is not None and not isinstance(current, (dict, list)) and replace.search(text):
            return Apply((Edit(have.value.start_byte, have.value.end_byte, value_text.strip().encode()),))
        if accept is not None and accept.search(text):
            return Present()
        return Drift(f"{doc.loc(have.value)}: {key} has another value than {value_text.strip()}; left as is")
    member = json.dumps(key, ensure_ascii=False) + ": " + value_text.strip()
    nl = doc.newline
    if not entries:
        inside = target.start_byte + 1
        if doc.same_line(target.start_byte, target.end_byte):
            return Apply((Edit(inside, inside, member.encode()),))
        indent = doc.indent_at(target.start_byte) + doc.indent_unit
        return Apply((Edit(inside, inside, nl + indent + member.encode()),))
    anchor = entries[-1]
    if after is not None:
        anchor = view.entry(target, str(after)) or anchor
    separator = doc.data[anchor.key_node.end_byte : anchor.value.start_byte] if anchor.value else b": "
    member = json.dumps(key, ensure_ascii=False) + separator.decode() + value_text.strip()
    following = anchor.pair.next_named_sibling
    while following is not None and following.type == "comment":
        following = following.next_named_sibling
    is_last = following is None
    if doc.same_line(anchor.pair.start_byte, target.end_byte) and (is_last or doc.same_line(
        anchor.pair.start_byte, following.start_byte if following else target.end_byte
    )):
        # a one-line object: `{"a": 1}` -> `{"a": 1, "key": value}`
        return Apply((Edit(anchor.pair.end_byte, anchor.pair.end_byte, (", " + member).encode()),))
    indent = doc.indent_at(anchor.pair.start_byte)
    if is_last:
        line_end = doc.line_end(anchor.pair.end_byte)
        return Apply((
            Edit(anchor.pair.end_byte, anchor.pair.end_byte, b","),
            Edit(line_end, line_end, nl + indent + member.encode()),
        ))
    comma = anchor.pair.next_sibling
    if comma is None or comma.type != ",":
        return Drift(f"{doc.loc(anchor.pair)}: no comma after {anchor.key}; not edited")
    line_end = doc.line_end(comma.end_byte)
    return Apply((Edit(line_end, line_end, nl + indent + member.encode() + b","),))


# -- add-compose-service -------------------------------------------------------------------


@primitive("add-compose-service", required=("name", "value", "role"), languages=YAML)
@_guarded
def add_compose_service(ctx: EditContext) -> Outcome:
    """Add the service ``name`` (body ``value``, YAML) to the Compose file whose top-level
    mapping is ``@target``, and declare the named volumes it mounts.  Entries of ``value``
    that use an alias the file does not define (``*default-logging``) are left out.

    Present when a service, under any name, plays ``role`` (a table of path = regex)."""
    view = DataView(ctx.doc)
    root = _mapping_target(ctx)
    role = ctx.params["role"]
    try:
        compose.check_role(role)
    except compose.RoleError as exc:
        raise SnippetError(str(exc)) from None
    name = _text(ctx, "name")
    found = compose.find(view, role)
    if found:
        names = ", ".join(f"{s.name} ({ctx.doc.loc(s.node)})" for s in found)
        extra = f"; {len(found)} services play this role" if len(found) > 1 else ""
        return Present("" if [s.name for s in found] == [name] else f"present as {names}{extra}")
    services = compose.services_node(view)
    if services is None:
        return Drift(f"{ctx.doc.loc(root)}: no `services` mapping at the top level")
    if (clash := view.entry(services, name)) is not None:
        return Drift(f"{ctx.doc.loc(clash.key_node)}: a service named {name} exists but does not play the role "
                     f"({compose.describe(role)})")
    body = parse_snippet(_text(ctx, "value"))
    body_root = unwrap(body.root)
    if body_root is None or not is_mapping(body_root):
        raise SnippetError("`value` must be a YAML mapping (the service's settings)")
    style = Style(ctx.doc)
    defined = set(view.anchors)
    kept: list[Entry] = []
    dropped: list[Entry] = []
    for entry in body.entries(body_root):
        unknown = [a for a in aliases(entry.pair) if a not in defined]
        (dropped if unknown else kept).append(entry)
    entries = view.entries(services)
    prefix = key_column(view, entries)
    if prefix is None:
        return Drift(f"{ctx.doc.loc(services)}: the services do not line up; not edited")
    nl = style.newline
    inner = prefix + " " * style.step
    text = nl + (nl if blank_separated(view, [e.pair for e in entries]) else "") + prefix + name + ":"
    text += "".join(nl + inner + style.block(body, e.pair, inner) for e in kept)
    pos = after_line(ctx.doc, entries[-1].pair)
    edits = [Edit(pos, pos, text.encode())]
    notes = []
    if dropped:
        notes.append(f"left out {', '.join(e.key for e in dropped)}: it uses an alias this file does not define")
    edits.extend(_declare_volumes(view, root, body, body_root, style, notes))
    return Apply(tuple(edits), "; ".join(notes))


def _declare_volumes(view: DataView, root: Node, body: DataView, body_root: Node, style: Style,
                     notes: list[str]) -> list[Edit]:
    data = body.value(body_root)
    service = compose.Service("", Entry("", body_root, body_root, body_root), data if isinstance(data, dict) else {})
    named = [m.source for m in compose.mounts(service) if m.named]
    if not named:
        return []
    volumes = view.get(view.root, "volumes")
    nl = style.newline
    if volumes is None or unwrap(volumes) is None:
        entry = view.entry(root, "volumes")
        prefix = key_column(view, view.entries(root)) or ""
        if entry is not None:  # `volumes:` with nothing under it
            if entry.value is not None:
                raise NotEditable(f"{view.doc.loc(entry.pair)}: top-level `volumes` is not a mapping; not edited")
            inner = prefix + " " * style.step
            pos = view.doc.line_end(entry.pair.end_byte)
            return [Edit(pos, pos, "".join(nl + inner + n + ":" for n in named).encode())]
        inner = prefix + " " * style.step
        text = nl + nl + prefix + "volumes:" + "".join(nl + inner + n + ":" for n in named)
        last = view.entries(root)[-1]
        pos = after_line(view.doc, last.pair)
        return [Edit(pos, pos, text.encode())]
    node = unwrap(volumes)
    if node is None or node.type != "block_mapping":
        raise NotEditable(f"{view.doc.loc(volumes)}: top-level `volumes` is not a block mapping; not edited")
    entries = view.entries(node)
    missing = [n for n in named if view.entry(node, n) is None]
    if not missing:
        return []
    column = key_column(view, entries)
    if column is None:
        raise NotEditable(f"{view.doc.loc(node)}: the volumes do not line up; not edited")
    pos = after_line(view.doc, entries[-1].pair)
    notes.append(f"declared volume {', '.join(missing)}")
    return [Edit(pos, pos, "".join(nl + column + n + ":" for n in missing).encode())]
