"""``fluxer-patch doctor``: the deployment checks, their report and their exit codes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import snapshot

DEPLOYMENTS = Path(__file__).resolve().parent / "data" / "deployments"
CHECK_IDS = [
    "doctor-static-dir",
    "doctor-sqlite-path",
    "doctor-data-volume",
    "doctor-config-mount",
    "doctor-livekit-webhook",
    "doctor-voice-credentials",
    "doctor-nats",
    "doctor-nats-auth",
    "doctor-livekit-ports",
    "doctor-placeholders",
    "doctor-inline-secrets",
    "doctor-file-modes",
]
# Every made-up secret of the fixtures: none may ever appear in a report.
SECRETS = [
    "9f3c1ad27be84e6f0c5d2a17b9e4f8a36d0c7e1b5a2f9d4c8e6b3a1f7d2c9e05",
    "4b7e2d9a1c6f3e8b5a0d7c2f9e4b1a6d",
    "7c2e9f4a1d6b3e8c5f0a7d2c9e4b1f6a3d8c5e2f7b9a4d1c6e3f8b5a2d7c9e04",
    "a1b2c3d4e5f60718",
    "not-the-livekit-secret",
    "5e1d9c7a3b8f2e6d",
]


@pytest.fixture
def deployment(tmp_path: Path) -> Callable[[str, int], Path]:
    """A copy of a deployment directory with config.json and .env at ``mode``."""

    def copy(name: str, mode: int = 0o600) -> Path:
        dest = tmp_path / name
        shutil.copytree(DEPLOYMENTS / name, dest)
        for secret_file in ("config/config.json", ".env"):
            if (dest / secret_file).exists():
                os.chmod(dest / secret_file, mode)
        return dest

    return copy


def _rows(stdout: str) -> dict[str, dict[str, object]]:
    return {row["id"]: row for row in json.loads(stdout)["patches"]}


def test_clean_deployment_passes_every_check(deployment, run_cli) -> None:
    root = deployment("clean")
    before = snapshot(root)
    text = run_cli("doctor", str(root))
    assert text.exit_code == 0, text.output
    assert "12 checks: 12 already-applied" in text.stdout and "next:" not in text.stdout
    assert text.stdout.count("gotcha 13 (Cloudflare)") == 1 and "Rocket Loader off" in text.stdout
    result = run_cli("doctor", str(root), "--format", "json")
    doc = json.loads(result.stdout)
    assert set(doc) == {"tool", "version", "target", "patches", "summary", "advice"}
    assert [row["id"] for row in doc["patches"]] == CHECK_IDS
    assert all(set(row) == {"id", "gotchas", "status", "files", "reason", "reason_kind"} for row in doc["patches"])
    assert doc["summary"]["already-applied"] == 12 and doc["advice"][0]["gotchas"] == [13]
    assert snapshot(root) == before  # read-only
    for secret in SECRETS:
        assert secret not in text.stdout + result.stdout


def test_every_planted_problem_is_found(deployment, run_cli) -> None:
    root = deployment("problems", 0o644)
    result = run_cli("doctor", str(root), "--format", "json")
    assert result.exit_code == 1
    rows = _rows(result.stdout)
    assert all(rows[i]["status"] == "drifted" for i in CHECK_IDS), {i: rows[i]["status"] for i in CHECK_IDS}
    expected = {
        "doctor-static-dir": "services.server.static_dir is not set",
        "doctor-sqlite-path": 'config/config.json:5:18: database.sqlite_path is "./data/fluxer.db"',
        "doctor-data-volume": "no volume of service fluxer-server holds /usr/src/app/data/fluxer.db",
        "doctor-config-mount": "compose.yaml:2:3: fluxer-server mounts ./config:/usr/src/app/config read-write",
        "doctor-livekit-webhook": "webhook has no api_key",
        "doctor-voice-credentials": "integrations.voice.api_secret is not the secret",
        "doctor-nats": "services.nats.core_url names host nats",
        "doctor-nats-auth": "fluxer-nats-jetstream runs without authentication, so services.nats.auth_token",
        "doctor-livekit-ports": "does not publish 3478/udp",
        "doctor-placeholders": "config/config.json:13:18 (services.media_proxy.secret_key)",
        "doctor-inline-secrets": "compose.yaml:10:7 (meilisearch: MEILI_MASTER_KEY)",
        "doctor-file-modes": "config/config.json is mode 0644",
    }
    for check_id, phrase in expected.items():
        assert phrase in str(rows[check_id]["reason"]), (check_id, rows[check_id]["reason"])
    assert "fluxer-nats-jetstream runs without --jetstream" in str(rows["doctor-nats"]["reason"])
    assert "50000-60000/udp" in str(rows["doctor-livekit-ports"]["reason"])  # LiveKit's default range
    assert "the webhook URL's host fluxer_server is not the server service" in str(
        rows["doctor-livekit-webhook"]["reason"]
    )
    text = run_cli("doctor", str(root))
    assert text.exit_code == 1 and "next: fix the deployment files" in text.stdout
    for secret in SECRETS:
        assert secret not in result.stdout + text.stdout, secret


def test_missing_files_are_reported_per_check(tmp_path: Path, run_cli) -> None:
    (tmp_path / "docker-compose.yml").write_bytes((DEPLOYMENTS / "clean" / "docker-compose.yml").read_bytes())
    result = run_cli("doctor", str(tmp_path), "--format", "json")
    assert result.exit_code == 1, result.output
    rows = _rows(result.stdout)
    assert rows["doctor-static-dir"]["reason"] == "config/config.json: not found"
    assert rows["doctor-livekit-webhook"]["reason"] == "config/livekit.yaml: not found"
    assert rows["doctor-config-mount"]["status"] == "already-applied"
    assert rows["doctor-inline-secrets"]["status"] == "already-applied"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("config/config.json", '{\n  "a": 1,\n}\n', "config/config.json:3:1: malformed JSON: Expecting property name"),
        ("config/config.json", '{\n  "a": 1 // the guide\'s comment\n}\n', "config/config.json:2:10: malformed JSON"),
        ("config/livekit.yaml", "keys:\n  k: v\n webhook: [a\n", "config/livekit.yaml:3:2: malformed YAML"),
        ("docker-compose.yml", "services:\n\tweb: {}\n", "docker-compose.yml:2:1: malformed YAML"),
    ],
)
def test_malformed_file_is_one_line_with_its_location(deployment, run_cli, path: str, text: str,
                                                      message: str) -> None:
    root = deployment("clean")
    (root / path).write_text(text)
    result = run_cli("doctor", str(root))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert lines[0].startswith(f"fluxer-patch: {root}/{path}:")


def test_unreadable_file_is_an_error_row(deployment, run_cli) -> None:
    root = deployment("clean")
    (root / "config/livekit.yaml").unlink()
    (root / "config/livekit.yaml").mkdir()
    result = run_cli("doctor", str(root), "--format", "json")
    assert result.exit_code == 2
    rows = _rows(result.stdout)
    assert rows["doctor-livekit-webhook"] == {
        "id": "doctor-livekit-webhook", "gotchas": [6], "status": "error",
        "files": ["config/livekit.yaml", "docker-compose.yml"],
        "reason": "config/livekit.yaml: is a directory, expected a file", "reason_kind": "unreadable",
    }


def test_compose_option_and_bad_directories(deployment, run_cli, tmp_path: Path) -> None:
    root = deployment("clean")
    (root / "docker-compose.yml").rename(root / "fluxer.yml")
    assert run_cli("doctor", str(root), "--compose", "fluxer.yml").exit_code == 0
    missing = run_cli("doctor", str(root), "--compose", "nope.yml")
    assert missing.exit_code == 2 and "no such Compose file" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    not_deployment = run_cli("doctor", str(empty))
    assert not_deployment.exit_code == 2 and "not a Fluxer deployment directory" in not_deployment.stderr
    assert run_cli("doctor", str(tmp_path / "absent")).exit_code == 2


def test_patched_templates_make_a_deployment_that_passes_the_gotcha_checks(fixture_tree, run_cli,
                                                                            tmp_path: Path) -> None:
    """Apply the fixes to the templates, copy them as the guide says, run doctor."""
    checkout = fixture_tree("refactor-2026-02")
    assert run_cli("apply", str(checkout)).exit_code == 0
    deploy = tmp_path / "srv"
    (deploy / "config").mkdir(parents=True)
    shutil.copy(checkout / "config/config.production.template.json", deploy / "config/config.json")
    shutil.copy(checkout / "config/livekit.example.yaml", deploy / "config/livekit.yaml")
    shutil.copy(checkout / "compose.yaml", deploy / "compose.yaml")
    (deploy / ".env").write_text("BASE_DOMAIN=chat.example.net\n")
    for secret_file in ("config/config.json", ".env"):
        os.chmod(deploy / secret_file, 0o600)
    rows = _rows(run_cli("doctor", str(deploy), "--format", "json").stdout)
    for check_id in ("doctor-static-dir", "doctor-sqlite-path", "doctor-data-volume", "doctor-nats",
                     "doctor-config-mount", "doctor-livekit-webhook", "doctor-inline-secrets"):
        assert rows[check_id]["status"] == "already-applied", rows[check_id]
    # what the templates leave to the self-hoster: secrets to generate, LiveKit's port range
    assert rows["doctor-placeholders"]["status"] == "drifted"
    assert "50000-60000/udp" in str(rows["doctor-livekit-ports"]["reason"])


def test_markdown_report(deployment, run_cli) -> None:
    root = deployment("problems", 0o644)
    result = run_cli("doctor", str(root), "--format", "markdown")
    assert result.exit_code == 1
    md = result.stdout
    assert md.startswith("## fluxer-patch doctor: ")
    assert "| `doctor-static-dir` | 5 | ⚠️ drifted | config/config.json: services.server.static_dir is not set" in md
    assert md.count("gotcha 13 (Cloudflare)") == 1
    for secret in SECRETS:
        assert secret not in md


@pytest.mark.parametrize(
    ("config", "livekit", "compose_text"),
    [
        ("[]", "just text\n", "services: []\n"),
        ('{"services": 5, "database": {"sqlite_path": 7}, "integrations": true}', "keys: 5\nwebhook: 3\n",
         "services:\n  x: 5\n  lk:\n    image: livekit/livekit-server\n    ports: 5\n    volumes: 3\n"),
        ('{"services": {"nats": {"core_url": "nats://h:abc", "jetstream_url": "nats://[::1"}}}',
         "keys:\n  a: b\nwebhook:\n  api_key: a\n  urls: ['http://[x', 5, {a: 1}]\nrtc: {tcp_port: abc}\n",
         "x: &a {image: nats:2}\nservices:\n  fluxer-server: {image: fluxer-server, depends_on: [[1]]}\n"
         "  h: *a\n  lk: {<<: *a, image: livekit/livekit-server, ports: [{target: x, published: 1}, 7881]}\n"),
    ],
)
def test_odd_shapes_are_findings_not_crashes(tmp_path: Path, run_cli, config: str, livekit: str,
                                             compose_text: str) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.json").write_text(config)
    (tmp_path / "config/livekit.yaml").write_text(livekit)
    (tmp_path / "compose.yaml").write_text(compose_text)
    result = run_cli("doctor", str(tmp_path), "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (1, 2)
    assert [row["id"] for row in json.loads(result.stdout)["patches"]] == CHECK_IDS


@pytest.mark.parametrize(
    ("url", "config_port", "override", "problem"),
    [
        ("http://fluxer-server:8080/api/webhooks/livekit", 8080, None, None),
        ("http://fluxer-server:9999/api/webhooks/livekit", 8080, None,
         "the webhook URL's port 9999 is not the one the server listens on: 8080 (services.server.port in "
         "config/config.json)"),
        ("http://fluxer-server/api/webhooks/livekit", 8080, None, "the webhook URL's port 80 is not"),
        ("http://fluxer-server:9999/api/webhooks/livekit", 9999, None, None),
        ("http://fluxer-server:8080/api/webhooks/livekit", None, None,
         "listens on: 8772 (the default, config/config.json sets no services.server.port)"),
        ("http://fluxer-server:7000/api/webhooks/livekit", 8080, "7000", None),
    ],
)
def test_webhook_url_port_is_the_servers(deployment, run_cli, url: str, config_port: int | None,
                                         override: str | None, problem: str | None) -> None:
    root = deployment("clean")
    livekit = root / "config/livekit.yaml"
    livekit.write_text(livekit.read_text().replace("http://fluxer-server:8080/api/webhooks/livekit", url))
    config = json.loads((root / "config/config.json").read_text())
    if config_port is None:
        del config["services"]["server"]["port"]
    else:
        config["services"]["server"]["port"] = config_port
    (root / "config/config.json").write_text(json.dumps(config))
    if override is not None:
        compose = root / "docker-compose.yml"
        compose.write_text(compose.read_text().replace(
            "    restart: unless-stopped\n",
            f"    restart: unless-stopped\n    environment: [FLUXER_CONFIG__SERVICES__SERVER__PORT={override}]\n", 1))
    row = _rows(run_cli("doctor", str(root), "--format", "json").stdout)["doctor-livekit-webhook"]
    if problem is None:
        assert row["status"] == "already-applied", row
    else:
        assert row["status"] == "drifted" and problem in str(row["reason"]), row


def test_file_modes_reports_an_unreadable_file_as_an_error(deployment, run_cli) -> None:
    root = deployment("clean")
    (root / ".env").unlink()
    (root / ".env").symlink_to(".env")  # a loop: os.stat fails with ELOOP
    result = run_cli("doctor", str(root), "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    row = _rows(result.stdout)["doctor-file-modes"]
    assert row["status"] == "error" and str(row["reason"]).startswith(".env: "), row
    assert "config/config.json" not in str(row["reason"])  # the other file was checked: mode 0600


def test_server_is_found_by_its_name_when_nothing_else_tells(deployment, run_cli) -> None:
    root = deployment("clean")
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("image: ${FLUXER_SERVER_IMAGE}", "image: example/chat:1", 1))
    rows = _rows(run_cli("doctor", str(root), "--format", "json").stdout)
    assert rows["doctor-config-mount"]["status"] == "already-applied", rows["doctor-config-mount"]
    compose.write_text(compose.read_text().replace("  fluxer-server:\n", "  chat:\n", 1))
    rows = _rows(run_cli("doctor", str(root), "--format", "json").stdout)
    assert "no Fluxer server service" in str(rows["doctor-config-mount"]["reason"])


def test_deployment_reads_each_file_once(deployment, monkeypatch) -> None:
    """The compose file is walked and interpolated once, however many checks ask for it."""
    from fluxer_patcher.doctor import checks
    from fluxer_patcher.doctor.deployment import CONFIG, LIVEKIT, Deployment
    from fluxer_patcher.formats.compose import model as compose

    calls = []
    walk = compose.services
    monkeypatch.setattr(compose, "services", lambda view: calls.append(view) or walk(view))
    d = Deployment(deployment("clean"))
    checks.run(d)
    assert len(calls) == 1
    assert d.view(LIVEKIT) is d.view(LIVEKIT) and d.data(CONFIG) is d.data(CONFIG)


@pytest.mark.parametrize(
    ("env_token", "status", "phrase"),
    [("0d9e8f7a6b5c", "already-applied", ""),
     ("another-token", "drifted", "the --auth of nats-core (after .env) is not services.nats.auth_token"),
     (None, "drifted", "nats-core runs without authentication (its --auth is empty")],
)
def test_nats_auth_token_and_the_nats_services_agree(fixture_tree, run_cli, tmp_path: Path, env_token: str | None,
                                                     status: str, phrase: str) -> None:
    """compose-nats-services passes --auth from NATS_AUTH_TOKEN; doctor checks it is the config's token."""
    checkout = fixture_tree("refactor-2026-02")
    assert run_cli("apply", str(checkout)).exit_code == 0
    deploy = tmp_path / "srv"
    (deploy / "config").mkdir(parents=True)
    config = (checkout / "config/config.production.template.json").read_text()
    assert '"auth_token": "CHANGE_ME"' in config
    (deploy / "config/config.json").write_text(config.replace("CHANGE_ME", "0d9e8f7a6b5c"))
    shutil.copy(checkout / "compose.yaml", deploy / "compose.yaml")
    env = "BASE_DOMAIN=chat.example.net\n" + (f"NATS_AUTH_TOKEN={env_token}\n" if env_token else "")
    (deploy / ".env").write_text(env)
    result = run_cli("doctor", str(deploy), "--format", "json")
    row = _rows(result.stdout)["doctor-nats-auth"]
    assert row["status"] == status, row
    assert phrase in str(row["reason"])
    assert "0d9e8f7a6b5c" not in result.stdout and "another-token" not in result.stdout


