"""``fluxer-patch doctor``: read-only checks of a self-hoster's deployment directory.

The directory has the guide's layout: ``config/config.json``, ``config/livekit.yaml``, a
Compose file and ``.env``.  Each check is one report row with the status words of
``check``: ``already-applied`` (the deployment has it right), ``drifted`` (something to
fix, or a file the check needs is missing — the reason says which) and ``error`` (a file
that cannot be read).  A file that is not valid JSON or YAML stops the run with one line
naming the file, line and column (:class:`Malformed`).

No reason ever quotes the value of a secret: findings name the key and its location.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from fluxer_patcher import compose
from fluxer_patcher.datatree import DataError, DataView, flat_text, is_mapping, is_sequence, unwrap
from fluxer_patcher.document import Document

CONFIG = "config/config.json"
LIVEKIT = "config/livekit.yaml"
ENV = ".env"
STATIC_DIR = "/usr/src/app/assets"
WEBHOOK_PATH = "/api/webhooks/livekit"
CONFIG_DIR = "/usr/src/app/config"
SERVER_PORT = 8080  # the server image's EXPOSE and the config template's services.server.port
SERVER_PORT_DEFAULT = 8772  # the config schema's default for services.server.port

SERVER_ROLES: tuple[compose.Role, ...] = (
    {"image": r"fluxer[-_]server"},
    {"build.dockerfile": r"fluxer_server/"},
    {"environment.FLUXER_CONFIG": r"."},
    {compose.NAME: r"^fluxer[-_]server$"},
)
LIVEKIT_ROLE: compose.Role = {"image": r"livekit/livekit-server"}

CLOUDFLARE_ADVICE = (
    "gotcha 13 (Cloudflare) cannot be checked offline; if Cloudflare proxies your domains, verify:",
    "keep both DNS records (the app and `lk`) proxied (orange cloud) when Traefik relies on Cloudflare for TLS",
    "SSL/TLS mode: Full (not Flexible, not Full Strict)",
    "Speed > Optimization: Auto Minify for JavaScript off, Rocket Loader off",
    "Scrape Shield > Email Address Obfuscation: off",
    "LiveKit media (7881/tcp, 3478/udp, 50000-50100/udp) goes to the server's IP directly, past Cloudflare",
)

_PLACEHOLDER = re.compile(
    r"GENERATE_A_[A-Z0-9_]+|YOUR_[A-Z0-9_]+|<replace-with-[^>]*>|<[A-Z][A-Z0-9_]*>|<\d+-char hex>"
)
_SECRET_NAME = re.compile(r"(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)$", re.I)
_INTERPOLATED = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?+][^}]*)?\}$|^\$[A-Za-z_][A-Za-z0-9_]*$")
_NATS_PORT = re.compile(r"(?:^|\s)(?:--port|-p)[=\s]+(\d+)")
PRESENT, PROBLEM, ERROR = "already-applied", "drifted", "error"


class Malformed(ValueError):
    """A deployment file is not valid JSON / YAML; ``str()`` is ``file:line:col: ...``."""


class _Unavailable(Exception):
    """A file a check needs is missing or unreadable."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Finding:
    id: str
    gotchas: tuple[int, ...]
    files: list[str]
    status: str = PRESENT
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.problems or self.notes)

    def row(self) -> dict[str, Any]:
        status = self.status if self.status == ERROR else PROBLEM if self.problems else PRESENT
        return {"id": self.id, "gotchas": list(self.gotchas), "status": status, "files": self.files,
                "reason": self.reason}


# -- the deployment's files ---------------------------------------------------------------


