"""Edit primitives for JSON and YAML: set a member, merge a mapping.

They work on the data (:mod:`.datatree`) and answer with byte splices that keep everything
else as it was: JSON's tabs and key order; YAML's comments, anchors and aliases, quoting,
flow sequences and key order.  New text takes the file's indent step, quote character and
blank-line rhythm (:mod:`.yamltext`).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import CHOICE, REGEX, Param
from fluxer_patcher.engine.primitives import (
    Answer,
    Apply,
    Drift,
    Edit,
    EditContext,
    NotEditable,
    ParameterError,
    Present,
    Primitive,
    primitive,
)
from fluxer_patcher.formats.data.datatree import DataError, DataView, flat_text, is_mapping, same_data, unwrap
from fluxer_patcher.formats.data.yamlmerge import YamlMerge, yaml_scalar
from fluxer_patcher.formats.data.yamltext import Style, parse_snippet
from fluxer_patcher.model import ReasonKind

if TYPE_CHECKING:
    from tree_sitter import Node

DATA = frozenset({"json", "yaml"})
YAML = frozenset({"yaml"})


def mapping_target(ctx: EditContext) -> Node:
    target = unwrap(ctx.target)
    if target is None or not is_mapping(target):
        kind = target.type if target is not None else "nothing"
        raise NotEditable(f"{ctx.doc.loc(ctx.target)}: expected a mapping, found {kind}")
    return target


def guarded(run: Primitive) -> Primitive:
    """Report data of an unexpected kind (:class:`DataError`) as drift."""

    def wrapper(ctx: EditContext) -> Answer:
        try:
            return run(ctx)
        except DataError as exc:
            return Drift(str(exc))

    wrapper.__doc__ = run.__doc__
    wrapper.__name__ = run.__name__
    return wrapper


def _outcome(merge: YamlMerge) -> Answer:
    note = "; ".join(merge.notes)
    return Apply(tuple(merge.edits), note) if merge.edits else Present(note)


# -- merge-mapping --------------------------------------------------------------------------


@primitive(
    "merge-mapping",
    Param("value", doc="the YAML mapping to merge"),
    Param("after", doc="the key new keys go after (else at the end)", default=None),
    Param("conflicts", CHOICE, "drift: a differing value is drift; keep: it stays, with a note", default="drift",
          choices=("drift", "keep")),
    languages=YAML,
)
@guarded
def merge_mapping(ctx: EditContext) -> Answer:
    """Merge the YAML mapping ``value`` into the mapping ``@target``: missing keys are
    added (after the key ``after``, else at the end), nested mappings merged, missing
    sequence items appended.  A key with another value is drift, or left as it is with a
    note when ``conflicts = "keep"``.

    Present when every key and item of ``value`` is there with equal data."""
    view = DataView(ctx.doc)
    target = mapping_target(ctx)
    snippet = parse_snippet(ctx.text("value"))
    wanted = unwrap(snippet.root)
    if wanted is None or not is_mapping(wanted):
        raise ParameterError("`value` must be a YAML mapping")
    merge = YamlMerge(view, snippet, Style(ctx.doc), ctx.text("conflicts") == "keep")
    merge.mapping(target, wanted, "", ctx.optional_text("after"))
    return _outcome(merge)


# -- set-member ---------------------------------------------------------------------------


@primitive(
    "set-member",
    Param("key", doc="the member's key"),
    Param("value", doc="its value, as JSON or YAML text like the file"),
    Param("replace", REGEX, "a present value matching it is replaced", default=None),
    Param("accept", REGEX, "a present value matching it counts as done", default=None),
    Param("after", doc="the key it goes after (else last)", default=None),
    Param("implied_by", doc="a key of the mapping that makes a missing member unneeded", default=None),
    languages=DATA,
)
@guarded
def set_member(ctx: EditContext) -> Answer:
    """Give the mapping ``@target`` the member ``key`` with ``value`` (JSON or YAML text,
    like the file).  A missing member is added (after ``after``, else last), unless the
    mapping has the key ``implied_by`` (a Compose service that ``build``s names its image
    itself); a present one with another value is replaced when it matches the regex
    ``replace``, counts as done when it matches ``accept``, and is drift otherwise.

    Present when the member's data equals ``value``."""
    view = DataView(ctx.doc)
    target = mapping_target(ctx)
    key, value_text = ctx.text("key"), ctx.text("value")
    implied_by = ctx.optional_text("implied_by")
    if implied_by is not None and view.entry(target, key) is None:
        implied = view.entry(target, implied_by)
        if implied is not None:
            return Present(f"no {key}: {implied_by} at {ctx.doc.loc(implied.key_node)} stands for it")
    replace, accept = ctx.regex("replace"), ctx.regex("accept")
    after = ctx.optional_text("after")
    if ctx.doc.language == "yaml":
        snippet = parse_snippet(f"{yaml_scalar(key, 'plain')}: {value_text}\n")
        wanted = unwrap(snippet.root)
        assert wanted is not None
        merge = YamlMerge(view, snippet, Style(ctx.doc), False, replace=replace, accept=accept)
        merge.mapping(target, wanted, "", after)
        return _outcome(merge)
    return _set_json_member(ctx, view, target, key, value_text, replace, accept, after)


def _set_json_member(
    ctx: EditContext, view: DataView, target: Node, key: str, value_text: str,
    replace: re.Pattern[str] | None, accept: re.Pattern[str] | None, after: str | None,
) -> Answer:
    doc = ctx.doc
    try:
        wanted = json.loads(value_text)
    except json.JSONDecodeError as exc:
        raise ParameterError(f"`value` is not JSON: {exc}") from None
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
        return Drift(f"{doc.loc(have.value)}: {key} has another value than {value_text.strip()}; left as is",
                     ReasonKind.CONFLICT)
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
        anchor = view.entry(target, after) or anchor
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