def test_nats_without_auth_must_not_publish_its_client_port(tmp_path: Path, run_cli) -> None:
    """A fork's NATS published as "4223:4222" with no token: the in-network port 4222 is on the host."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.json").write_text(
        '{"services": {"nats": {"core_url": "nats://nats:4222", "jetstream_url": "nats://nats:4222"}}}'
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  fluxer_server:\n    image: fluxer-server:local\n"
        "  nats:\n    image: nats:2\n    command: ['-js']\n    ports: ['4223:4222']\n"
    )
    rows = _rows(run_cli("doctor", str(tmp_path), "--format", "json").stdout)
    assert rows["doctor-nats"]["status"] == "already-applied", rows["doctor-nats"]
    assert rows["doctor-nats-auth"]["status"] == "drifted"
    assert "compose.yaml:4:3: nats publishes its client port 4222 on the host without authentication" in str(
        rows["doctor-nats-auth"]["reason"])


def test_waiting_for_the_health_of_a_nats_without_healthcheck_is_found(tmp_path: Path, run_cli) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.json").write_text(
        '{"services": {"nats": {"core_url": "nats://nats:4222", "jetstream_url": "nats://nats:4222"}}}'
    )
    compose_file = ("services:\n  fluxer_server:\n    image: fluxer-server:local\n    depends_on:\n      nats:\n"
                    "        condition: service_healthy\n  nats:\n    image: nats:2\n    command: ['-js']\n")
    (tmp_path / "compose.yaml").write_text(compose_file)
    row = _rows(run_cli("doctor", str(tmp_path), "--format", "json").stdout)["doctor-nats"]
    assert row["status"] == "drifted"
    assert str(row["reason"]).count("fluxer_server waits for nats to be healthy, but nats has no healthcheck") == 1
    (tmp_path / "compose.yaml").write_text(compose_file + "    healthcheck:\n      test: ['CMD', 'true']\n")
    row = _rows(run_cli("doctor", str(tmp_path), "--format", "json").stdout)["doctor-nats"]
    assert row["status"] == "already-applied", row
