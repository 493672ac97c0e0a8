"""Command-line conventions: exit codes for gating, output levels, colour, the checkout root,
shell completion."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

DEPLOYMENTS = Path(__file__).resolve().parent / "data" / "deployments"


def test_check_exit_code_is_1_while_a_fix_is_pending_and_0_once_all_are_in(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    assert run_cli("check", str(tree)).exit_code == 0  # pending alone is not a failure by default
    pending = run_cli("check", str(tree), "--exit-code")
    assert pending.exit_code == 1, pending.output
    assert "pending" in pending.stdout
    assert run_cli("apply", str(tree)).exit_code == 0
    done = run_cli("check", str(tree), "--exit-code")
    assert done.exit_code == 0, done.output


def test_check_exit_code_counts_only_the_selected_fixes(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    assert run_cli("apply", str(tree), "--only", "rspack-cdn-endpoint").exit_code == 0
    assert run_cli("check", str(tree), "--exit-code", "--only", "rspack-cdn-endpoint").exit_code == 0
    assert run_cli("check", str(tree), "--exit-code", "--skip", "rspack-cdn-endpoint").exit_code == 1


def test_check_exit_code_keeps_2_for_errors(tmp_path: Path, run_cli) -> None:
    assert run_cli("check", str(tmp_path / "nope"), "--exit-code").exit_code == 2


def test_check_exit_code_is_1_on_drift(fixture_tree, run_cli) -> None:
    tree = fixture_tree("docker-no-app-build")
    assert run_cli("check", str(tree)).exit_code == 1
    assert run_cli("check", str(tree), "--exit-code").exit_code == 1


# -- the checkout root, found from a subdirectory ----------------------------------------------


def test_check_and_apply_from_a_subdirectory_work_on_the_checkout_root(fixture_tree, run_cli, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    monkeypatch.chdir(tree / "fluxer_app" / "src")
    found = run_cli("check", "--format", "json")
    assert found.exit_code == 0, found.output
    doc = json.loads(found.stdout)
    assert Path(doc["target"]).resolve() == tree.resolve() and doc["summary"]["pending"]
    dotted = json.loads(run_cli("check", ".", "--format", "json").stdout)
    assert dotted["target"] == os.path.join("..", "..") and dotted["summary"] == doc["summary"]
    assert run_cli("apply").exit_code == 0
    assert run_cli("check", "--exit-code").exit_code == 0


def test_the_search_stops_at_the_top_of_a_git_worktree(fixture_tree, run_cli, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    inner = tree / "vendor" / "other"
    (inner / ".git").mkdir(parents=True)
    (inner / "src").mkdir()
    monkeypatch.chdir(inner / "src")
    result = run_cli("check")
    assert result.exit_code == 2 and "not a Fluxer checkout" in result.stderr


def test_check_without_path_outside_a_checkout_says_so(tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 2 and "not a Fluxer checkout" in result.stderr


def test_doctor_from_a_subdirectory_checks_the_deployment_directory(tmp_path: Path, run_cli, monkeypatch) -> None:
    deployment = tmp_path / "srv"
    shutil.copytree(DEPLOYMENTS / "clean", deployment)
    for private in ("config/config.json", ".env"):
        (deployment / private).chmod(0o600)
    monkeypatch.chdir(deployment / "config")
    result = run_cli("doctor", "--format", "json")
    assert result.exit_code == 0, result.output
    assert Path(json.loads(result.stdout)["target"]).resolve() == deployment.resolve()
