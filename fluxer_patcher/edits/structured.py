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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
from fluxer_patcher.yamltext import (
    Style,
    after_line,
    aliases,
    blank_separated,
    column_prefix,
    key_column,
    parse_snippet,
)

if TYPE_CHECKING:
    from tree_sitter import Node

DATA = frozenset({"json", "yaml"})
YAML = frozenset({"yaml"})
_ROLE_REF = re.compile(r"\{\{service:([\w-]+)\}\}")
_CAPTURE_REF = re.compile(r"\{\{(\w+)\}\}")


class _Stop(Exception):
    """Ends a primitive early with a drift reason."""


def _text(ctx: EditContext, name: str) -> str:
    """A string parameter with ``{{capture}}`` and ``{{service:NAME}}`` filled in.

    A capture a placeholder uses must have one node: several (two API keys) is drift."""
    raw = ctx.params.get(name)
    for capture in dict.fromkeys(_CAPTURE_REF.findall(raw if isinstance(raw, str) else "")):
        nodes = ctx.match.captures.get(capture, [])
        if len(nodes) > 1:
            where = ", ".join(ctx.doc.loc(n) for n in nodes)
            raise _Stop(f"{{{{{capture}}}}} is ambiguous: {len(nodes)} candidates at {where}; "
                        f"expected one for {ctx.looking_for or 'the fix'}")
    try:
        text = ctx.text(name)
    except MissingCapture as missing:
        raise _Stop(
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
        raise _Stop(f"{path}: not found; it names the services this fix points at") from None
    except SourceError as exc:
        raise _Stop(str(exc)) from None
    doc = Document(path, data, "yaml")
    if doc.root.has_error:
        raise _Stop(f"{path}: YAML syntax errors at {', '.join(doc.syntax_errors())}")
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
        raise _Stop(f"{view.doc.path}: no service plays the {ref} role ({compose.describe(role)})")
    where = ", ".join(f"{s.name} at {view.doc.loc(s.node)}" for s in found)
    raise _Stop(f"{view.doc.path}: {len(found)} services play the {ref} role: {where}")


def _mapping_target(ctx: EditContext, view: DataView) -> Node:
    target = unwrap(ctx.target)
    if target is None or not is_mapping(target):
        kind = target.type if target is not None else "nothing"
        raise _Stop(f"{ctx.doc.loc(ctx.target)}: expected a mapping, found {kind}")
    return target


def _guarded(run: Primitive) -> Primitive:
    """Turn a primitive's early stops into :class:`Drift` outcomes."""

    def wrapper(ctx: EditContext) -> Outcome:
        try:
            outcome = run(ctx)
        except _Stop as stop:
            return Drift(str(stop))
        except DataError as exc:
            return Drift(str(exc))
        return outcome

    wrapper.__doc__ = run.__doc__
    wrapper.__name__ = run.__name__
    return wrapper


# -- scalars --------------------------------------------------------------------------


def _plain_safe(text: str, value: Any) -> bool:
    doc = Document("<scalar>", f"k: {text}\n".encode(), "yaml")
    if doc.root.has_error:
        return False
    view = DataView(doc)
    node = view.get(view.root, "k")
    return node is not None and unwrap(node) is not None and same_data(view.value(node), value)


def yaml_scalar(value: Any, style: str, fallback_quote: str = "'") -> str:
    """``value`` as a YAML scalar in ``style`` (plain, single or double) when it can be."""
    if not isinstance(value, str):
        return json.dumps(value) if value is not None else "null"
    if style == "plain" and _plain_safe(value, value):
        return value
    if style == "double" or (style == "plain" and fallback_quote == '"'):
        return json.dumps(value, ensure_ascii=False)
    return "'" + value.replace("'", "''") + "'"


_STYLES = {"plain_scalar": "plain", "single_quote_scalar": "single", "double_quote_scalar": "double"}


# -- the merge of a snippet into a YAML mapping -------------------------------------------


@dataclass
class _YamlMerge:
    view: DataView
    snippet: DataView
    style: Style
    keep_conflicts: bool
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # set-member's rule for the top-level key: replace a scalar matching it, accept another
    replace: re.Pattern[str] | None = None
    accept: re.Pattern[str] | None = None

    @property
    def doc(self) -> Document:
        return self.view.doc

    def conflict(self, path: str, node: Node) -> None:
        if self.keep_conflicts:
            self.notes.append(f"{path} at {self.doc.loc(node)} differs from the fix's; left as is")
            return
        raise _Stop(f"{self.doc.loc(node)}: {path} has another value than the fix's; left as is")

    def mapping(self, target: Node, wanted: Node, path: str, after: str | None = None) -> None:
        entries = self.view.entries(target)
        missing: list[Entry] = []
        for want in self.snippet.entries(wanted):
            have = self.view.entry(target, want.key)
            if have is None:
                missing.append(want)
            else:
                self.member(have, want, f"{path}{want.key}", top=not path)
        if missing:
            self.insert_entries(target, entries, missing, path, after)

    def member(self, have: Entry, want: Entry, path: str, top: bool) -> None:
        wanted_value = self.snippet.value(want.value)
        have_node = unwrap(have.value)
        if have_node is None and wanted_value is not None:
            self.fill_empty(have, want)
            return
        if same_data(self.view.value(have.value), wanted_value):
            return
        if have_node is not None and have_node.type == "alias":
            self.conflict(path, have.key_node)
            return
        want_node = unwrap(want.value)
        if have_node is not None and want_node is not None:
            if is_mapping(have_node) and is_mapping(want_node):
                self.mapping(have_node, want_node, path + ".")
                return
            if have_node.type in ("block_sequence", "flow_sequence") and want_node.type in (
                "block_sequence",
                "flow_sequence",
            ):
                self.sequence(have_node, want_node, path)
                return
            if top and have_node.type in _STYLES:
                current = flat_text(self.view.value(have_node))
                if self.replace is not None and self.replace.search(current):
                    rendered = yaml_scalar(wanted_value, _STYLES[have_node.type], self.style.quote or "'")
                    self.edits.append(Edit(have_node.start_byte, have_node.end_byte, rendered.encode()))
                    return
                if self.accept is not None and self.accept.search(current):
                    return
        self.conflict(path, have.key_node)

    def fill_empty(self, have: Entry, want: Entry) -> None:
        """``key:`` with no value gets the wanted value."""
        want_node = unwrap(want.value)
        assert want_node is not None and want.value is not None
        end = have.pair.end_byte
        inline = self.style.inline(self.snippet, want.value)
        if inline is not None and want_node.type not in ("block_mapping", "block_sequence"):
            self.edits.append(Edit(end, end, (" " + inline).encode()))
            return
        prefix = column_prefix(self.doc, have.pair)
        if prefix is None:
            raise _Stop(f"{self.doc.loc(have.pair)}: {have.key} does not start its line; not edited")
        indent = prefix + " " * self.style.step
        body = self.style.block(self.snippet, want.value, indent)
        pos = self.doc.line_end(end)
        self.edits.append(Edit(pos, pos, (self.style.newline + indent + body).encode()))

    def insert_entries(self, target: Node, entries: list[Entry], missing: list[Entry], path: str,
                       after: str | None) -> None:
        nl = self.style.newline
        if target.type == "flow_mapping":
            parts = [self.style.inline(self.snippet, m.pair) for m in missing]
            if any(p is None for p in parts) or not self.doc.same_line(target.start_byte, target.end_byte):
                raise _Stop(f"{self.doc.loc(target)}: {path or 'the mapping'} is a multi-line flow mapping; not edited")
            text = ", ".join(p for p in parts if p is not None)
            if entries:
                pos = entries[-1].pair.end_byte
                self.edits.append(Edit(pos, pos, (", " + text).encode()))
            else:
                self.edits.append(Edit(target.start_byte + 1, target.start_byte + 1, text.encode()))
            return
        prefix = key_column(self.view, entries)
        if prefix is None:
            raise _Stop(f"{self.doc.loc(target)}: the keys of {path or 'the mapping'} do not line up; not edited")
        anchor = entries[-1]
        if after is not None:
            anchor = self.view.entry(target, after) or anchor
        gap = nl if blank_separated(self.view, [e.pair for e in entries]) else ""
        text = "".join(nl + gap + prefix + self.style.block(self.snippet, m.pair, prefix) for m in missing)
        pos = after_line(self.doc, anchor.pair)
        self.edits.append(Edit(pos, pos, text.encode()))

    def sequence(self, target: Node, wanted: Node, path: str) -> None:
        present = [self.view.value(i) for i in self.view.items(target)]
        missing = [
            i for i in self.snippet.items(wanted) if not any(same_data(self.snippet.value(i), p) for p in present)
        ]
        if not missing:
            return
        items = self.view.items(target)
        nl = self.style.newline
        if target.type == "flow_sequence":
            parts = [self.style.inline(self.snippet, _item_content(i)) for i in missing]
            if any(p is None for p in parts):
                raise _Stop(f"{self.doc.loc(target)}: {path} would need multi-line items in a flow sequence")
            text = ", ".join(p for p in parts if p is not None)
            if not items:
                self.edits.append(Edit(target.start_byte + 1, target.start_byte + 1, text.encode()))
            elif self.doc.same_line(items[-1].start_byte, target.end_byte):
                self.edits.append(Edit(items[-1].end_byte, items[-1].end_byte, (", " + text).encode()))
            else:
                indent = self.doc.indent_at(items[-1].start_byte).decode()
                self.edits.append(Edit(items[-1].end_byte, items[-1].end_byte, ("," + nl + indent + text).encode()))
            return
        last = items[-1]
        prefix = column_prefix(self.doc, last)
        if prefix is None:
            raise _Stop(f"{self.doc.loc(last)}: the items of {path} do not start their lines; not edited")
        gap = nl if blank_separated(self.view, items) else ""
        text = "".join(
            nl + gap + prefix + "- " + self.style.block(self.snippet, _item_content(i), prefix + "  ") for i in missing
        )
        pos = after_line(self.doc, last)
        self.edits.append(Edit(pos, pos, text.encode()))


def _item_content(item: Node) -> Node:
    if item.type != "block_sequence_item":
        return item
    return next((c for c in item.named_children if c.type != "comment"), item)


def _outcome(merge: _YamlMerge) -> Outcome:
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
    target = _mapping_target(ctx, view)
    snippet = parse_snippet(_text(ctx, "value"))
    wanted = unwrap(snippet.root)
    if wanted is None or not is_mapping(wanted):
        raise SnippetError("`value` must be a YAML mapping")
    keep = _conflict_policy(ctx)
    merge = _YamlMerge(view, snippet, Style(ctx.doc), keep)
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
    target = _mapping_target(ctx, view)
    key, value_text = _text(ctx, "key"), _text(ctx, "value")
    replace, accept = _regex(ctx, "replace"), _regex(ctx, "accept")
    after = ctx.params.get("after")
    if ctx.doc.language == "yaml":
        snippet = parse_snippet(f"{yaml_scalar(key, 'plain')}: {value_text}\n")
        wanted = unwrap(snippet.root)
        assert wanted is not None
        merge = _YamlMerge(view, snippet, Style(ctx.doc), False, replace=replace, accept=accept)
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
    root = _mapping_target(ctx, view)
    role = ctx.params["role"]
    try:
        compose.check_role(role)
    except compose.RoleError as exc:
        raise SnippetError(str(exc)) from None
    assert isinstance(role, Mapping)
    name = _text(ctx, "name")
    found = compose.find(view, role)
    if found:
        names = ", ".join(f"{s.name} ({ctx.doc.loc(s.node)})" for s in found)
        extra = f"; {len(found)} services play this role" if len(found) > 1 else ""
        return Present("" if [s.name for s in found] == [name] else f"present as {names}{extra}")
    services = compose.services_node(view)
    if services is None:
        return Drift(f"{ctx.doc.loc(root)}: no `services` mapping at the top level")
    if view.entry(services, name) is not None:
        clash = view.entry(services, name)
        assert clash is not None
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
        if entry is not None:
            raise _Stop(f"{view.doc.loc(entry.pair)}: top-level `volumes` is empty; not edited")
        prefix = key_column(view, view.entries(root)) or ""
        inner = prefix + " " * style.step
        text = nl + nl + prefix + "volumes:" + "".join(nl + inner + n + ":" for n in named)
        last = view.entries(root)[-1]
        pos = after_line(view.doc, last.pair)
        return [Edit(pos, pos, text.encode())]
    node = unwrap(volumes)
    if node is None or node.type != "block_mapping":
        raise _Stop(f"{view.doc.loc(volumes)}: top-level `volumes` is not a block mapping; not edited")
    entries = view.entries(node)
    missing = [n for n in named if view.entry(node, n) is None]
    if not missing:
        return []
    column = key_column(view, entries)
    if column is None:
        raise _Stop(f"{view.doc.loc(node)}: the volumes do not line up; not edited")
    pos = after_line(view.doc, entries[-1].pair)
    notes.append(f"declared volume {', '.join(missing)}")
    return [Edit(pos, pos, "".join(nl + column + n + ":" for n in missing).encode())]
