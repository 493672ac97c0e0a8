"""The data view over JSON and YAML trees, and structural equality for those languages."""

from __future__ import annotations

import json

import pytest

from fluxer_patcher.formats.compose import model as compose
from fluxer_patcher.formats.data.datatree import DataView, same_data
from fluxer_patcher.syntax.document import Document


def view(text: str, language: str = "yaml") -> DataView:
    return DataView(Document("t", text.encode(), language))


def data(text: str, language: str = "yaml") -> object:
    v = view(text, language)
    return v.value(v.root)


def test_yaml_scalars_follow_the_core_schema() -> None:
    assert data("a: 'true'\nb: true\nc: 0x1f\nd: ~\ne:\nf: 1.5\ng: \"x\\ty\"\nh: 'it''s'\n") == {
        "a": "true", "b": True, "c": 31, "d": None, "e": None, "f": 1.5, "g": "x\ty", "h": "it's",
    }


def test_yaml_block_scalars() -> None:
    assert data("lit: |\n  one\n  two\nfold: >-\n  one\n  two\n\n  three\n") == {
        "lit": "one\ntwo\n", "fold": "one two\nthree",
    }


def test_yaml_aliases_and_merge_keys_read_the_anchor() -> None:
    text = "x: &base {driver: json-file, size: '10m'}\na: *base\nb:\n  <<: *base\n  size: 5m\n"
    assert data(text) == {
        "x": {"driver": "json-file", "size": "10m"},
        "a": {"driver": "json-file", "size": "10m"},
        "b": {"driver": "json-file", "size": "5m"},
    }


def test_json_matches_the_standard_library() -> None:
    text = '{\n\t"a": [1, 2.5, true, null],\n\t"b": {"c": "\\u00e9\\n"}\n}\n'
    assert data(text, "json") == json.loads(text)


def test_lookup_keeps_locations() -> None:
    v = view("services:\n  web:\n    image: nginx\n")
    node = v.get(v.root, "services", "web", "image")
    assert node is not None and v.doc.loc(node) == "t:3:12"
    assert v.get(v.root, "services", "db") is None
    assert [e.key for e in v.entries(v.get(v.root, "services"))] == ["web"]


def test_equality_is_on_data_with_types() -> None:
    assert same_data({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same_data(1, True)
    assert not same_data("1", 1)
    assert not same_data(1, 1.0)


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("k: ['x', \"y\", z]\n", "k: [x, y, z]\n", True),
        ("k:\n  - x\n  - y\n", "k: [x, y]\n", True),
        ("k: true\n", "k: 'true'\n", False),
        ("k: {a: 1}  # comment\n", "k:\n  a: 1\n", True),
    ],
)
def test_structure_same_compares_yaml_data(a: str, b: str, equal: bool) -> None:
    va, vb = view(a), view(b)
    assert same_data(va.value(va.get(va.root, "k")), vb.value(vb.get(vb.root, "k"))) is equal


def test_compose_roles_find_services_by_what_they_run() -> None:
    v = view(
        "services:\n"
        "  fluxer-nats-core:\n    image: nats:2-alpine\n"
        "  js:\n    image: 'nats:2-alpine'\n    command: ['-p', '4223', '-js']\n"
        "  cache:\n    image: valkey/valkey:8\n"
    )
    core = {"image": "^nats:", "command": r"^(?!.*(^|\s)(--jetstream|-js)(\s|$))"}
    jetstream = {"image": "^nats:", "command": r"(^|\s)(--jetstream|-js)(\s|$)"}
    assert [s.name for s in compose.find(v, core)] == ["fluxer-nats-core"]
    assert [s.name for s in compose.find(v, jetstream)] == ["js"]
    with pytest.raises(compose.RoleError):
        compose.check_role({"image": "("})


def test_compose_ports_and_mounts() -> None:
    v = view(
        "services:\n  lk:\n    image: livekit/livekit-server\n    ports:\n"
        "      - '${LK_PORT:-7880}:7880'\n      - '127.0.0.1:7881:7881'\n      - '50000-50100:50000-50100/udp'\n"
        "      - {target: 3478, published: 3478, protocol: udp}\n      - '9000'\n"
        "    volumes:\n      - ./config:/etc/lk:ro\n      - data:/data\n"
    )
    service = compose.services(v)[0]
    ports = compose.published(service)
    assert any(p.covers(7881, "tcp") for p in ports) and any(p.covers(50050, "udp") for p in ports)
    assert any(p.covers(3478, "udp") for p in ports) and not any(p.covers(9000, "tcp") for p in ports)
    assert not any(p.covers(7881, "udp") for p in ports)
    mounts = compose.mounts(service)
    assert [(m.source, m.target, m.read_only, m.named) for m in mounts] == [
        ("./config", "/etc/lk", True, False), ("data", "/data", False, True),
    ]


def test_compose_interpolation_reads_env_like_compose() -> None:
    env = {"IMAGE": "fluxer-server:local", "EMPTY": ""}
    assert compose.interpolate(
        ["${IMAGE}", "${MISSING:-d}", "${EMPTY:-d}", "${EMPTY-d}", "$IMAGE", "$$HOME", "${IMAGE:+set}", "${X:?err}"],
        env,
    ) == ["fluxer-server:local", "d", "d", "", "fluxer-server:local", "$HOME", "set", ""]


def test_compose_role_alternatives_and_the_service_name() -> None:
    v = view("services:\n  fluxer_server:\n    restart: always\n  app:\n    image: fluxer-server:local\n")
    by_name = [{"@name": "^fluxer[-_]server$"}]
    assert [s.name for s in compose.find(v, by_name)] == ["fluxer_server"]
    either = [{"@name": "^fluxer[-_]server$"}, {"image": "fluxer[-_]server"}]
    # an order of preference: the first table some service matches decides; each service plays it
    assert [s.name for s in compose.find(v, either)] == ["fluxer_server"]
    assert [s.name for s in compose.find(v, either[::-1])] == ["app"]
    assert all(compose.plays(s, either) for s in compose.services(v))
    assert compose.describe(either) == "@name ~ /^fluxer[-_]server$/ or image ~ /fluxer[-_]server/"
    with pytest.raises(compose.RoleError):
        compose.check_role([])


def test_anchors_are_read_per_tree() -> None:
    first = DataView(Document("a.yaml", b"x: &a 1\ny: *a\n", "yaml"))
    again = DataView(Document("a.yaml", b"x: &a 1\ny: *a\n", "yaml"))
    edited = DataView(first.doc.edited(b"x: &a 2\ny: *a\n"))
    assert first.value(first.root) == again.value(again.root) == {"x": 1, "y": 1}
    assert edited.value(edited.root) == {"x": 2, "y": 2}
    assert first.anchors is again.anchors and edited.anchors["a"] != first.anchors["a"]
