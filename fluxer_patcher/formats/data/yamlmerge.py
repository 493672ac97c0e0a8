"""Merging a YAML snippet into a mapping of a file, as byte splices.

:class:`YamlMerge` walks the snippet's data against the file's: a missing key is added
after the last entry (or a named one), nested mappings are merged, missing sequence items
appended (block or flow), an empty ``key:`` filled, a scalar replaced in its own quoting
when a rule allows it.  A shape it cannot edit safely raises :class:`NotEditable` with the
reason a drift report shows.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from fluxer_patcher.engine.primitives import Edit, NotEditable
from fluxer_patcher.formats.data.datatree import DataView, Entry, flat_text, is_mapping, is_sequence, same_data, unwrap
from fluxer_patcher.formats.data.yamltext import Style, after_line, blank_separated, column_prefix, key_column
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.syntax.document import Document

if TYPE_CHECKING:
    from tree_sitter import Node


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
class YamlMerge:
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
        raise NotEditable(f"{self.doc.loc(node)}: {path} has another value than the fix's; left as is",
                          ReasonKind.CONFLICT)

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
            if is_sequence(have_node) and is_sequence(want_node):
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
            raise NotEditable(f"{self.doc.loc(have.pair)}: {have.key} does not start its line; not edited")
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
                what = path or "the mapping"
                raise NotEditable(f"{self.doc.loc(target)}: {what} is a multi-line flow mapping; not edited")
            text = ", ".join(p for p in parts if p is not None)
            if entries:
                pos = entries[-1].pair.end_byte
                self.edits.append(Edit(pos, pos, (", " + text).encode()))
            else:
                self.edits.append(Edit(target.start_byte + 1, target.start_byte + 1, text.encode()))
            return
        prefix = key_column(self.view, entries)
        if prefix is None:
            raise NotEditable(f"{self.doc.loc(target)}: the keys of {path or 'the mapping'} do not line up; not edited")
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
            parts = [self.style.inline(self.snippet, item_content(i)) for i in missing]
            if any(p is None for p in parts):
                raise NotEditable(f"{self.doc.loc(target)}: {path} would need multi-line items in a flow sequence")
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
            raise NotEditable(f"{self.doc.loc(last)}: the items of {path} do not start their lines; not edited")
        gap = nl if blank_separated(self.view, items) else ""
        text = "".join(
            nl + gap + prefix + "- " + self.style.block(self.snippet, item_content(i), prefix + "  ") for i in missing
        )
        pos = after_line(self.doc, last)
        self.edits.append(Edit(pos, pos, text.encode()))


def item_content(item: Node) -> Node:
    if item.type != "block_sequence_item":
        return item
    return next((c for c in item.named_children if c.type != "comment"), item)
