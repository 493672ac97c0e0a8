"""Docker Compose files as data: services, the roles they play, volumes and ports.

A *role* says what a service is by what it runs, not by its name, so that a fork's
``fluxer-nats-core`` and upstream's ``nats-core`` are the same thing.  Roles are data
(manifest parameters): a table of dotted paths inside a service to regular expressions,
all of which must match the value found there (sequences are joined by spaces, a missing
value reads as the empty string)::

    {"@repository" = "^nats$", command = "(^|\\s)(--jetstream|-js)(\\s|$)"}

A list of such tables is an order of preference: a service plays the role when it matches
any one, and :func:`find` returns the services matching the first table any service
matches (``[{"@repository" = "^nats$", command = <no JetStream>}, {"@repository" = "^nats$"}]``:
a plain NATS if there is one, else any NATS).  The path ``@name`` matches the service's name,
``@repository`` the repository of its image (:func:`repository`: ``docker.io/library/nats:2``,
``nats@sha256:…``, ``${NATS_IMAGE:-nats:2}`` and ``nats`` are all ``nats``), so that a pinned,
mirrored or configurable image is the same thing as a tagged one.

What a service *means* to the other containers is read from its settings, as Compose and
the image read them: the port it listens on inside the network comes from its command
(``-p``/``--port``, else the image's default), never from a published ``host:container``
mapping; whether ``depends_on: condition: service_healthy`` can hold depends on a
``healthcheck`` (:func:`has_healthcheck`).
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fluxer_patcher.catalogue.params import regex_tables_problem
from fluxer_patcher.formats.data.datatree import DataError, DataView, Entry, flat_text, is_mapping
from fluxer_patcher.memo import Memo
from fluxer_patcher.record import dataclass

if TYPE_CHECKING:
    from tree_sitter import Node

# Docker Compose's own order of preference for the default file name.
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

Role = Mapping[str, str]
NAME = "@name"  # the role path that matches the service's name
REPOSITORY = "@repository"  # the role path that matches the repository of the service's image

# NATS as patches/07-compose-nats-services.toml's roles read it (the manifest restates them).
# Go's flag package: one or two dashes, `-js`/`--jetstream`, `=true` allowed.
JETSTREAM_FLAG = r"(^|\s)--?(jetstream|js)(=true)?(\s|$)"
NATS_ROLE: Role = {REPOSITORY: r"^nats$"}
JETSTREAM_ROLE: Role = {REPOSITORY: r"^nats$", "command": JETSTREAM_FLAG}


class RoleError(ValueError):
    """A role table is malformed (bad input in a manifest or an option)."""


@dataclass(frozen=True)
class Service:
    """A service of a Compose file: its name, its mapping entry and its data."""

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


# The services read from a tree, by its root (trees are shared per text and never edited):
# the steps of the Compose fixes ask for the same file's services again and again.
_SERVICES: Memo[Node, list[Service]] = Memo(32)


def services(view: DataView) -> list[Service]:
    """The services of the file, in file order (their data is shared: read it, never change it)."""
    return list(_SERVICES.get(view.doc.root, lambda: _read_services(view)))


def _read_services(view: DataView) -> list[Service]:
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
    """Whether the service matches the role; the path ``@name`` is the service's own name,
    ``@repository`` its image's repository."""
    return any(_matches(service, t) for t in check_role(role))


def find(view: DataView, role: object) -> list[Service]:
    """The services matching the first table of ``role`` that any service matches."""
    every = services(view)
    for table in check_role(role):
        found = [s for s in every if _matches(s, table)]
        if found:
            return found
    return []


def _matches(service: Service, table: Mapping[str, re.Pattern[str]]) -> bool:
    return all(p.search(_role_value(service, path)) for path, p in table.items())


def _role_value(service: Service, path: str) -> str:
    if path == NAME:
        return service.name
    if path == REPOSITORY:
        image = service.data.get("image")
        return repository(image) if isinstance(image, str) else ""
    return flat_text(dig(service.data, path))


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


@functools.cache  # compiled on first use (the fixes do not interpolate)
def _variable() -> re.Pattern[str]:
    return re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


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

    return _variable().sub(one, value)


