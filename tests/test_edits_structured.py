"""The JSON/YAML edit primitives, and proof that the template fixes touch only their lines."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.formats.data.datatree import DataView
from fluxer_patcher.source import MemoryTree
from fluxer_patcher.syntax.document import Document
from tests.primitive_case import PrimitiveRunner
from tests.primitive_case import engine as Engine

CATALOGUE = load()
JSON_OBJECT = '((pair key: (string (string_content) @_k) value: (object) @target) (#eq? @_k "target"))'
YAML_TOP = "((stream (document (block_node (block_mapping) @target))))"
YAML_SERVICE = (
    '((block_mapping_pair key: (flow_node) @_k value: (block_node (block_mapping) @target)) (#eq? @_k "web"))'
)


class DataRunner(PrimitiveRunner):
    """The file is ``c.json`` or ``c.yaml`` by the language."""

    def __call__(self, source, query, edit, params, language="yaml", tree=None):  # type: ignore[no-untyped-def,override]
        file = "c.json" if language == "json" else "c.yaml"
        return super().__call__(source, query, edit, params, language=language, tree=tree, file=file)


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    """Run one primitive over ``source`` with a query written on the fly."""
    return DataRunner(tmp_path, "c.yaml", "yaml")


# -- set-member on JSON -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('{\n\t"target": {\n\t\t"a": 1\n\t}\n}\n', '{\n\t"target": {\n\t\t"a": 1,\n\t\t"k": "v"\n\t}\n}\n'),
        ('{"target": {"a": 1}}', '{"target": {"a": 1, "k": "v"}}'),
        ('{"target": {}}', '{"target": {"k": "v"}}'),
        ('{\n  "target": {\n  }\n}', '{\n  "target": {\n    "k": "v"\n  }\n}'),
        (
            '{\r\n\t"target": {\r\n\t\t"a": 1\r\n\t}\r\n}',
            '{\r\n\t"target": {\r\n\t\t"a": 1,\r\n\t\t"k": "v"\r\n\t}\r\n}',
        ),
        ('{"target": {\n  "a": 1 // why\n}}', '{"target": {\n  "a": 1, // why\n  "k": "v"\n}}'),
        ('{"target": {"k": "old"}}', '{"target": {"k": "v"}}'),
    ],
)
def test_set_member_json(run, before: str, after: str) -> None:
    params = {"key": "k", "value": '"v"', "replace": "^old$"}
    outcome, text, _ = run(before, JSON_OBJECT, "set-member", params, "json")
    assert (outcome, text) == ("changed", after)
    assert run(after, JSON_OBJECT, "set-member", params, "json")[0] == "already-applied"


def test_set_member_json_after_a_key_keeps_the_order(run) -> None:
    before = '{\n\t"target": {\n\t\t"a": 1,\n\t\t"b": 2\n\t}\n}\n'
    _o, text, _ = run(before, JSON_OBJECT, "set-member", {"key": "k", "value": "3", "after": "a"}, "json")
    assert text == '{\n\t"target": {\n\t\t"a": 1,\n\t\t"k": 3,\n\t\t"b": 2\n\t}\n}\n'


def test_set_member_json_accepts_or_drifts_without_printing_the_value(run) -> None:
    source = '{"target": {"k": "s3cr3t-value"}}'
    assert run(source, JSON_OBJECT, "set-member", {"key": "k", "value": '"v"', "accept": "^s3"}, "json")[0] == (
        "already-applied"
    )
    outcome, _text, reason = run(source, JSON_OBJECT, "set-member", {"key": "k", "value": '"v"'}, "json")
    assert outcome == "drifted" and "c.json:1:18: k has another value" in reason and "s3cr3t" not in reason


def test_set_member_json_bad_value_is_an_error(run) -> None:
    outcome, _t, reason = run('{"target": {}}', JSON_OBJECT, "set-member", {"key": "k", "value": "v"}, "json")
    assert outcome == "error" and "not JSON" in reason


# -- set-member on YAML -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("web:\n  image: old/x  # note\n", "web:\n  image: new/y  # note\n"),
        ("web:\n  image: 'old/x'\n", "web:\n  image: 'new/y'\n"),
        ('web:\n  image: "old/x"\n', 'web:\n  image: "new/y"\n'),
        ("web:\n  ports: [80]\n", "web:\n  ports: [80]\n  image: new/y\n"),
    ],
)
def test_set_member_yaml_keeps_the_quoting(run, before: str, after: str) -> None:
    params = {"key": "image", "value": "new/y", "replace": "^old/"}
    outcome, text, _ = run(before, YAML_SERVICE, "set-member", params)
    assert (outcome, text) == ("changed", after)
    assert run(after, YAML_SERVICE, "set-member", params)[0] == "already-applied"


def test_set_member_yaml_quotes_a_value_plain_style_cannot_hold(run) -> None:
    _o, text, _ = run("web:\n  cmd: old\n", YAML_SERVICE, "set-member",
                      {"key": "cmd", "value": "'a: b'", "replace": "old"})
    assert text == "web:\n  cmd: 'a: b'\n"


# -- merge-mapping ------------------------------------------------------------------------


def test_merge_mapping_nested_keys_and_sequences(run) -> None:
    before = (
        "# top comment\n"
        "web:\n"
        "  image: x  # keep me\n"
        "  deps:\n"
        "    db:\n"
        "      condition: service_healthy\n"
        "  ports: ['80:80']\n"
        "  volumes:\n"
        "    - a:/a\n"
    )
    value = (
        "deps:\n  cache:\n    condition: service_healthy\n"
        "ports: ['443:443']\n"
        "volumes:\n  - b:/b\n"
        "labels:\n  one: '1'\n"
    )
    outcome, text, _ = run(before, YAML_SERVICE, "merge-mapping", {"value": value})
    assert outcome == "changed"
    assert text == (
        "# top comment\n"
        "web:\n"
        "  image: x  # keep me\n"
        "  deps:\n"
        "    db:\n"
        "      condition: service_healthy\n"
        "    cache:\n"
        "      condition: service_healthy\n"
        "  ports: ['80:80', '443:443']\n"
        "  volumes:\n"
        "    - a:/a\n"
        "    - b:/b\n"
        "  labels:\n"
        "    one: '1'\n"
    )
    assert run(text, YAML_SERVICE, "merge-mapping", {"value": value})[0] == "already-applied"


def test_merge_mapping_fills_an_empty_key_and_a_flow_mapping(run) -> None:
    _o, text, _ = run("web:\n  deps:\n  env: {A: 1}\n", YAML_SERVICE, "merge-mapping",
                      {"value": "deps:\n  db: {}\nenv:\n  B: 2\n"})
    assert text == "web:\n  deps:\n    db: {}\n  env: {A: 1, B: 2}\n"


def test_merge_mapping_multi_line_flow_sequence(run) -> None:
    before = "web:\n  cmd: [\n    'a',\n    'b'\n  ]\n"
    _o, text, _ = run(before, YAML_SERVICE, "merge-mapping", {"value": "cmd: [\"c\"]\n"})
    assert text == "web:\n  cmd: [\n    'a',\n    'b',\n    'c'\n  ]\n"


def test_merge_mapping_conflicts(run) -> None:
    before = "web:\n  image: mine\n"
    outcome, _t, reason = run(before, YAML_SERVICE, "merge-mapping", {"value": "image: theirs\n"})
    assert outcome == "drifted" and "c.yaml:2:3: image has another value" in reason and "mine" not in reason
    outcome, text, reason = run(before, YAML_SERVICE, "merge-mapping",
                                {"value": "image: theirs\nx: 1\n", "conflicts": "keep"})
    assert outcome == "changed" and text == "web:\n  image: mine\n  x: 1\n" and "left as is" in reason


def test_merge_mapping_never_edits_through_an_alias(run) -> None:
    before = "base: &b {driver: json}\nweb:\n  logging: *b\n"
    outcome, _t, reason = run(before, YAML_SERVICE, "merge-mapping", {"value": "logging:\n  size: 1\n"})
    assert outcome == "drifted" and "logging" in reason


def test_merge_mapping_takes_the_file_indent_and_quotes(run) -> None:
    before = 'web:\n    image: "x"\n    cmd: ["a"]\n'
    _o, text, _ = run(before, YAML_SERVICE, "merge-mapping", {"value": "hc:\n  test: ['CMD', 'true']\n"})
    assert text == 'web:\n    image: "x"\n    cmd: ["a"]\n    hc:\n        test: ["CMD", "true"]\n'


def test_merge_mapping_crlf_and_no_final_newline(run) -> None:
    _o, text, _ = run("web:\r\n  a: 1\r\n  b:\r\n    - x", YAML_SERVICE, "merge-mapping",
                      {"value": "b: [y]\nc:\n  d: 2\n"})
    assert text == "web:\r\n  a: 1\r\n  b:\r\n    - x\r\n    - y\r\n  c:\r\n    d: 2"


def test_merge_mapping_service_placeholder_needs_one_service(run) -> None:
    compose_two = "services:\n  a:\n    image: nats:2\n  b:\n    image: nats:2\n"
    params = {"value": "url: http://{{service:n}}\n", "services": {"n": {"image": "^nats:"}}}
    outcome, _t, reason = run("web:\n  x: 1\n", YAML_SERVICE, "merge-mapping", params,
                              tree={"compose.yaml": compose_two})
    assert outcome == "drifted" and "2 services play the n role" in reason and "compose.yaml:2:3" in reason
    outcome, text, _ = run("web:\n  x: 1\n", YAML_SERVICE, "merge-mapping", params,
                           tree={"compose.yaml": "services:\n  a:\n    image: nats:2\n"})
    assert text == "web:\n  x: 1\n  url: http://a\n"


# -- add-compose-service ------------------------------------------------------------------

SERVICE = {
    "name": "q",
    "role": {"image": "^queue:"},
    "value": "image: queue:1\nvolumes:\n  - q_data:/data\nlogging: *log\n",
}


def test_add_compose_service_declares_volumes_and_drops_unknown_aliases(run) -> None:
    outcome, text, reason = run("services:\n  web:\n    image: x\n", YAML_TOP, "add-compose-service", SERVICE)
    assert outcome == "changed"
    assert text == (
        "services:\n  web:\n    image: x\n  q:\n    image: queue:1\n    volumes:\n      - q_data:/data\n"
        "\nvolumes:\n  q_data:\n"
    )
    assert "left out logging" in reason
    assert run(text, YAML_TOP, "add-compose-service", SERVICE)[0] == "already-applied"


def test_add_compose_service_present_under_another_name(run) -> None:
    outcome, _t, reason = run("services:\n  my-queue:\n    image: 'queue:2'\n", YAML_TOP, "add-compose-service",
                              SERVICE)
    assert outcome == "already-applied" and "present as my-queue (c.yaml:2:3)" in reason


def test_add_compose_service_refuses_a_name_clash(run) -> None:
    outcome, _t, reason = run("services:\n  q:\n    image: other\n", YAML_TOP, "add-compose-service", SERVICE)
    assert outcome == "drifted" and "a service named q exists" in reason


# -- the template fixes touch only their lines ----------------------------------------------

RICH_COMPOSE = """\
# Fluxer, self-hosted. Edit .env, not this file.
x-logging: &default-logging
  driver: json-file
  options: {max-size: '10m', max-file: "5"}

