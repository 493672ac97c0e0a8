"""Command-line conventions: exit codes for gating, output levels, colour, the checkout root,
shell completion."""

from __future__ import annotations

from pathlib import Path


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