def with_env(service: Service, env: Mapping[str, str]) -> Service:
    return Service(service.name, service.entry, interpolate(service.data, env))


# -- what a service runs ---------------------------------------------------------------


def command_args(service: Service) -> list[str]:
    """The service's ``command`` as arguments: a list as written, a string split as a shell
    would (Compose's own rule); empty when there is none or it does not split."""
    command = service.data.get("command")
    if isinstance(command, list):
        return [flat_text(a) for a in command]
    if isinstance(command, str):
        try:
            return shlex.split(command)
        except ValueError:
            return command.split()
    return []


def option(args: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the last option named ``names`` (``-p 4223``, ``--port=4223``; Go's flag
    package reads one or two dashes alike), or ``None``."""
    found = None
    spellings = {dash + n.lstrip("-") for n in names for dash in ("-", "--")}
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in spellings:
            if eq:
                found = value
            elif i + 1 < len(args):
                found = args[i + 1]
    return found


@dataclass(frozen=True)
class Listener:
    """How an image's server is told its port, and the port it uses otherwise."""

    flags: tuple[str, ...]
    default: int


# Images whose in-network port fluxer-patch knows, by repository name (the last path part).
LISTENERS: dict[str, Listener] = {
    "nats": Listener(("-p", "--port"), 4222),
}


def repository(image: str) -> str:
    """``docker.io/library/nats:2-alpine@sha256:…`` → ``nats``; an image with variables is read
    as Compose reads it with none set (``${NATS_IMAGE:-nats:2-alpine}`` → ``nats``)."""
    if "$" in image:
        image = interpolate(image, {})
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


def listen_port(service: Service) -> int | None:
    """The port the service listens on inside the Compose network: the port option of its
    command, else its image's default; ``None`` for an image fluxer-patch does not know, an
    option that is not a number, or a config file (``-c``) without a port option.  A published
    ``"4223:4222"`` does not change it."""
    image = service.data.get("image")
    listener = LISTENERS.get(repository(image)) if isinstance(image, str) else None
    if listener is None:
        return None
    args = command_args(service)
    value = option(args, listener.flags)
    if value is None:
        # a config file of the fork's own may set another port: not guessed
        return None if option(args, ("-c", "--config")) is not None else listener.default
    return int(value) if value.isdigit() else None


def has_healthcheck(service: Service) -> bool:
    """Whether Compose gives the container a health status (``condition: service_healthy``
    can be met): a ``healthcheck`` with a test that is not ``NONE`` and not disabled.  A
    health check the image itself declares cannot be seen here and does not count."""
    check = service.data.get("healthcheck")
    if not isinstance(check, dict) or check.get("disable") is True:
        return False
    test = check.get("test")
    if isinstance(test, list):
        return bool(test) and test[0] != "NONE"
    return isinstance(test, str) and bool(test.strip())


def waits_for(service: Service) -> dict[str, str] | None:
    """The services ``depends_on`` names, with their condition (the list form and an entry
    without ``condition`` wait for the start); ``None`` when ``depends_on`` is neither a
    mapping nor a list."""
    depends = service.data.get("depends_on")
    if depends is None:
        return {}
    if isinstance(depends, list):
        return {str(name): "service_started" for name in depends}
    if isinstance(depends, dict):
        out = {}
        for name, settings in depends.items():
            condition = settings.get("condition") if isinstance(settings, dict) else None
            out[str(name)] = str(condition) if condition else "service_started"
        return out
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# -- volumes --------------------------------------------------------------------------

_NAMED_VOLUME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Mount:
    """One ``volumes`` item of a service (short or long form)."""

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

@functools.cache  # compiled on first use (doctor reads ports)
def _env() -> re.Pattern[str]:
    return re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+][^}]*)?\}")


@dataclass(frozen=True)
class Published:
    """A published port range of a service and its protocol."""

    first: int
    last: int
    protocol: str

    def covers(self, port: int, protocol: str) -> bool:
        return self.protocol == protocol and self.first <= port <= self.last


def _range(text: str) -> tuple[int, int] | None:
    text = _env().sub(lambda m: _default(m.group(0)), text)
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
