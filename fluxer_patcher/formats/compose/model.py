"""Docker Compose files as data: services, the roles they play, volumes and ports.

A *role* says what a service is by what it runs, not by its name, so that a fork's
``fluxer-nats-core`` and upstream's ``nats-core`` are the same thing.  Roles are data
(manifest parameters): a table of dotted paths inside a service to regular expressions,
all of which must match the value found there (sequences are joined by spaces, a missing
value reads as the empty string)::

    {image = "^nats:", command = "(^|\\s)(--jetstream|-js)(\\s|$)"}

A list of such tables means any one of them; the path ``@name`` matches the service's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fluxer_patcher.catalogue.params import regex_tables_problem
from fluxer_patcher.formats.data.datatree import DataError, DataView, Entry, flat_text, is_mapping

if TYPE_CHECKING:
    from tree_sitter import Node

# Docker Compose's own order of preference for the default file name.
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

Role = Mapping[str, str]
NAME = "@name"  # the role path that matches the service's name

# NATS as patches/07-compose-nats-services.toml's roles read it (the manifest restates them).
JETSTREAM_FLAG = r"(^|\s)(--jetstream|-js)(\s|$)"
NATS_ROLE: Role = {"image": r"^nats:"}
JETSTREAM_ROLE: Role = {"image": r"^nats:", "command": JETSTREAM_FLAG}


class RoleError(ValueError):
    """A role table is malformed (bad input in a manifest or an option)."""


@dataclass(frozen=True)
class Service:
    name: str
    entry: Entry
    data: dict[str, Any]

    @property
    def node(self) -> Node:
        return self.entry.key_node


def check_role(role: object, what: str = "role") -> list[dict[str, re.Pattern[str]]]:
    """A role compiled: a table, or a list of tables any one of which may match.

    :class:`RoleError` names the problem when it is malformed."""
    problem = regex_tables_problem(role)
    if problem:
        raise RoleError(f"{what} {problem}" if problem.startswith("must") else f"{what}: {problem}")
    tables: list[Mapping[str, str]] = role if isinstance(role, list) else [role]  # type: ignore[list-item]
    return [{path: re.compile(pattern) for path, pattern in table.items()} for table in tables]


def describe(role: object) -> str:
    return " or ".join(
        " and ".join(f"{path} ~ /{pattern.pattern}/" for path, pattern in t.items()) for t in check_role(role)
    )


def dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def services_node(view: DataView) -> Node | None:
    node = view.get(view.root, "services")
    return node if is_mapping(node) else None


def services(view: DataView) -> list[Service]:
    node = services_node(view)
    if node is None:
        return []
    out = []
    for entry in view.entries(node):
        try:
            data = view.value(entry.value)
        except DataError:
            data = None
        out.append(Service(entry.key, entry, data if isinstance(data, dict) else {}))
    return out


def plays(service: Service, role: object) -> bool:
    """Whether the service matches the role; the path ``@name`` is the service's own name."""
    return any(
        all(p.search(service.name if path == NAME else flat_text(dig(service.data, path))) for path, p in t.items())
        for t in check_role(role)
    )


def find(view: DataView, role: object) -> list[Service]:
    return [s for s in services(view) if plays(s, role)]


def hostnames(service: Service) -> set[str]:
    """Names other containers reach the service by: its name, container name, aliases."""
    names = {service.name}
    container = service.data.get("container_name")
    if isinstance(container, str):
        names.add(container)
    hostname = service.data.get("hostname")
    if isinstance(hostname, str):
        names.add(hostname)
    networks = service.data.get("networks")
    if isinstance(networks, dict):
        for settings in networks.values():
            aliases = settings.get("aliases") if isinstance(settings, dict) else None
            if isinstance(aliases, list):
                names.update(a for a in aliases if isinstance(a, str))
    return names


_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """``value`` with Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}`` and ``$VAR``
    replaced from ``env`` (an unset variable with no default reads as empty)."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1) or m.group(4)
        op, arg = m.group(2), m.group(3) or ""
        current = env.get(name)
        unset_or_empty = not current if op and op.startswith(":") else current is None
        if op in (":-", "-"):
            return arg if unset_or_empty else str(current)
        if op in (":+", "+"):
            return "" if unset_or_empty else arg
        return current or ""

    return _VARIABLE.sub(one, value)


def with_env(service: Service, env: Mapping[str, str]) -> Service:
    return Service(service.name, service.entry, interpolate(service.data, env))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# -- volumes --------------------------------------------------------------------------

_NAMED_VOLUME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool
    named: bool  # a named volume rather than a host path


def mounts(service: Service) -> list[Mount]:
    out = []
    for item in _list(service.data.get("volumes")):
        if isinstance(item, str):
            parts = item.split(":")
            if len(parts) == 1:
                out.append(Mount("", parts[0], False, False))
                continue
            source, target = parts[0], parts[1]
            options = parts[2].split(",") if len(parts) > 2 else []
            out.append(Mount(source, target, "ro" in options, bool(_NAMED_VOLUME.match(source))))
        elif isinstance(item, dict):
            source, target = str(item.get("source", "")), str(item.get("target", ""))
            kind = item.get("type", "volume")
            out.append(Mount(source, target, item.get("read_only") is True, kind == "volume" and bool(source)))
    return out


# -- ports ----------------------------------------------------------------------------

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+][^}]*)?\}")


@dataclass(frozen=True)
class Published:
    first: int
    last: int
    protocol: str

    def covers(self, port: int, protocol: str) -> bool:
        return self.protocol == protocol and self.first <= port <= self.last


def _range(text: str) -> tuple[int, int] | None:
    text = _ENV.sub(lambda m: _default(m.group(0)), text)
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", text.strip())
    if m is None:
        return None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def _default(expr: str) -> str:
    m = re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", expr)
    return m.group(1) if m else expr


def published(service: Service) -> list[Published]:
    """The container ports the service publishes on the host, with their protocol."""
    out = []
    for item in _list(service.data.get("ports")):
        if isinstance(item, (int, str)):
            text = str(item)
            spec, _, protocol = text.partition("/")
            # [ip:][host:]container  — an IPv6 host address is bracketed
            spec = re.sub(r"^\[[^\]]*\]:", "", spec)
            container = spec.rsplit(":", 1)[-1]
            if spec.count(":") == 0:
                continue  # a container port alone is exposed on a random host port
            span = _range(container)
            if span:
                out.append(Published(span[0], span[1], protocol or "tcp"))
        elif isinstance(item, dict) and item.get("published") is not None:
            span = _range(str(item.get("target", "")))
            if span:
                out.append(Published(span[0], span[1], str(item.get("protocol", "tcp"))))
    return out
