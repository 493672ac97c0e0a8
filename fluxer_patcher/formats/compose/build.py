"""``merge-build``: give a Compose service the ``build:`` section of a fix, read as Compose
reads it.

A build section is not plain data to merge: ``./fluxer_server/Dockerfile`` and
``fluxer_server/Dockerfile`` are the same file, and a build arg matters only to a Dockerfile
that declares it (``ARG NAME``).  An arg nothing reads is worse than useless when the fix
requires it (``${BASE_DOMAIN:?…}``): Compose then refuses every command until it is set,
for a value the fork's build never uses.  So an arg joins only when the Dockerfile the
service builds declares it, as the fixes before this one left that file.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import Param
from fluxer_patcher.engine.primitives import Answer, Apply, EditContext, ParameterError, Present, primitive
from fluxer_patcher.formats.data.datatree import DataView, Entry, flat_text, is_mapping, unwrap
from fluxer_patcher.formats.data.primitives import YAML, guarded, mapping_target
from fluxer_patcher.formats.data.yamlmerge import YamlMerge
from fluxer_patcher.formats.data.yamltext import Style, parse_snippet
from fluxer_patcher.formats.docker import dockerfile
from fluxer_patcher.source.base import SourceError
from fluxer_patcher.syntax.document import Document

if TYPE_CHECKING:
    from tree_sitter import Node


@primitive(
    "merge-build",
    Param("value", doc="the build section: a mapping with one key, build (context, dockerfile, args)"),
    Param("after", doc="the key it goes after (else at the end)", default=None),
    languages=YAML,
)
@guarded
def merge_build(ctx: EditContext) -> Answer:
    """Merge ``value`` (``build:`` with ``context``, ``dockerfile``, ``args``) into the
    service whose settings are ``@target``, as ``merge-mapping`` with ``conflicts = "keep"``
    does, reading the section as Compose does: a context or Dockerfile the service names
    another way for the same path (``./fluxer_server/Dockerfile``) is the fix's; a build arg
    joins only when the Dockerfile the service builds (its own context and dockerfile, else
    the fix's) declares it in any stage, as the fixes before left the file (a Dockerfile
    that cannot be read takes every arg).

    Present when every key the fix wants is there, the args left out named in the note."""
    view = DataView(ctx.doc)
    target = mapping_target(ctx)
    snippet = parse_snippet(ctx.text("value"))
    wanted = unwrap(snippet.root)
    build = snippet.entry(wanted, "build") if wanted is not None and is_mapping(wanted) else None
    if build is None or not is_mapping(unwrap(build.value)) or len(snippet.entries(wanted)) != 1:
        raise ParameterError("`value` must be a mapping with one key, build, itself a mapping")
    own = view.entry(target, "build")
    own_settings = unwrap(own.value) if own is not None else None
    if own is not None and own_settings is not None and not is_mapping(own_settings):
        return Present(f"{ctx.doc.loc(own.key_node)}: the service builds its own way (build: "
                       f"{flat_text(view.value(own.value))}); left as it is")
    section = unwrap(build.value)
    settings = snippet.entries(section)
    fix = _settings(snippet, section)
    mine = _settings(view, own_settings) if own_settings is not None else {}
    context = mine.get("context", fix.get("context", "."))
    file = mine.get("dockerfile", fix.get("dockerfile", "Dockerfile"))
    path = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.doc.path), context, file))
    same = [e for e in settings if e.key in ("context", "dockerfile") and e.key in mine and e.key in fix
            and posixpath.normpath(mine[e.key]) == posixpath.normpath(fix[e.key])]
    declared = _declared_args(ctx, path)
    args = snippet.entry(section, "args")
    wanted_args = snippet.entries(args.value) if args is not None else []
    unread = [] if declared is None else [e for e in wanted_args if e.key not in declared]
    dropped = [*same, *([args] if args is not None and len(unread) == len(wanted_args) else unread)]
    notes = []
    if unread:
        names = ", ".join(e.key for e in unread)
        notes.append(f"build arg{'s' if len(unread) > 1 else ''} {names} left out: {path} declares no ARG of that name")
    if own is not None and {e.pair.id for e in settings} <= {d.pair.id for d in dropped}:
        return Present("; ".join(notes))  # the service builds that Dockerfile; nothing else it would read
    merge = YamlMerge(view, parse_snippet(_without(snippet, dropped)), Style(ctx.doc), True)
    reparsed = unwrap(merge.snippet.root)
    assert reparsed is not None
    merge.mapping(target, reparsed, "", ctx.optional_text("after"))
    note = "; ".join([*merge.notes, *notes])
    return Apply(tuple(merge.edits), note) if merge.edits else Present(note)


def _settings(view: DataView, node: Node | None) -> dict[str, str]:
    """The scalar settings of a build mapping (context, dockerfile), as text."""
    out = {}
    for entry in view.entries(node):
        value = view.value(entry.value)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            out[entry.key] = str(value)
    return out


def _declared_args(ctx: EditContext, path: str) -> set[str] | None:
    """The names every ``ARG`` of the Dockerfile at ``path`` declares; ``None`` when it
    cannot be read or parsed."""
    try:
        data = ctx.source.read(path)
    except SourceError:
        return None
    doc = Document(path, data, "dockerfile")
    if doc.root.has_error:
        return None
    return {name for node in dockerfile.instructions(doc.root) if node.type == "arg_instruction"
            for name, _value in dockerfile.pairs(node)}


def _without(snippet: DataView, entries: list[Entry]) -> str:
    """The snippet's text without the lines of ``entries`` (each a whole ``key: value``)."""
    doc = snippet.doc
    data = doc.data
    cuts = sorted((doc.line_start(e.pair.start_byte), doc.next_line(e.pair.end_byte)) for e in entries)
    out, at = bytearray(), 0
    for start, end in cuts:
        out += data[at:start]
        at = max(at, end)
    out += data[at:]
    return out.decode("utf-8")
