"""The checks of ``doctor``: one per pitfall of the guide, each a report row.

Each check is one row with the status words of ``check``: ``already-applied`` (the
deployment has it right), ``drifted`` (something to fix, or a file the check needs is
missing — the reason says which) and ``error`` (a file that cannot be read).  A file that
is not valid JSON or YAML stops the run first (:class:`~.deployment.Malformed`).

No reason ever quotes the value of a secret: findings name the key and its location.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from fluxer_patcher.doctor.deployment import CONFIG, ENV, LIVEKIT, Deployment, Unavailable
from fluxer_patcher.formats.compose import model as compose
from fluxer_patcher.formats.data.datatree import DataError, DataView, flat_text, is_mapping, is_sequence, unwrap
from fluxer_patcher.model import Reason, ReasonKind, Status
from fluxer_patcher.record import dataclass, field

STATIC_DIR = "/usr/src/app/assets"
WEBHOOK_PATH = "/api/webhooks/livekit"
CONFIG_DIR = "/usr/src/app/config"
SERVER_PORT = 8080  # the server image's EXPOSE and the config template's services.server.port
SERVER_PORT_DEFAULT = 8772  # the config schema's default for services.server.port

LIVEKIT_ROLE: compose.Role = {"image": r"livekit/livekit-server"}

CLOUDFLARE_ADVICE = (
    "gotcha 13 (Cloudflare) cannot be checked offline; if Cloudflare proxies your domains, verify:",
    "keep both DNS records (the app and `lk`) proxied (orange cloud) when Traefik relies on Cloudflare for TLS",
    "SSL/TLS mode: Full (not Flexible, not Full Strict)",
    "Speed > Optimization: Auto Minify for JavaScript off, Rocket Loader off",
    "Scrape Shield > Email Address Obfuscation: off",
    "LiveKit media (7881/tcp, 3478/udp, 50000-50100/udp) goes to the server's IP directly, past Cloudflare",
)



@dataclass(frozen=True)
class Advice:
    """What cannot be checked offline, said once as advice, never as a failure."""

    gotchas: tuple[int, ...]
    lines: tuple[str, ...]


ADVICE = (Advice((13,), CLOUDFLARE_ADVICE),)

_PLACEHOLDER = re.compile(
    r"GENERATE_A_[A-Z0-9_]+|YOUR_[A-Z0-9_]+|<replace-with-[^>]*>|<[A-Z][A-Z0-9_]*>|<\d+-char hex>"
)
_SECRET_NAME = re.compile(r"(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)$", re.I)
_INTERPOLATED = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?+][^}]*)?\}$|^\$[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Finding:
    """One check's result: the problems it found, or why it could not run."""

    id: str
    gotchas: tuple[int, ...]
    files: list[str]
    failed: Status | None = None  # set when the check could not run (a missing or unreadable file)
    failed_kind: ReasonKind = ReasonKind.UNREADABLE
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if self.failed is not None:
            return self.failed
        return Status.DRIFTED if self.problems else Status.ALREADY_APPLIED

    @property
    def reason(self) -> Reason:
        text = "; ".join(self.problems or self.notes)
        if self.failed is not None:
            return Reason(self.failed_kind, text)
        return Reason(ReasonKind.MISCONFIGURED if self.problems else ReasonKind.ALREADY_PRESENT, text)


# -- the checks ---------------------------------------------------------------------------

