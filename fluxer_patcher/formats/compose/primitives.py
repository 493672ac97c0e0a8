"""Compose primitives: add a service, make a service wait for others, and name services
by role in any fix's parameters.

``{{service:NAME}}`` in a parameter is the name of the one service of the Compose file
(parameter ``compose``, default ``compose.yaml``) that plays the role ``services.NAME``
(parameter ``services``); none or several is drift (see :mod:`.model` for roles).
``{{port:NAME}}`` is the port that service listens on inside the Compose network (from its
command, else its image's default; a published mapping does not change it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import NAMED_REGEX_TABLES, REGEX_TABLES, TEXTS, Param
from fluxer_patcher.engine.primitives import (
    Answer,
    Apply,
    Drift,
    Edit,
    EditContext,
    NotEditable,
    ParameterError,
    Present,
    Resolver,
    primitive,
)
from fluxer_patcher.formats.compose import model as compose
from fluxer_patcher.formats.data.datatree import DataView, Entry, flat_text, is_mapping, is_sequence, unwrap
from fluxer_patcher.formats.data.primitives import YAML, guarded, mapping_target
from fluxer_patcher.formats.data.yamlmerge import YamlMerge
from fluxer_patcher.formats.data.yamltext import Style, after_line, aliases, blank_separated, key_column, parse_snippet
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.source.base import FileMissing, SourceError
from fluxer_patcher.syntax.document import Document

if TYPE_CHECKING:
    from tree_sitter import Node


def _compose_view(ctx: EditContext) -> DataView:
    path = ctx.text("compose")
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


def service_name(ctx: EditContext, ref: str) -> str:
    """The name of the one service that plays the role ``services.<ref>``."""
    return _one_service(ctx, ref).name


def service_port(ctx: EditContext, ref: str) -> str:
    """The in-network port of the one service that plays the role ``services.<ref>``."""
    service = _one_service(ctx, ref)
    port = compose.listen_port(service)
    if port is None:
        image = flat_text(service.data.get("image")) or "no image"
        raise NotEditable(f"{service.name} ({image}): the port it listens on is not known "
                          "(an image fluxer-patch does not know, a port option that is not a number, "
                           "or a config file of its own, -c, that may set it)")
    return str(port)


def _one_service(ctx: EditContext, ref: str) -> compose.Service:
    roles = ctx.value("services")
    role = roles.get(ref) if isinstance(roles, dict) else None
    if role is None:
        raise ParameterError(f"{{{{service:{ref}}}}} needs a role in the `services` parameter")
    view = _compose_view(ctx)
    found = compose.find(view, role)
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotEditable(f"{view.doc.path}: no service plays the {ref} role ({compose.describe(role)})")
    where = ", ".join(f"{s.name} at {view.doc.loc(s.node)}" for s in found)
    raise NotEditable(f"{view.doc.path}: {len(found)} services play the {ref} role: {where}")


_ROLES = {
    "services": Param("services", NAMED_REGEX_TABLES, "the roles {{service:NAME}} names: NAME = role"),
    "compose": Param("compose", doc="the Compose file the services are looked up in", default="compose.yaml"),
}
SERVICE = Resolver("service", service_name, _ROLES)
PORT = Resolver("port", service_port, _ROLES)


# -- add-compose-service -------------------------------------------------------------------


@primitive(
    "add-compose-service",
    Param("name", doc="the new service's name"),
    Param("value", doc="its settings, a YAML mapping"),
    Param("role", REGEX_TABLES, "what a service runs to count as this one: {path = regex} (or a list: any)"),
    languages=YAML,
)
@guarded
def add_compose_service(ctx: EditContext) -> Answer:
    """Add the service ``name`` (body ``value``, YAML) to the Compose file whose top-level
    mapping is ``@target``, and declare the named volumes it mounts.  Entries of ``value``
    that use an alias the file does not define (``*default-logging``) are left out.

    Present when a service, under any name, plays ``role`` (a table of path = regex)."""
    view = DataView(ctx.doc)
    root = mapping_target(ctx)
    role = ctx.value("role")
    name = ctx.text("name")
    found = compose.find(view, role)
    if found:
        names = ", ".join(f"{s.name} ({ctx.doc.loc(s.node)})" for s in found)
        extra = f"; {len(found)} services play this role" if len(found) > 1 else ""
        return Present("" if [s.name for s in found] == [name] else f"{name}: present as {names}{extra}")
    services = compose.services_node(view)
    if services is None:
        return Drift(f"{ctx.doc.loc(root)}: no `services` mapping at the top level")
    if (clash := view.entry(services, name)) is not None:
        return Drift(f"{ctx.doc.loc(clash.key_node)}: a service named {name} exists but does not play the role "
                     f"({compose.describe(role)})")
    body = parse_snippet(ctx.text("value"))
    body_root = unwrap(body.root)
    if body_root is None or not is_mapping(body_root):
        raise ParameterError("`value` must be a YAML mapping (the service's settings)")
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


# -- wait-for-services -------------------------------------------------------------------


def _entry_loc(ctx: EditContext, view: DataView, depends: Entry | None, name: str) -> str:
    """Where ``depends_on`` names ``name`` (its entry in the mapping form, else the key)."""
    if depends is None:
        return ctx.doc.path
    node = unwrap(depends.value)
    entry = view.entry(node, name) if node is not None and is_mapping(node) else None
    return ctx.doc.loc(entry.key_node if entry is not None else depends.key_node)


HEALTHY, STARTED = "service_healthy", "service_started"


@primitive(
    "wait-for-services",
    Param("wait_for", TEXTS, "the services to wait for (names, or {{service:NAME}})"),
    languages=YAML,
)
@guarded
def wait_for_services(ctx: EditContext) -> Answer:
    """Make the service whose settings are ``@target`` wait for the services ``wait_for``
    (``depends_on``): ``condition: service_healthy`` for a service with a ``healthcheck``,
    ``service_started`` for one without (Compose refuses to start a service that waits for
    the health of a container that has none).  A list-form ``depends_on`` gets the names.

    Present when every one is waited for; an entry the fork wrote with a condition that
    cannot hold (healthy without a healthcheck) or never ends (a long-running service
    ``service_completed_successfully``) is drift (conflict), never rewritten."""
    view = DataView(ctx.doc)
    target = mapping_target(ctx)
    by_name = {s.name: s for s in compose.services(view)}
    owner = next((s for s in by_name.values() if unwrap(s.entry.value) == target), None)
    me = owner.name if owner is not None else "the service"
    names = list(dict.fromkeys(ctx.texts("wait_for")))
    missing_services = [n for n in names if n not in by_name]
    if missing_services:
        return Drift(f"{ctx.doc.path}: no service {', '.join(missing_services)} to wait for")
    depends = view.entry(target, "depends_on")
    current = compose.waits_for(compose.Service(me, depends, {"depends_on": view.value(depends.value)})) if (
        depends is not None and depends.value is not None) else {}
    if current is None:
        assert depends is not None
        return Drift(f"{ctx.doc.loc(depends.key_node)}: depends_on is neither a mapping nor a list; not edited",
                     ReasonKind.UNEXPECTED_SHAPE)
    notes: list[str] = []
    wanted: dict[str, str] = {}
    for name in names:
        condition = HEALTHY if compose.has_healthcheck(by_name[name]) else STARTED
        have = current.get(name)
        if have is None:
            wanted[name] = condition
            continue
        where = _entry_loc(ctx, view, depends, name)
        if have == HEALTHY and condition == STARTED:
            return Drift(f"{where}: {me} waits for {name} with condition: service_healthy, but {name} defines no "
                         f"healthcheck, so Compose refuses to start {me}; add a healthcheck to {name} or wait for "
                         "service_started (the fork's choice, left as is)", ReasonKind.CONFLICT)
        if have not in (HEALTHY, STARTED):
            return Drift(f"{where}: {me} waits for {name} with condition: {have}, which a server that keeps "
                         "running never meets (the fork's choice, left as is)", ReasonKind.CONFLICT)
        if have != condition:
            notes.append(f"{me} waits for {name} to start, not to be healthy (its choice, kept)")
    if not wanted:
        return Present("; ".join(notes))
    as_list = depends is not None and depends.value is not None and is_sequence(unwrap(depends.value))
    if as_list:
        snippet_text = "depends_on:\n" + "".join(f"  - {n}\n" for n in wanted)
        started_only = [n for n, c in wanted.items() if c == HEALTHY]
        if started_only:
            notes.append(f"depends_on is a list (it waits for the start only): {', '.join(started_only)} added "
                         "to it as is")
    elif depends is not None and (node := unwrap(depends.value)) is not None and node.type == "flow_mapping":
        snippet_text = "depends_on: {" + ", ".join(f"{n}: {{condition: {c}}}" for n, c in wanted.items()) + "}\n"
    else:
        snippet_text = "depends_on:\n" + "".join(f"  {n}:\n    condition: {c}\n" for n, c in wanted.items())
    snippet = parse_snippet(snippet_text)
    wanted_root = unwrap(snippet.root)
    assert wanted_root is not None
    merge = YamlMerge(view, snippet, Style(ctx.doc), False)
    merge.mapping(target, wanted_root, "")
    notes.extend(merge.notes)
    return Apply(tuple(merge.edits), "; ".join(notes))