class Deployment:
    """The files of a deployment directory, each read and parsed once, on demand."""

    def __init__(self, root: Path, compose_file: str | None = None) -> None:
        self.root = root
        self.compose_file = compose_file or next(
            (name for name in compose.COMPOSE_FILES if (root / name).is_file()), compose.COMPOSE_FILES[0]
        )
        self._docs: dict[str, Document | _Unavailable] = {}
        self._views: dict[str, DataView] = {}
        self._data: dict[str, Any] = {}
        self._services: list[compose.Service] | None = None

    def present(self) -> list[str]:
        return [f for f in (CONFIG, LIVEKIT, self.compose_file, ENV) if (self.root / f).exists()]

    def validate(self) -> None:
        """Parse every data file there is; :class:`Malformed` for the first that is not valid."""
        for path in (CONFIG, LIVEKIT, self.compose_file):
            try:
                self.doc(path)
            except _Unavailable:
                continue

    def raw(self, path: str) -> bytes:
        try:
            return (self.root / path).read_bytes()
        except FileNotFoundError:
            raise _Unavailable(PROBLEM, f"{path}: not found") from None
        except IsADirectoryError:
            raise _Unavailable(ERROR, f"{path}: is a directory, expected a file") from None
        except OSError as exc:
            raise _Unavailable(ERROR, f"{path}: {exc.strerror or exc}") from None

    def doc(self, path: str) -> Document:
        cached = self._docs.get(path)
        if isinstance(cached, _Unavailable):
            raise cached
        if cached is not None:
            return cached
        try:
            data = self.raw(path)
        except _Unavailable as missing:
            self._docs[path] = missing
            raise
        self._docs[path] = document = _parse(path, data)
        return document

    def view(self, path: str) -> DataView:
        if path not in self._views:
            self._views[path] = DataView(self.doc(path))
        return self._views[path]

    def data(self, path: str) -> Any:
        """The file's data (shared between checks: read it, do not change it)."""
        if path not in self._data:
            view = self.view(path)
            self._data[path] = view.value(view.root)
        return self._data[path]

    @cached_property
    def env(self) -> dict[str, tuple[int, str]]:
        """``.env`` as name → (line, value); empty when there is none."""
        try:
            text = self.raw(ENV).decode("utf-8", "replace")
        except _Unavailable:
            return {}
        out: dict[str, tuple[int, str]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or "=" not in stripped:
                continue
            name, _, value = stripped.removeprefix("export ").partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            out[name.strip()] = (number, value)
        return out

    # -- compose ------------------------------------------------------------------------

    def services(self) -> list[compose.Service]:
        """The Compose services, their values interpolated from ``.env`` as Compose would."""
        if self._services is None:
            env = {name: value for name, (_line, value) in self.env.items()}
            self._services = [compose.with_env(s, env) for s in compose.services(self.view(self.compose_file))]
        return self._services

    def find(self, role: compose.Role) -> list[compose.Service]:
        return [s for s in self.services() if compose.plays(s, role)]

    def server(self) -> compose.Service:
        for role in SERVER_ROLES:
            found = self.find(role)
            if len(found) == 1:
                return found[0]
        raise _Unavailable(PROBLEM, f"{self.compose_file}: no Fluxer server service (one running the "
                                    "fluxer-server image, or built from fluxer_server/Dockerfile)")

    def by_host(self, host: str) -> compose.Service | None:
        return next((s for s in self.services() if host in compose.hostnames(s)), None)


def _parse(path: str, data: bytes) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    if path.endswith(".json"):
        try:
            json.loads(text)  # strict, like the server's JSON.parse: no comments, no trailing commas
        except json.JSONDecodeError as exc:
            raise Malformed(f"{path}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}") from None
        return Document(path, data, "json")
    doc = Document(path, data, "yaml")
    if doc.root.has_error:
        line, column = _yaml_error_position(data)
        raise Malformed(f"{path}:{line}:{column}: malformed YAML")
    return doc


def _yaml_error_position(data: bytes) -> tuple[int, int]:
    """Line and column (1-based) of the first line whose prefix no longer parses.

    tree-sitter's error nodes often span from the start of the enclosing mapping; the first
    prefix of the file that stops parsing points at the line a person has to look at."""
    lines = data.splitlines(keepends=True)
    for count in range(1, len(lines) + 1):
        prefix = b"".join(lines[:count])
        if Document("<prefix>", prefix, "yaml").root.has_error:
            last = lines[count - 1]
            return count, len(last) - len(last.lstrip(b" ")) + 1
    return len(lines), 1


# -- the checks ---------------------------------------------------------------------------

Check = Callable[[Deployment, Finding], None]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    gotchas: tuple[int, ...]
    files: Callable[[Deployment], list[str]]
    run: Check


CHECKS: list[CheckSpec] = []


def check(check_id: str, gotchas: tuple[int, ...], *files: str) -> Callable[[Check], Check]:
    """Register a check; ``files`` may name ``{compose}`` for the deployment's compose file."""

    def register(func: Check) -> Check:
        def names(d: Deployment) -> list[str]:
            return [f.replace("{compose}", d.compose_file) for f in files]

        CHECKS.append(CheckSpec(check_id, gotchas, names, func))
        return func

    return register


def _loc(d: Deployment, path: str, node: Any) -> str:
    return d.doc(path).loc(node)


@check("doctor-static-dir", (5,), CONFIG)
def static_dir(d: Deployment, f: Finding) -> None:
    view = d.view(CONFIG)
    node = view.get(view.root, "services", "server", "static_dir")
    if node is None:
        f.problems.append(f"{CONFIG}: services.server.static_dir is not set: the web app is not served "
                          f"(health shows `app: disabled`); set it to \"{STATIC_DIR}\"")
    elif view.value(node) != STATIC_DIR:
        f.problems.append(f"{_loc(d, CONFIG, node)}: services.server.static_dir is {json.dumps(view.value(node))}; "
                          f"the image serves the web app from \"{STATIC_DIR}\"")


def _sqlite_path(d: Deployment) -> tuple[str | None, Any]:
    view = d.view(CONFIG)
    database = view.get(view.root, "database")
    backend = view.value(view.get(database, "backend")) if database is not None else None
    if backend not in (None, "sqlite"):
        return None, None
    node = view.get(database, "sqlite_path") if database is not None else None
    return (str(view.value(node)) if node is not None else "./data/fluxer.db"), node


@check("doctor-sqlite-path", (14,), CONFIG)
def sqlite_path(d: Deployment, f: Finding) -> None:
    path, node = _sqlite_path(d)
    if path is None:
        f.notes.append("database.backend is not sqlite")
        return
    where = _loc(d, CONFIG, node) if node is not None else CONFIG
    if not path.startswith("/"):
        what = f"is {json.dumps(path)}" if node is not None else "is not set (default \"./data/fluxer.db\")"
        f.problems.append(f"{where}: database.sqlite_path {what}: a relative path resolves inside the container "
                          "and the database is lost when it is recreated; use \"/usr/src/app/data/fluxer.db\"")


@check("doctor-data-volume", (14,), "{compose}", CONFIG)
def data_volume(d: Deployment, f: Finding) -> None:
    path, _node = _sqlite_path(d)
    if path is None:
        f.notes.append("database.backend is not sqlite")
        return
    server = d.server()
    if not path.startswith("/"):
        f.problems.append("database.sqlite_path is relative, so no volume can hold it (see doctor-sqlite-path)")
        path = "/usr/src/app/data/fluxer.db"  # where it should go: is there a volume for it?
    covering = [m for m in compose.mounts(server) if m.source and _under(path, m.target)]
    if not covering:
        f.problems.append(f"{_loc(d, d.compose_file, server.node)}: no volume of service {server.name} holds "
                          f"{path}: the database is lost when the container is recreated; mount one, e.g. "
                          "fluxer-data:/usr/src/app/data")
        return
    mount = max(covering, key=lambda m: len(m.target))
    if f.problems:
        return
    if mount.read_only:
        f.problems.append(f"{_loc(d, d.compose_file, server.node)}: {mount.target} is mounted read-only in "
                          f"{server.name}; SQLite cannot write {path}")
    else:
        f.notes.append(f"{path} is on {'volume' if mount.named else 'host path'} {mount.source}")


def _under(path: str, directory: str) -> bool:
    directory = directory.rstrip("/") or "/"
    return PurePosixPath(path).is_relative_to(directory) and path != directory


@check("doctor-config-mount", (), "{compose}")
def config_mount(d: Deployment, f: Finding) -> None:
    server = d.server()
    environment = _environment(server.data)
    config = environment.get("FLUXER_CONFIG") or f"{CONFIG_DIR}/config.json"
    covering = [m for m in compose.mounts(server) if m.source and _under(config, m.target)]
    where = _loc(d, d.compose_file, server.node)
    if not covering:
        f.problems.append(f"{where}: {config} is not mounted into {server.name}; mount ./config:{CONFIG_DIR}:ro")
        return
    mount = max(covering, key=lambda m: len(m.target))
    if not mount.read_only:
        f.problems.append(f"{where}: {server.name} mounts {mount.source}:{mount.target} read-write; the guide "
                          f"mounts the config read-only ({mount.source}:{mount.target}:ro)")


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment")
    if isinstance(env, dict):
        return {str(k): flat_text(v) for k, v in env.items()}
    if isinstance(env, list):
        pairs = (str(item).partition("=") for item in env)
        return {k: v for k, sep, v in pairs if sep}
    return {}


@check("doctor-livekit-webhook", (6,), LIVEKIT, "{compose}")
def livekit_webhook(d: Deployment, f: Finding) -> None:
    view = d.view(LIVEKIT)
    keys = view.get(view.root, "keys")
    names = [e.key for e in view.entries(keys)] if is_mapping(keys) else []
    if not names:
        f.problems.append(f"{LIVEKIT}: no API key under `keys`")
    webhook = view.get(view.root, "webhook")
    if webhook is None or unwrap(webhook) is None:
        f.problems.append(f"{LIVEKIT}: no `webhook:` section: the server never hears about rooms; add api_key "
                          f"and urls: [http://<server service>:8080{WEBHOOK_PATH}]")
        return
    api_key = view.get(webhook, "api_key")
    if api_key is None:
        f.problems.append(f"{_loc(d, LIVEKIT, webhook)}: webhook has no api_key: LiveKit restarts in a loop "
                          "(`api_key is required to use webhooks`); use the key of `keys`")
    elif names and flat_text(view.value(api_key)) not in names:
        f.problems.append(f"{_loc(d, LIVEKIT, api_key)}: webhook.api_key is not one of the keys under `keys`")
    urls = view.value(view.get(webhook, "urls"))
    if not isinstance(urls, list) or not urls:
        f.problems.append(f"{_loc(d, LIVEKIT, webhook)}: webhook has no urls; add http://<server service>:8080"
                          f"{WEBHOOK_PATH}")
        return
    for url in urls:
        f.problems.extend(_webhook_url_problems(d, str(url)))


def _url(text: str) -> tuple[str, int | None, str]:
    """Host, port and path of a URL; empty parts when it does not parse."""
    try:
        parts = urlsplit(text)
        return parts.hostname or "", parts.port, parts.path
    except ValueError:
        return "", None, ""


def _server_port(d: Deployment, server: compose.Service) -> tuple[int, str]:
    """The port the server listens on, and what sets it: the ``FLUXER_CONFIG__SERVICES__SERVER__PORT``
    override in its environment, config.json's services.server.port, or the schema's default."""
    for name, value in _environment(server.data).items():
        remainder = name.removeprefix("FLUXER_CONFIG__")
        if remainder != name and [p.lower() for p in remainder.split("__")] == ["services", "server", "port"]:
            return _int(value, SERVER_PORT_DEFAULT), f"{name} of {server.name}"
    try:
        config = d.data(CONFIG)
    except _Unavailable:
        return SERVER_PORT, "the port of the image and the config template"
    port = _section(_section(config, "services"), "server").get("port")
    if port is None:
        return SERVER_PORT_DEFAULT, f"the default, {CONFIG} sets no services.server.port"
    return _int(port, SERVER_PORT_DEFAULT), f"services.server.port in {CONFIG}"


def _webhook_url_problems(d: Deployment, url: str) -> list[str]:
    host, port, path = _url(url)
    if path.rstrip("/") != WEBHOOK_PATH:
        return [f"{LIVEKIT}: a webhook URL (host {host or '?'}) does not end in {WEBHOOK_PATH}"]
    try:
        server = d.server()
    except _Unavailable:
        return []  # doctor-config-mount and friends report a missing server service
    if host not in compose.hostnames(server):
        names = ", ".join(sorted(compose.hostnames(server)))
        return [f"{LIVEKIT}: the webhook URL's host {host} is not the server service ({names})"]
    if port is None:
        port = 443 if url.lower().startswith("https:") else 80
    listens, why = _server_port(d, server)
    if port != listens:
        return [f"{LIVEKIT}: the webhook URL's port {port} is not the one the server listens on: {listens} ({why})"]
    return []


@check("doctor-voice-credentials", (6,), CONFIG, LIVEKIT)
def voice_credentials(d: Deployment, f: Finding) -> None:
    voice = _section(_section(d.data(CONFIG), "integrations"), "voice")
    if voice.get("enabled") is not True:
        f.notes.append("voice is not enabled in config.json")
        return
    keys = _section(d.data(LIVEKIT), "keys")
    api_key, api_secret = voice.get("api_key"), voice.get("api_secret")
    if not isinstance(api_key, str) or api_key not in keys:
        f.problems.append(f"{CONFIG}: integrations.voice.api_key is not a key of {LIVEKIT}")
    elif keys[api_key] != api_secret:
        f.problems.append(f"{CONFIG}: integrations.voice.api_secret is not the secret {LIVEKIT} has for that key")


@check("doctor-nats", (7,), CONFIG, "{compose}")
def nats(d: Deployment, f: Finding) -> None:
    view = d.view(CONFIG)
    section = view.get(view.root, "services", "nats")
    server = d.server()
    depends = server.data.get("depends_on")
    waits_for = {str(name) for name in depends if isinstance(name, (str, int))} if isinstance(
        depends, (dict, list)
    ) else set()
    for key, jetstream in (("core_url", False), ("jetstream_url", True)):
        node = view.get(section, key) if section is not None else None
        if node is None:
            f.problems.append(f"{CONFIG}: services.nats.{key} is not set; the server needs NATS and crashes "
                              "with CONNECTION_REFUSED")
            continue
        host, maybe_port, _path = _url(flat_text(view.value(node)))
        port = maybe_port or 4222
        where = _loc(d, CONFIG, node)
        service = d.by_host(host)
        if service is None:
            f.problems.append(f"{where}: services.nats.{key} names host {host or '?'}, which no service of "
                              f"{d.compose_file} is called")
            continue
        command = flat_text(service.data.get("command"))
        if not compose.plays(service, compose.NATS_ROLE):
            f.problems.append(f"{where}: services.nats.{key} points at {service.name}, which does not run a nats image")
            continue
        listens = int(m.group(1)) if (m := _NATS_PORT.search(command)) else 4222
        if listens != port:
            f.problems.append(f"{where}: services.nats.{key} uses port {port} but {service.name} listens on {listens}")
        if jetstream and not compose.plays(service, compose.JETSTREAM_ROLE):
            f.problems.append(f"{_loc(d, d.compose_file, service.node)}: {service.name} runs without --jetstream; "
                              "the server's job queue needs JetStream")
        if service.name not in waits_for:
            f.notes.append(f"{server.name} does not wait for {service.name} (depends_on)")


@check("doctor-livekit-ports", (), "{compose}", LIVEKIT)
def livekit_ports(d: Deployment, f: Finding) -> None:
    found = d.find(LIVEKIT_ROLE)
    if len(found) != 1:
        what = "no LiveKit service" if not found else f"{len(found)} LiveKit services"
        f.problems.append(f"{d.compose_file}: {what} (image livekit/livekit-server)")
        return
    service = found[0]
    livekit = d.data(LIVEKIT)
    rtc, turn = _section(livekit, "rtc"), _section(livekit, "turn")
    tcp = _int(rtc.get("tcp_port"), 7881)
    wanted: list[tuple[int, int, str]] = [(tcp, tcp, "tcp")]
    if turn.get("enabled", True) is not False:
        udp = _int(turn.get("udp_port"), 3478)
        wanted.append((udp, udp, "udp"))
    if rtc.get("udp_port"):
        mux = _int(rtc.get("udp_port"), 0)
        wanted.append((mux, mux, "udp"))
    else:
        # LiveKit's own defaults when livekit.yaml sets no range: 50000-60000
        wanted.append((_int(rtc.get("port_range_start"), 50000), _int(rtc.get("port_range_end"), 60000), "udp"))
    ports = compose.published(service)
    missing = [
        (a, b, proto) for a, b, proto in wanted
        if not all(any(p.covers(port, proto) for p in ports) for port in range(a, b + 1))
    ]
    default_range = not rtc.get("udp_port") and "port_range_start" not in rtc and "port_range_end" not in rtc
    for a, b, proto in missing:
        span = str(a) if a == b else f"{a}-{b}"
        problem = (f"{_loc(d, d.compose_file, service.node)}: {service.name} does not publish {span}/{proto}; "
                   f"publish '{span}:{span}/{proto}'")
        if default_range and (a, b, proto) == wanted[-1]:
            problem += (f" or set rtc.port_range_start/port_range_end in {LIVEKIT} to the range it publishes "
                        "(the guide: 50000-50100); without them LiveKit uses 50000-60000")
        f.problems.append(problem)


def _section(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else default
    except (TypeError, ValueError):
        return default


@check("doctor-placeholders", (), CONFIG, LIVEKIT, ENV, "{compose}")
def placeholders(d: Deployment, f: Finding) -> None:
    hits: list[str] = []
    for path in (CONFIG, LIVEKIT, d.compose_file):
        try:
            view = d.view(path)
        except _Unavailable:
            continue
        for where, key_path in _scalars(view, view.root, ""):
            if _PLACEHOLDER.search(view.doc.text(where)):
                hits.append(f"{view.doc.loc(where)} ({key_path or 'top level'})")
    for name, (line, value) in d.env.items():
        if _PLACEHOLDER.search(value):
            hits.append(f"{ENV}:{line} ({name})")
    if hits:
        shown = ", ".join(hits[:8]) + (f" and {len(hits) - 8} more" if len(hits) > 8 else "")
        f.problems.append(f"template placeholders left in place at {shown}; generate the values "
                          "(openssl rand -hex 32, keys: openssl rand -hex 8)")


def _scalars(view: DataView, node: Any, path: str) -> Iterator[tuple[Any, str]]:
    """Every scalar node (keys included) below ``node``, with its dotted key path."""
    inner = unwrap(node)
    if inner is None:
        return
    if is_mapping(inner):
        for entry in view.entries(inner):
            name = "<key>" if path.rsplit(".", 1)[-1] == "keys" else entry.key  # API keys stay unnamed
            sub = f"{path}.{name}" if path else name
            yield entry.key_node, sub
            yield from _scalars(view, entry.value, sub)
    elif is_sequence(inner):
        for i, item in enumerate(view.items(inner)):
            yield from _scalars(view, item, f"{path}[{i}]")
    elif inner.type != "alias":
        yield inner, path


@check("doctor-inline-secrets", (), "{compose}")
def inline_secrets(d: Deployment, f: Finding) -> None:
    view = d.view(d.compose_file)
    hits = []
    for service in d.services():
        env = view.get(service.entry.value, "environment")
        inner = unwrap(env)
        if inner is None:
            continue
        pairs: list[tuple[str, str, Any]] = []
        if is_mapping(inner):
            pairs = [(e.key, flat_text(view.value(e.value)), e.key_node) for e in view.entries(inner)]
        elif is_sequence(inner):
            for item in view.items(inner):
                name, sep, value = flat_text(view.value(item)).partition("=")
                if sep:
                    pairs.append((name, value, item))
        for name, value, node in pairs:
            if _SECRET_NAME.search(name) and value.strip() and not _INTERPOLATED.match(value.strip()):
                hits.append(f"{view.doc.loc(node)} ({service.name}: {name})")
    if hits:
        f.problems.append(f"secrets written inline in {d.compose_file} at {', '.join(hits)}; move them to {ENV} "
                          "and refer to them as ${NAME}")


@check("doctor-file-modes", (), CONFIG, ENV)
def file_modes(d: Deployment, f: Finding) -> None:
    for path in (CONFIG, ENV):
        try:
            mode = stat.S_IMODE(os.stat(d.root / path).st_mode)
        except FileNotFoundError:
            f.problems.append(f"{path}: not found")
            continue
        except OSError as exc:
            f.problems.append(f"{path}: {exc.strerror or exc}")
            f.status = ERROR
            continue
        if mode & 0o077:
            f.problems.append(f"{path} is mode {mode:04o}, readable by others; chmod 600 {path}")


# -- running --------------------------------------------------------------------------


def run(deployment: Deployment) -> list[Finding]:
    """Every check on ``deployment``; :class:`Malformed` first if a file does not parse."""
    deployment.validate()
    findings = []
    for spec in CHECKS:
        finding = Finding(spec.id, spec.gotchas, spec.files(deployment))
        try:
            spec.run(deployment, finding)
        except _Unavailable as missing:
            finding.problems = [missing.reason]
            finding.notes = []
            finding.status = missing.status
        except DataError as exc:  # a shape no check expects: say where, do not guess
            finding.problems = [f"cannot check: {exc}"]
            finding.notes = []
            finding.status = ERROR
        findings.append(finding)
    return findings


# -- reporting ------------------------------------------------------------------------


def summary(findings: list[Finding]) -> dict[str, int]:
    from fluxer_patcher.report import summarise

    return summarise(f.row()["status"] for f in findings)


def to_json(target: str, findings: list[Finding]) -> str:
    from fluxer_patcher import __version__

    doc = {
        "tool": "fluxer-patch",
        "version": __version__,
        "target": target,
        "patches": [f.row() for f in findings],
        "summary": summary(findings),
        "advice": [{"gotchas": [13], "text": " ".join(CLOUDFLARE_ADVICE)}],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_text(findings: list[Finding], colour: bool = False) -> str:
    from fluxer_patcher.catalogue import GUIDE_URL
    from fluxer_patcher.report import summary_line, table

    rows = [f.row() for f in findings]
    counts = summary(findings)
    lines = table(rows, colour, id_header="CHECK")
    lines += ["", summary_line(len(rows), counts, "check", "checks")]
    if counts["drifted"] or counts["error"]:
        lines += ["", "next: fix the deployment files named above, then run `fluxer-patch doctor` again.",
                  f"  guide: {GUIDE_URL}"]
    lines += ["", "advice: " + CLOUDFLARE_ADVICE[0], *(f"  - {line}" for line in CLOUDFLARE_ADVICE[1:])]
    return "\n".join(lines) + "\n"


def to_markdown(target: str, findings: list[Finding]) -> str:
    from fluxer_patcher.catalogue import GUIDE_URL
    from fluxer_patcher.markdown import _MARK, cell, code

    rows = [f.row() for f in findings]
    lines = [f"## fluxer-patch doctor: {code(target)}", ""]
    lines += ["| Check | Gotcha | Status | Reason |", "|---|---|---|---|"]
    for row in rows:
        gotchas = ", ".join(str(g) for g in row["gotchas"])
        lines.append(f"| {code(row['id'])} | {gotchas} | {_MARK[row['status']]} | {cell(row['reason'])} |")
    counts = summary(findings)
    counted = ", ".join(f"{n} {word}" for word, n in counts.items() if n)
    lines += ["", f"{len(rows)} checks: {counted}.", "", f"Guide: {GUIDE_URL}", ""]
    lines += [f"> **Advice** — {CLOUDFLARE_ADVICE[0]}", ">"]
    lines += [f"> - {line}" for line in CLOUDFLARE_ADVICE[1:]]
    return "\n".join(lines) + "\n"