Check = Callable[[Deployment, Finding], None]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its id, the guide's gotchas, the files it reads and its function."""

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
    except Unavailable:
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
    except Unavailable:
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
        if not compose.plays(service, compose.NATS_ROLE):
            f.problems.append(f"{where}: services.nats.{key} points at {service.name}, which does not run a nats image")
            continue
        listens = compose.listen_port(service) or 4222  # its command's port, never a published one
        if listens != port:
            f.problems.append(f"{where}: services.nats.{key} uses port {port} but {service.name} listens on {listens}")
        if jetstream and not compose.plays(service, compose.JETSTREAM_ROLE):
            f.problems.append(f"{_loc(d, d.compose_file, service.node)}: {service.name} runs without --jetstream; "
                              "the server's job queue needs JetStream")
        if service.name not in waits_for:
            f.notes.append(f"{server.name} does not wait for {service.name} (depends_on)")
        elif (compose.waits_for(server) or {}).get(service.name) == "service_healthy" and (
                not compose.has_healthcheck(service)):
            problem = (f"{_loc(d, d.compose_file, server.node)}: {server.name} waits for {service.name} to be "
                       f"healthy, but {service.name} has no healthcheck: Compose refuses to start {server.name}; "
                       "add a healthcheck or use condition: service_started")
            if problem not in f.problems:
                f.problems.append(problem)


def _nats_services(d: Deployment) -> list[compose.Service]:
    """The NATS services config.json's URLs name, each once, in the order of the URLs."""
    section = _section(_section(d.data(CONFIG), "services"), "nats")
    out: dict[str, compose.Service] = {}
    for key in ("core_url", "jetstream_url"):
        host = _url(flat_text(section.get(key)))[0]
        service = d.by_host(host) if host else None
        if service is not None and compose.plays(service, compose.NATS_ROLE):
            out.setdefault(service.name, service)
    return list(out.values())


@check("doctor-nats-auth", (), CONFIG, "{compose}")
def nats_auth(d: Deployment, f: Finding) -> None:
    """services.nats.auth_token and the ``--auth`` of the NATS services agree (a token the
    servers do not require protects nothing; one they require and the config lacks locks
    the server out), and a NATS without authentication does not publish its client port."""
    token = flat_text(_section(_section(d.data(CONFIG), "services"), "nats").get("auth_token")).strip()
    services = _nats_services(d)
    if not services:
        f.notes.append("no NATS service of config.json's URLs found (see doctor-nats)")
        return
    for service in services:
        where = _loc(d, d.compose_file, service.node)
        args = compose.command_args(service)
        auth = compose.option(args, ("--auth",))
        if auth is None and compose.option(args, ("-c", "--config")) is not None:
            f.notes.append(f"{service.name} reads a NATS config file; its authorization is not checked here")
            continue
        if auth is None or not auth.strip():
            empty = " (its --auth is empty: is the variable set in .env?)" if auth is not None else ""
            if token:
                f.problems.append(f"{where}: {service.name} runs without authentication{empty}, so "
                                  f"services.nats.auth_token of {CONFIG} protects nothing; add '--auth', "
                                  "'${NATS_AUTH_TOKEN}' to its command and NATS_AUTH_TOKEN (the same token) to .env")
            port = compose.listen_port(service) or 4222
            if any(p.covers(port, "tcp") for p in compose.published(service)):
                f.problems.append(f"{where}: {service.name} publishes its client port {port} on the host without "
                                  "authentication: anyone who reaches the host can use NATS")
            continue
        if not token:
            f.problems.append(f"{where}: {service.name} requires a token (--auth) but services.nats.auth_token of "
                              f"{CONFIG} is empty: the server is refused (Authorization Violation)")
        elif auth != token:
            f.problems.append(f"{where}: the --auth of {service.name} (after .env) is not services.nats.auth_token "
                              f"of {CONFIG}: the server is refused (Authorization Violation)")


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
        except Unavailable:
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
            f.failed = Status.ERROR
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
        except Unavailable as missing:
            finding.problems = [missing.reason]
            finding.notes = []
            finding.failed = missing.status
            finding.failed_kind = missing.kind if missing.status is Status.DRIFTED else ReasonKind.UNREADABLE
        except DataError as exc:  # a shape no check expects: say where, do not guess
            finding.problems = [f"cannot check: {exc}"]
            finding.notes = []
            finding.failed = Status.ERROR
        findings.append(finding)
    return findings


