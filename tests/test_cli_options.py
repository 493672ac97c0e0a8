"""Command-line conventions: exit codes for gating, output levels, colour, the checkout root,
shell completion."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


# -- output levels ----------------------------------------------------------------------------


def test_quiet_shows_only_rows_that_need_attention_and_the_summary(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    assert run_cli("apply", str(tree), "--skip", "rspack-cdn-endpoint").exit_code == 0
    quiet = run_cli("check", str(tree), "--quiet")
    lines = quiet.stdout.strip().splitlines()
    assert lines[0].startswith("STATUS") and lines[1].startswith("pending") and "rspack-cdn-endpoint" in lines[1]
    assert len(lines) == 4 and lines[3].endswith("already-applied")  # header, one row, blank, summary
    normal = run_cli("check", str(tree))
    assert "already-applied  sso-users-not-unclaimed" in normal.stdout


def test_quiet_apply_has_no_next_steps(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    out = run_cli("apply", str(tree), "-q").stdout
    assert "next:" not in out and out.strip().splitlines()[-1].endswith("applied")
    assert "docker build" in run_cli("apply", str(fixture_tree("guide-2026-02-26"))).stdout


def test_verbose_shows_what_each_step_matched_and_what_counted_as_present(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    pending = run_cli("check", str(tree), "--verbose", "--only", "sso-users-not-unclaimed").stdout
    step = r"\n    packages/api/src/models/User\.tsx: typescript/user-is-unclaimed\.scm: 1 target\(s\) at \S+:\d+:\d+"
    assert re.search(step, pending)
    assert "    add-logical-operand: 1 edit(s)" in pending
    assert run_cli("apply", str(tree)).exit_code == 0
    present = run_cli("check", str(tree), "-v", "--only", "sso-users-not-unclaimed").stdout
    assert "    already present (add-logical-operand found it)" in present


def test_verbose_names_a_present_query_as_its_step_line_does_not_by_where_it_is_installed(fixture_tree,
                                                                                        run_cli) -> None:
    out = run_cli("check", str(fixture_tree("fork-compose-own")), "-v", "--only", "livekit-webhook-api-key").stdout
    assert "already present (yaml/livekit-webhook-url.scm matched)" in out
    assert "/queries/" not in out


def test_quiet_and_verbose_exclude_each_other(fixture_tree, run_cli) -> None:
    result = run_cli("check", str(fixture_tree("refactor-2026-02")), "-q", "-v")
    assert result.exit_code == 2 and "--quiet and --verbose exclude each other" in result.stderr


def test_doctor_quiet_lists_problems_only(run_cli) -> None:
    out = run_cli("doctor", str(DEPLOYMENTS / "problems"), "--quiet").stdout
    rows = out.strip().splitlines()[1:-2]
    assert rows and all(r.split()[0] in {"problem", "missing", "error"} for r in rows), rows
    assert "advice:" not in out


# -- colour -----------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("mode", "env", "tty", "expected"), [
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),  # only a non-empty NO_COLOR counts
    ("auto", {"FORCE_COLOR": "1"}, False, True),
    ("auto", {"FORCE_COLOR": ""}, False, False),
    ("auto", {"TERM": "dumb"}, True, False),
    ("auto", {"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
])
def test_colour_conventions(mode: str, env: dict[str, str], tty: bool, expected: bool) -> None:
    from fluxer_patcher.report.style import use_colour

    stream = _Tty() if tty else io.StringIO()
    assert use_colour(stream, mode, env) is expected


def test_color_option_and_environment_reach_the_report(fixture_tree, run_cli, monkeypatch) -> None:
    tree = str(fixture_tree("refactor-2026-02"))
    assert "\x1b[" in run_cli("check", tree, "--color", "always").stdout
    assert "\x1b[" not in run_cli("check", tree).stdout  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run_cli("check", tree).stdout
    assert "\x1b[" not in run_cli("check", tree, "--color", "never").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("check", tree).stdout
    assert "\x1b[" in run_cli("doctor", str(DEPLOYMENTS / "problems"), "--color", "always").stdout


# -- shell completion -------------------------------------------------------------------------


def _complete(args: str, incomplete: str, monkeypatch) -> list[str]:
    from click.shell_completion import ShellComplete

    from fluxer_patcher.cli import cli

    monkeypatch.delenv("FLUXER_PATCH_CATALOGUE", raising=False)
    complete = ShellComplete(cli, {}, "fluxer-patch", "_FLUXER_PATCH_COMPLETE")
    return [item.value for item in complete.get_completions(args.split(), incomplete)]


def test_only_and_skip_complete_fix_ids(monkeypatch) -> None:
    from fluxer_patcher.app.catalogue import load_catalogue

    ids = load_catalogue().ids()
    assert _complete("check . --only", "", monkeypatch) == list(ids)
    assert _complete("apply --skip", "sso-", monkeypatch) == [i for i in ids if i.startswith("sso-")]
    assert _complete("drift --only", "rspack", monkeypatch) == ["rspack-cdn-endpoint"]


def test_the_completion_script_is_what_the_readme_documents() -> None:
    env = {**os.environ, "_FLUXER_PATCH_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-m", "fluxer_patcher"], env=env, capture_output=True, text=True)
    assert "_FLUXER_PATCH_COMPLETE=bash_complete" in script.stdout
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_FLUXER_PATCH_COMPLETE=bash_source fluxer-patch)"' in readme


def test_next_steps_say_how_to_set_the_base_domain_compose_now_requires(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    out = run_cli("apply", str(tree), "--base-domain", "chat.example.org").stdout
    assert "stops without BASE_DOMAIN" in out and '  echo BASE_DOMAIN="chat.example.org" >> .env' in out
    assert "  echo NATS_AUTH_TOKEN=<the NATS auth_token of config/config.json> >> .env" in out  # Compose needs both
    assert out.index("echo NATS_AUTH_TOKEN") < out.index("then `docker compose build`")
    assert "BASE_DOMAIN:?" in (tree / "compose.yaml").read_text(encoding="utf-8")
    placeholder = run_cli("apply", str(fixture_tree("guide-2026-02-26"))).stdout
    assert '  echo BASE_DOMAIN="<your domain>" >> .env' in placeholder


def test_next_steps_suggest_only_what_the_files_as_left_ask_for(fixture_tree, run_cli) -> None:
    """compose-build-server alone: the Dockerfile declares no BASE_DOMAIN (the fixes that add
    it did not run), so compose.yaml gets no required arg, and nothing tells to set one."""
    tree = fixture_tree("refactor-2026-02")
    out = run_cli("apply", str(tree), "--only", "compose-build-server").stdout
    assert "BASE_DOMAIN:?" not in (tree / "compose.yaml").read_text(encoding="utf-8")
    assert "stops without BASE_DOMAIN" not in out and "echo BASE_DOMAIN" not in out and "<your domain>" not in out
    assert "with Compose: compose.yaml now builds the image\n  then `docker compose build`\n" in out


def test_a_build_argument_is_suggested_only_where_the_dockerfile_declares_it() -> None:
    """A fork's own build config (no `ARG BASE_DOMAIN`): `docker build` gets no such argument."""
    from fluxer_patcher.app.catalogue import load_catalogue
    from fluxer_patcher.model import Outcome, PatchResult, Reason, ReasonKind
    from fluxer_patcher.report.nextsteps import lines

    patch = next(p for p in load_catalogue().patches if p.id == "app-build-config")
    done = [PatchResult(patch, Outcome.PRESENT, Reason(ReasonKind.ALREADY_PRESENT))]
    ours = b'FROM deps AS app-build\nARG BASE_DOMAIN="chat.example.com"\nARG FLUXER_CDN_ENDPOINT=""\n'
    theirs = b"FROM deps AS app-build\nCOPY config/config.json /app/config.json\n"
    both = lines(done, True, {}, {"fluxer_server/Dockerfile": ours})
    assert any("--build-arg BASE_DOMAIN=" in line for line in both)
    assert any("--build-arg FLUXER_CDN_ENDPOINT" in line for line in both)
    none = lines(done, True, {}, {"fluxer_server/Dockerfile": theirs})
    assert "  docker build \\" in none and not any("--build-arg" in line for line in none)
    assert not any("<your domain>" in line for line in none)  # no placeholder left to fill
    assert not any("--build-arg" in line for line in lines(done, True, {}, {}))  # not read: unknown


# -- --help -----------------------------------------------------------------------------------


def test_help_lists_every_command_with_its_whole_summary(run_cli) -> None:
    from fluxer_patcher.cli import cli

    listing = run_cli("--help").stdout.split("Commands:")[1].split("Exit codes")[0]
    assert "..." not in listing
    flat = "".join(listing.split())  # click wraps (and breaks words at hyphens)
    for name, command in cli.commands.items():  # type: ignore[attr-defined]
        summary = "".join((command.help or "").split("\n\n")[0].split())
        assert summary and summary in flat, name


def test_every_command_documents_exit_codes_and_environment(run_cli) -> None:
    from fluxer_patcher.cli import cli

    for name in cli.commands:  # type: ignore[attr-defined]
        out = run_cli(name, "--help").stdout
        assert "Exit codes: 0" in out and "FLUXER_PATCH_CATALOGUE" in out and "NO_COLOR" in out, name