x-restart: &restart
  restart: unless-stopped

services:
  valkey:
    <<: *restart
    image: valkey/valkey:8.0.6-alpine   # pinned
    command: ['valkey-server', '--appendonly', 'yes']
    logging: *default-logging

  # the API, gateway and web app in one container
  fluxer_server:
    <<: *restart
    image: "${FLUXER_SERVER_IMAGE:-ghcr.io/fluxerapp/fluxer-server:stable}"
    environment:
      FLUXER_CONFIG: /usr/src/app/config/config.json
    depends_on:
      valkey: {condition: service_healthy}
    volumes: [./config:/usr/src/app/config:ro, fluxer_data:/usr/src/app/data]
    logging: *default-logging

  livekit:
    image: livekit/livekit-server:v1.9.11
    profiles: ['voice']
    logging: *default-logging

volumes:
  valkey_data:
  fluxer_data:   # the SQLite database lives here
"""


def _fix(patch_id: str):
    return next(p for p in CATALOGUE.patches if p.id == patch_id)


def _line_changes(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def _data(text: str) -> Any:
    view = DataView(Document("c", text.encode(), "yaml"))
    return view.value(view.root)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_compose_fixes_touch_only_their_lines(newline: str) -> None:
    before = RICH_COMPOSE.replace("\n", newline)
    engine = Engine(MemoryTree({"compose.yaml": before}))
    results = engine.run([_fix("compose-nats-services"), _fix("compose-build-server")])
    assert [r.outcome for r in results] == ["changed", "changed"], [r.reason.text for r in results]
    after = engine.overlay.read("compose.yaml").decode()
    removed, added = _line_changes(before, after)
    # the only line that changes is the image default; every other line stays byte for byte
    assert removed == ['    image: "${FLUXER_SERVER_IMAGE:-ghcr.io/fluxerapp/fluxer-server:stable}"']
    assert '    image: "${FLUXER_SERVER_IMAGE:-fluxer-server:local}"' in added
    assert after.count("\r\n") == (after.count("\n") if newline == "\r\n" else 0)
    # in data terms too: everything else is as it was
    old, new = _data(before), _data(after)
    assert new["x-logging"] == old["x-logging"] and new["services"]["valkey"] == old["services"]["valkey"]
    assert new["services"]["livekit"] == old["services"]["livekit"]
    server = new["services"]["fluxer_server"]
    assert server["depends_on"] == {
        "valkey": {"condition": "service_healthy"},
        "nats-core": {"condition": "service_healthy"},
        "nats-jetstream": {"condition": "service_healthy"},
    }
    assert server["build"]["dockerfile"] == "fluxer_server/Dockerfile"
    assert server["volumes"] == old["services"]["fluxer_server"]["volumes"]
    assert server["restart"] == "unless-stopped"  # the merge key still applies
    assert list(new["services"]) == ["valkey", "fluxer_server", "livekit", "nats-core", "nats-jetstream"]
    assert list(new["volumes"]) == ["valkey_data", "fluxer_data", "nats_jetstream_data"]
    assert new["services"]["nats-core"]["logging"] == old["x-logging"]
    # the new services use the file's logging anchor and single quotes in flow sequences
    assert "    logging: *default-logging" + newline + newline + "  nats-jetstream:" in after
    assert "    command: ['--port', '4222', '--http_port', '8222', '--auth', '${NATS_AUTH_TOKEN:?" in after
    # idempotent: a second run changes nothing
    fixes = [_fix("compose-nats-services"), _fix("compose-build-server")]
    again = Engine(MemoryTree({"compose.yaml": after})).run(fixes)
    assert [r.outcome for r in again] == ["already-applied", "already-applied"]


def test_config_fixes_keep_tabs_and_key_order() -> None:
    fixture = Path(__file__).resolve().parent.parent / "upstream-fixtures/refactor-2026-02"
    files = {p: (fixture / p).read_text() for p in ("config/config.production.template.json", "compose.yaml")}
    before = files["config/config.production.template.json"]
    ids = ["config-static-dir", "compose-nats-services", "config-nats-urls", "config-sqlite-path-absolute"]
    engine = Engine(MemoryTree(files))
    results = engine.run([_fix(i) for i in ids])
    assert all(r.outcome == "changed" for r in results), [r.reason.text for r in results]
    after = engine.overlay.read("config/config.production.template.json").decode()
    removed, added = _line_changes(before, after)
    assert removed == [
        '\t\t"sqlite_path": "./data/fluxer.db"',
        '\t\t\t"host": "0.0.0.0"',
        '\t\t\t"core_url": "nats://nats:4222",',
        '\t\t\t"jetstream_url": "nats://nats:4222",',
    ]
    assert added == [
        '\t\t"sqlite_path": "/usr/src/app/data/fluxer.db"',
        '\t\t\t"host": "0.0.0.0",',
        '\t\t\t"static_dir": "/usr/src/app/assets"',
        '\t\t\t"core_url": "nats://nats-core:4222",',
        '\t\t\t"jetstream_url": "nats://nats-jetstream:4223",',
    ]
    import json

    old, new = json.loads(before), json.loads(after)
    assert list(new) == list(old) and list(new["services"]) == list(old["services"])
    assert list(new["services"]["server"]) == [*old["services"]["server"], "static_dir"]


def test_livekit_fix_keeps_the_rest_of_the_file() -> None:
    before = '# LiveKit\nport: 7880\n\nkeys:\n  "k1": "s1"  # rotate yearly\n\nroom: {auto_create: true}\n'
    compose = "services:\n  fluxer-server:\n    image: fluxer-server:local\n"
    engine = Engine(MemoryTree({"config/livekit.example.yaml": before, "compose.yaml": compose}))
    result = engine.run_patch(_fix("livekit-webhook-api-key"))
    after = result.changes[0].after.decode()
    assert after == before + '\nwebhook:\n  api_key: "k1"\n  urls:\n    - http://fluxer-server:8080/api/webhooks/livekit\n'


def test_add_compose_service_fills_an_empty_volumes_key(run) -> None:
    service = {**SERVICE, "value": "image: queue:1\nvolumes:\n  - q_data:/data\n"}
    _o, text, _ = run("services:\n  web:\n    image: x\nvolumes:\n", YAML_TOP, "add-compose-service", service)
    assert text == (
        "services:\n  web:\n    image: x\n  q:\n    image: queue:1\n    volumes:\n      - q_data:/data\n"
        "volumes:\n  q_data:\n"
    )


def test_a_fix_reading_compose_is_stable_when_a_later_fix_changes_compose() -> None:
    """The webhook fix finds the server by name or image, so giving it an image later
    (compose-build-server) cannot make the webhook fix apply on a second run."""
    files = {
        "config/livekit.example.yaml": "keys:\n  k: s\n",
        "compose.yaml": "services:\n  fluxer_server:\n    restart: unless-stopped\n",
    }
    engine = Engine(MemoryTree(files))
    first = engine.run([_fix("livekit-webhook-api-key"), _fix("compose-build-server")])
    assert [r.outcome for r in first] == ["changed", "changed"], [r.reason.text for r in first]
    again = Engine(engine.overlay).run([_fix("livekit-webhook-api-key"), _fix("compose-build-server")])
    assert [r.outcome for r in again] == ["already-applied", "already-applied"]
