"""The command line: statuses, exit codes, what is (not) written, report formats, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.model import ReasonKind, Status
from tests.conftest import snapshot
from tests.gitrepos import git

IDS = [p.id for p in load().select()]  # what `apply` runs: the default fixes
ALL_IDS = load().ids()  # the catalogue, optional fixes included
# Checks (the build-context check) never edit: when they pass they are already-applied.
CHECKS = {p.id for p in load().patches if p.verifies_only}
SSO_SERVICE = "packages/api/src/auth/services/SsoService.tsx"
USER = "packages/api/src/models/User.tsx"


def _json(output: str) -> dict:
    return json.loads(output)


def test_apply_then_apply_again_changes_nothing(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    first = run_cli("apply", str(tree), "--format", "json")
    assert first.exit_code == 0, first.output
    rows = _json(first.stdout)["patches"]
    assert {p["status"] for p in rows if p["id"] not in CHECKS} == {"applied"}
    assert {p["status"] for p in rows if p["id"] in CHECKS} == {"already-applied"}
    after_first = snapshot(tree)

    second = run_cli("apply", str(tree), "--format", "json")
    assert second.exit_code == 0
    doc = _json(second.stdout)
    assert {p["status"] for p in doc["patches"]} == {"already-applied"}
    assert doc["summary"]["already-applied"] == len(IDS)
    assert snapshot(tree) == after_first


def test_apply_result_matches_the_golden_diffs(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    dry = run_cli("apply", str(tree), "--dry-run")
    assert run_cli("apply", str(tree)).exit_code == 0
    # The dry-run diff is exactly the change apply made.
    original = Path(__file__).resolve().parent.parent / "upstream-fixtures" / "refactor-2026-02" / USER
    assert "+\t\treturn this.passwordHash === null && !this.isBot && !this._traits.has('sso');" in dry.stdout
    assert (tree / USER).read_bytes() != original.read_bytes()


def test_check_and_dry_run_write_nothing(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    before = snapshot(tree)
    check = run_cli("check", str(tree), "--format", "json")
    assert check.exit_code == 0
    assert {p["status"] for p in _json(check.stdout)["patches"] if p["id"] not in CHECKS} == {"pending"}
    dry = run_cli("apply", str(tree), "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.startswith("--- a/fluxer_server/Dockerfile\n+++ b/fluxer_server/Dockerfile\n")
    assert "pending" in dry.stderr and "STATUS" not in dry.stdout
    dry_json = run_cli("apply", str(tree), "--dry-run", "--format", "json")
    rows = [row for row in _json(dry_json.stdout)["patches"] if row["id"] not in CHECKS]
    assert all(row["status"] == "pending" and row["diff"].startswith("--- a/") for row in rows)
    assert snapshot(tree) == before


def test_json_report_schema(fixture_tree, run_cli) -> None:
    tree = fixture_tree("upstream-later")
    result = run_cli("check", str(tree), "--format", "json")
    doc = _json(result.stdout)
    assert set(doc) == {"tool", "version", "target", "patches", "summary"}
    assert doc["tool"] == "fluxer-patch" and doc["target"] == str(tree)
    assert list(doc["summary"]) == list([s.value for s in Status])
    assert [p["id"] for p in doc["patches"]] == IDS
    for row in doc["patches"]:
        assert set(row) == {"id", "gotchas", "refs", "status", "files", "reason", "reason_kind"}
        assert row["status"] in [s.value for s in Status]
        assert row["reason_kind"] in {k.value for k in ReasonKind}
        assert all(isinstance(g, int) for g in row["gotchas"]) and row["files"]
    assert sum(doc["summary"].values()) == len(IDS)


def test_drift_exits_1_and_says_what_to_do(fixture_tree, run_cli) -> None:
    tree = fixture_tree("upstream-later")
    result = run_cli("apply", str(tree))
    assert result.exit_code == 1
    assert "drifted" in result.stdout and "rspack-cdn-endpoint" in result.stdout
    assert "CDN_ENDPOINT_declaration not found" in result.stdout
    assert "next:" in result.stdout and "Step 4e" in result.stdout
    # The fixes that still match were applied; the SSO-user fix was already upstream.
    statuses = {p["id"]: p["status"] for p in _json(run_cli("check", str(tree), "--format", "json").stdout)["patches"]}
    assert statuses["sso-users-not-unclaimed"] == "already-applied"
    assert statuses["csp-allow-fluxerstatic"] == "already-applied"


def test_hand_patched_fork_is_completed_not_doubled(fixture_tree, run_cli) -> None:
    tree = fixture_tree("fork-hand-patched")
    result = run_cli("apply", str(tree), "--format", "json")
    statuses = {p["id"]: p["status"] for p in _json(result.stdout)["patches"]}
    assert statuses == {
        "app-build-rust-toolchain": "already-applied",
        "dockerignore-build-inputs": "already-applied",
        "app-build-config": "applied",  # only `pnpm lingui:compile` was missing
        "deps-package-list": "already-applied",  # same set, appended in another order
        "entrypoint-server-start": "already-applied",
        "admin-build-css": "already-applied",
        "docker-build-context": "already-applied",
        "rspack-cdn-endpoint": "applied",  # applied twice by hand: the nested copy collapsed
        "csp-allow-fluxerstatic": "applied",
        "sso-standalone-route": "already-applied",
        "sso-token-body-tostring": "applied",
        "sso-include-client-secret": "already-applied",
        "sso-callback-clear-timeout": "applied",
        "sso-users-not-unclaimed": "already-applied",
        "config-static-dir": "already-applied",
        "livekit-webhook-api-key": "applied",
        "compose-nats-services": "applied",
        "config-nats-urls": "already-applied",
        "compose-build-server": "applied",
        "config-sqlite-path-absolute": "already-applied",
        "dockerignore-lockfiles": "already-applied",
        "gateway-circuit-breaker-error": "already-applied",  # `{ message: "…" }` by hand
        "bluesky-oauth-needs-keys": "already-applied",  # no keys: the else of a nested if creates it
        "media-content-length-once": "drifted",  # the lockfile bumped by hand, the catalog not
        "gateway-guild-call-any-reply": "already-applied",  # a catch-all clause of its own
        "gateway-voice-registry-owner": "applied",
    }
    text = (tree / SSO_SERVICE).read_text()
    assert text.count(".toString();") == 2  # the fork's wrong one stays, the right one is added
    assert "\t\t}).toString();\n\t\tconst encoded" in text
    assert (tree / "fluxer_server/src/ServiceInitializer.tsx").read_text().count("fluxerstatic.com") == 3
    dockerfile = (tree / "fluxer_server/Dockerfile").read_text()
    assert dockerfile.count("cargo install wasm-pack") == dockerfile.count("ENV FLUXER_CONFIG=") == 1
    assert "RUN cd fluxer_app && pnpm lingui:compile && pnpm build\n" in dockerfile


def test_only_and_skip(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    only = _json(run_cli("check", str(tree), "--only", "sso-users-not-unclaimed", "--format", "json").stdout)
    assert [p["id"] for p in only["patches"]] == ["sso-users-not-unclaimed"]
    skip = _json(run_cli("check", str(tree), "--skip", "sso-users-not-unclaimed", "--format", "json").stdout)
    assert "sso-users-not-unclaimed" not in [p["id"] for p in skip["patches"]]
    assert len(skip["patches"]) == len(IDS) - 1


def test_all_or_nothing_when_a_fix_errors(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    broken = tree / USER
    broken.write_text(broken.read_text().replace("isUnclaimedAccount(): boolean {", "isUnclaimedAccount(): boolean {{"))
    before = snapshot(tree)
    result = run_cli("apply", str(tree))
    assert result.exit_code == 2
    assert "error" in result.stdout and "syntax errors before patching" in result.stdout
    assert "nothing was written" in result.stdout
    assert snapshot(tree) == before


def test_crlf_files_keep_crlf(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    for rel in (USER, "fluxer_app/src/router/components/RootComponent.tsx",
                "fluxer_app/src/components/pages/SsoCallbackPage.tsx"):
        path = tree / rel
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert run_cli("apply", str(tree)).exit_code == 0
    for rel in (USER, "fluxer_app/src/router/components/RootComponent.tsx",
                "fluxer_app/src/components/pages/SsoCallbackPage.tsx"):
        data = (tree / rel).read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), rel
    callback = (tree / "fluxer_app/src/components/pages/SsoCallbackPage.tsx").read_bytes()
    assert b"clearTimeout(timeoutId);\r\n" in callback
    assert run_cli("check", str(tree)).exit_code == 0


def test_file_mode_and_missing_trailing_newline_are_kept(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    user = tree / USER
    user.write_bytes(user.read_bytes().rstrip(b"\n"))
    user.chmod(0o755)
    assert run_cli("apply", str(tree)).exit_code == 0
    assert user.stat().st_mode & 0o777 == 0o755
    assert user.read_bytes().endswith(b"}") and b"_traits.has('sso')" in user.read_bytes()


def test_symlink_leading_outside_is_refused(fixture_tree, run_cli, tmp_path: Path) -> None:
    tree = fixture_tree("refactor-2026-02")
    outside = tmp_path / "elsewhere.tsx"
    outside.write_bytes((tree / USER).read_bytes())
    (tree / USER).unlink()
    (tree / USER).symlink_to(outside)
    before = outside.read_bytes()
    result = run_cli("apply", str(tree), "--format", "json")
    assert result.exit_code == 2
    row = next(p for p in _json(result.stdout)["patches"] if p["id"] == "sso-users-not-unclaimed")
    assert row["status"] == "error" and "outside the tree" in row["reason"]
    assert outside.read_bytes() == before


def test_symlink_inside_the_tree_is_written_through(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    real = tree / "packages/api/src/models/UserModel.tsx"
    (tree / USER).rename(real)
    (tree / USER).symlink_to("UserModel.tsx")
    assert run_cli("apply", str(tree)).exit_code == 0
    assert (tree / USER).is_symlink()
    assert b"_traits.has('sso')" in real.read_bytes()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "no such directory"),
        (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "not a directory"),
        (lambda p: (p / "empty").mkdir(exist_ok=True) or p / "empty", "not a Fluxer checkout"),
    ],
)
def test_bad_path_is_one_line_exit_2(tmp_path: Path, run_cli, make, message: str) -> None:
    for command in ("apply", "check"):
        result = run_cli(command, str(make(tmp_path)))
        assert result.exit_code == 2
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output


def test_non_utf8_target_is_bad_input(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    (tree / USER).write_bytes(b"export class User {}\n\xff\xfe\n")
    before = snapshot(tree)
    result = run_cli("apply", str(tree))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"fluxer-patch: {USER}: not UTF-8 text (byte 0xff at offset 21)"
    assert snapshot(tree) == before


def test_unknown_fix_id_and_option_are_usage_errors(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    unknown = run_cli("apply", str(tree), "--only", "no-such-fix")
    assert unknown.exit_code == 2 and "unknown fix id 'no-such-fix'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
    bad_option = run_cli("apply", str(tree), "--frobnicate")
    assert bad_option.exit_code == 2 and len(bad_option.stderr.strip().splitlines()) == 1


def test_colour_only_on_a_tty_and_never_with_no_color(fixture_tree) -> None:
    from fluxer_patcher.report.run import RunReport
    from fluxer_patcher.report.text import run_text
    from fluxer_patcher.source import WorkTree
    from tests.primitive_case import engine as Engine

    results = Engine(WorkTree(fixture_tree("refactor-2026-02"))).run(load().patches)
    report = RunReport("t", results, written=False)
    assert "\x1b[" in run_text(report, colour=True)
    assert "\x1b[" not in run_text(report, colour=False)

    class Tty:
        def isatty(self) -> bool:
            return True

    from fluxer_patcher.report.style import use_colour

    os.environ.pop("NO_COLOR", None)
    assert use_colour(Tty())  # type: ignore[arg-type]
    os.environ["NO_COLOR"] = "1"
    try:
        assert not use_colour(Tty())  # type: ignore[arg-type]
    finally:
        del os.environ["NO_COLOR"]


def test_local_changes_are_named(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "upstream"]):
        git(tree, *args)
    (tree / USER).write_text((tree / USER).read_text() + "// local note\n")
    text = run_cli("check", str(tree))
    assert f"local changes before this run: {USER}\n" in text.stdout
    result = run_cli("apply", str(tree), "--format", "json")
    assert _json(result.stdout)["local_changes"] == [USER]


def test_list_shows_the_catalogue(run_cli) -> None:
    result = run_cli("list")
    assert result.exit_code == 0
    for patch_id in ALL_IDS:
        assert patch_id in result.stdout
    doc = _json(run_cli("list", "--format", "json").stdout)
    assert [p["id"] for p in doc["patches"]] == ALL_IDS


def test_console_script_runs_as_a_process(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    proc = subprocess.run([sys.executable, "-m", "fluxer_patcher", "check", str(tree / "nope")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr == f"fluxer-patch: {tree / 'nope'}: no such directory\n"


def test_docker_build_command_after_the_docker_fixes(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    dry = run_cli("apply", str(tree), "--dry-run")
    assert "docker build" not in dry.stderr  # nothing written yet: no build to suggest
    result = run_cli("apply", str(tree), "--base-domain", "chat.fluxer.example.org")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("next: build the image from the checkout's root (step 5 of the guide):")
    assert lines[start + 1 :] == [
        "  docker build \\",
        "    -t fluxer-server:local \\",
        '    --build-arg BASE_DOMAIN="chat.fluxer.example.org" \\',
        '    --build-arg FLUXER_CDN_ENDPOINT="" \\',
        "    -f fluxer_server/Dockerfile .",
        "or with Compose, whose compose.yaml now builds the image and stops without BASE_DOMAIN: "
        "set it in the .env beside it,",
        '  echo BASE_DOMAIN="chat.fluxer.example.org" >> .env',
        "  echo NATS_AUTH_TOKEN=<the NATS auth_token of config/config.json> >> .env   (its NATS stops without it too)",
        "  then `docker compose build` (or `BASE_DOMAIN=... docker compose build` for one run)",
    ]
    assert 'ARG BASE_DOMAIN="chat.example.com"' in (tree / "fluxer_server/Dockerfile").read_text()
    again = _json(run_cli("check", str(tree), "--format", "json").stdout)
    assert '    --build-arg BASE_DOMAIN="<your domain>" \\' in again["next_steps"]


def test_no_docker_build_command_while_a_docker_fix_drifts(fixture_tree, run_cli) -> None:
    tree = fixture_tree("docker-no-app-build")
    result = run_cli("apply", str(tree), "--base-domain", "chat.fluxer.example.org")
    assert result.exit_code == 1
    assert "docker build" not in result.stdout


@pytest.mark.parametrize("domain", ["chat example.org", 'x";rm -rf /', "-x.org", ""])
def test_bad_base_domain_is_a_usage_error(fixture_tree, run_cli, domain: str) -> None:
    tree = fixture_tree("refactor-2026-02")
    before = snapshot(tree)
    result = run_cli("apply", str(tree), "--base-domain", domain)
    assert result.exit_code == 2
    assert result.stderr.startswith("fluxer-patch: --base-domain") and result.stderr.count("\n") == 1
    assert snapshot(tree) == before


def test_build_context_violation_names_the_pattern(fixture_tree, run_cli) -> None:
    tree = fixture_tree("docker-context-ignored")
    result = run_cli("check", str(tree), "--only", "docker-build-context")
    assert result.exit_code == 1
    assert "config/config.production.template.json is excluded by .dockerignore:5 `config`" in result.stdout
    assert "next: these checks found what would break the build" in result.stdout


def test_check_leaves_the_index_alone(fixture_tree, run_cli) -> None:
    """A read-only command never rewrites .git/index (git status refreshes stale entries unless
    told not to take optional locks)."""
    import time

    tree = fixture_tree("refactor-2026-02")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "upstream"]):
        git(tree, *args)
    index = (tree / ".git" / "index").read_bytes()
    time.sleep(1.1)
    (tree / USER).touch()  # same content, newer mtime: a stale index entry
    assert run_cli("check", str(tree)).exit_code == 0
    assert (tree / ".git" / "index").read_bytes() == index


@pytest.mark.parametrize("command", ["apply", "check", "doctor"])
def test_an_empty_path_is_bad_input_not_the_current_directory(run_cli, command: str) -> None:
    result = run_cli(command, "")
    assert result.exit_code == 2
    assert result.stderr.startswith("fluxer-patch: ") and "is empty" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_only_and_skip_of_one_fix_is_a_usage_error(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    result = run_cli("check", str(tree), "--only", "config-static-dir", "--skip", "config-static-dir")
    assert result.exit_code == 2 and "cannot be both run and left out" in result.stderr
