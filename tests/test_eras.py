"""When upstream moves on: fixes upstream made its own (`fixed-upstream`) and fixes whose
target is gone with its symptom (`obsolete`), on the later-layout miniature, as a work tree
and as a revision, and in drift over the restructuring commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from tests.gitrepos import History

FIXED_UPSTREAM = {
    "app-build-rust-toolchain", "dockerignore-build-inputs", "livekit-webhook-api-key", "compose-nats-services",
    "compose-build-server", "csp-allow-fluxerstatic", "sso-standalone-route", "sso-token-body-tostring",
    "sso-include-client-secret", "sso-users-not-unclaimed",
}
OBSOLETE = {
    "app-build-config", "rspack-cdn-endpoint", "config-static-dir", "config-nats-urls", "deps-package-list",
    "entrypoint-server-start", "config-sqlite-path-absolute", "admin-build-css", "docker-build-context",
}
STILL_NEEDED = {"sso-callback-clear-timeout"}  # at its new path, which its manifest declares
CALLBACK = "fluxer_app/src/features/auth/components/pages/SsoCallbackPage.tsx"


def _statuses(result) -> dict[str, tuple[str, str, str]]:
    doc = json.loads(result.stdout)
    return {p["id"]: (p["status"], p["reason_kind"], p["reason"]) for p in doc["patches"]}


def _expected(statuses: dict[str, tuple[str, str, str]]) -> None:
    guide_era = {p.id for p in load().patches if p.gotchas}
    by_status = {s: {i for i, (status, _, _) in statuses.items() if status == s and i in guide_era}
                 for s in ("fixed-upstream", "obsolete", "pending")}
    assert by_status == {"fixed-upstream": FIXED_UPSTREAM, "obsolete": OBSOLETE, "pending": STILL_NEEDED}
    for fix in FIXED_UPSTREAM | OBSOLETE:
        status, kind, reason = statuses[fix]
        assert kind == status and reason, fix
    assert "fluxer_api/src/api/models/User.ts:" in statuses["sso-users-not-unclaimed"][2]
    assert "no `FLUXER_CONFIG` in" in statuses["app-build-config"][2]


def test_the_later_layout_reports_retirements_and_what_is_still_needed(fixture_tree, run_cli) -> None:
    tree = fixture_tree("later-layout")
    result = run_cli("check", str(tree), "--format", "json")
    assert result.exit_code == 0, result.output  # retirements are success
    _expected(_statuses(result))
    text = run_cli("check", str(tree)).stdout
    assert "retire: upstream fixed these its own way" in text and "obsolete: app-build-config" in text


def test_apply_edits_only_the_fix_still_needed_at_its_declared_new_path(fixture_tree, run_cli) -> None:
    tree = fixture_tree("later-layout")
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    result = run_cli("apply", str(tree), "--format", "json")
    assert result.exit_code == 0, result.output
    changed = {str(p.relative_to(tree)) for p, data in before.items() if p.read_bytes() != data}
    assert changed == {CALLBACK}
    assert (tree / CALLBACK).read_text().count("clearTimeout(timeoutId);") > 1
    # the token body is left alone: the HTTP client serialises URLSearchParams itself
    assert "toString" not in (tree / "fluxer_api/src/api/auth/services/SsoService.ts").read_text()


def test_a_revision_says_what_the_work_tree_says(tmp_path: Path, fixture_tree, run_cli) -> None:
    history = History(tmp_path / "up")
    history.shape("later-layout")
    rev = run_cli("check", "--repo", str(history.path), "--rev", "HEAD", "--format", "json")
    tree = run_cli("check", str(fixture_tree("later-layout")), "--format", "json")
    assert _statuses(rev) == _statuses(tree)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_drift_dates_each_retirement_at_the_restructuring_commit(tmp_path: Path, run_cli, fmt: str) -> None:
    history = History(tmp_path / "up")
    base = history.shape("refactor-2026-02")
    restructure = history.shape("later-layout", "workspace: reconcile the later layout")
    result = run_cli("drift", "--repo", str(history.path), "--since", base, "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "text":
        assert f"sso-users-not-unclaimed: fixed upstream in {restructure[:10]}" in out
        assert f"app-build-config: obsolete since {restructure[:10]}" in out
        assert "pending -> fixed-upstream" in out and "pending -> obsolete" in out
    else:
        assert "### Patches to retire" in out and "retire this patch" in out
        assert "fixed upstream in" in out and "obsolete since" in out


def test_a_partial_tree_is_never_taken_for_the_later_layout(tmp_path: Path, run_cli) -> None:
    """No per-service image, no later layout: a missing config template is drift, not obsolete."""
    (tmp_path / "fluxer_app").mkdir()
    (tmp_path / "fluxer_app" / "package.json").write_text("{}\n")
    (tmp_path / "fluxer_app" / "rspack.config.mjs").write_text("export default () => ({});\n")
    result = run_cli("check", str(tmp_path), "--only", "config-static-dir", "--format", "json")
    status, kind, _ = _statuses(result)["config-static-dir"]
    assert status == "drifted" and kind in ("file-missing", "removed-upstream")


def test_the_refactor_branch_never_retires_a_fix(fixture_tree, run_cli) -> None:
    """The refactor branch has fluxer_app_proxy/ and fluxer_api/ too: only the later layout's own
    marks (deploy/self-hosting/…) make a tree the later layout, before and after the fixes."""
    tree = fixture_tree("refactor-2026-02")
    for _ in range(2):
        statuses = {s for s, _, _ in _statuses(run_cli("apply", str(tree), "--format", "json")).values()}
        assert statuses <= {"applied", "already-applied"}, statuses


def test_a_later_layout_fork_without_the_service_a_fix_guards_retires_that_fix(fixture_tree, run_cli) -> None:
    """A fork of the later layout that removed Bluesky OAuth: nothing to guard (obsolete, the
    word's absence the evidence), not drift; upstream's own layout still counts as fixed."""
    tree = fixture_tree("later-layout")
    fix = "bluesky-oauth-needs-keys"
    assert _statuses(run_cli("check", str(tree), "--only", fix, "--format", "json"))[fix][0] == "fixed-upstream"
    (tree / "fluxer_api/src/api/middleware/ServiceRegistry.ts").unlink()
    status, kind, reason = _statuses(run_cli("check", str(tree), "--only", fix, "--format", "json"))[fix]
    assert (status, kind) == ("obsolete", "obsolete") and "BlueskyOAuthService" in reason


def test_a_later_layout_nats_image_given_by_a_variable_is_upstreams_nats(fixture_tree, run_cli) -> None:
    tree = fixture_tree("later-layout")
    compose = tree / "deploy/self-hosting/docker-compose.yml"
    text = compose.read_text().replace("image: nats:2.14-alpine", "image: ${FLUXER_NATS_IMAGE:-nats:2.14-alpine}")
    compose.write_text(text)
    fix = "compose-nats-services"
    assert _statuses(run_cli("check", str(tree), "--only", fix, "--format", "json"))[fix][0] == "fixed-upstream"


def test_a_later_layout_fork_that_builds_its_images_from_source_needs_no_build_section_added(fixture_tree,
                                                                                              run_cli) -> None:
    tree = fixture_tree("later-layout")
    compose = tree / "deploy/self-hosting/docker-compose.yml"
    own = "image: fluxer-api:local\n    build:\n      context: ../..\n      dockerfile: fluxer_api/Dockerfile"
    compose.write_text(compose.read_text().replace(
        "image: ${FLUXER_REGISTRY:-ghcr.io/fluxerapp}/fluxer-api:${FLUXER_IMAGE_TAG:-v1}", own))
    fix = "compose-build-server"
    status, _, reason = _statuses(run_cli("check", str(tree), "--only", fix, "--format", "json"))[fix]
    assert status == "fixed-upstream" and "builds the Fluxer images from their Dockerfiles" in reason


def test_a_later_layout_livekit_config_given_inline_in_the_compose_file_counts(fixture_tree, run_cli) -> None:
    tree = fixture_tree("later-layout")
    (tree / "deploy/self-hosting/livekit.yaml").unlink()
    compose = tree / "deploy/self-hosting/docker-compose.yml"
    inline = ("  livekit:\n    image: livekit/livekit-server:v1\n    environment:\n      LIVEKIT_CONFIG: |\n"
              "        port: 7880\n        webhook:\n          api_key: ${LIVEKIT_API_KEY}\n"
              "          urls:\n            - http://api:8080/webhooks/livekit\n")
    compose.write_text(compose.read_text() + inline)
    fix = "livekit-webhook-api-key"
    status, _, reason = _statuses(run_cli("check", str(tree), "--only", fix, "--format", "json"))[fix]
    assert status == "fixed-upstream" and "inline in the self-hosting compose file" in reason
