"""The composite action, run step by step as the runner would: inputs reach the scripts through
``env``, outputs through ``$GITHUB_OUTPUT``; upstream is a local repository grown from fixtures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.gitrepos import History, git
from tests.gitrepos import hermetic_git as hermetic_git

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
pytestmark = pytest.mark.usefixtures("hermetic_git")


def _outputs(text: str) -> dict[str, str]:
    """``$GITHUB_OUTPUT`` as the runner reads it: ``k=v`` lines and ``k<<DELIM`` blocks."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            out[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
    return out


def run_action(workspace: Path, **given: str) -> tuple[dict[str, str], list[subprocess.CompletedProcess[str]]]:
    """Run action.yml's steps in ``workspace`` with the inputs ``given`` (``-`` for ``_``)."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    steps: dict[str, dict[str, str]] = {}
    bin_dir = str(Path(sys.executable).parent)  # this environment's fluxer-patch

    def value(expression: str) -> str:
        scope, _, rest = expression.partition(".")
        if scope == "inputs":
            return inputs[rest]
        if scope == "github" and rest == "action_path":
            return str(ROOT)
        if scope == "steps":
            step, _, output = rest.partition(".outputs.")
            return steps.get(step, {}).get(output, "")
        raise AssertionError(f"expression not supported by this runner: {expression}")

    def evaluate(text: str) -> str:
        return _EXPR.sub(lambda m: value(m.group(1)), text)

    def condition(text: str) -> bool:
        match = re.fullmatch(r"(\S+) == '([^']*)'", text.strip())
        assert match, f"condition not supported by this runner: {text}"
        return value(match.group(1)) == match.group(2)

    done = []
    paths = workspace / ".github-path"  # $GITHUB_PATH: directories later steps find commands in
    paths.write_text("")
    for index, step in enumerate(ACTION["runs"]["steps"]):
        if "if" in step and not condition(step["if"]):
            continue
        output = workspace / f".output-{index}"
        output.write_text("")
        added = [line for line in reversed(paths.read_text().splitlines()) if line]
        search = os.pathsep.join([*added, bin_dir, os.environ["PATH"]])
        env = {**os.environ, "PATH": search, "GITHUB_OUTPUT": str(output), "GITHUB_PATH": str(paths),
               **{k: evaluate(str(v)) for k, v in step.get("env", {}).items()}}
        env.pop("FLUXER_PATCH_CATALOGUE", None)
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=workspace, env=env,
                              capture_output=True, text=True, timeout=300)
        done.append(proc)
        if proc.returncode != 0:
            return {}, done
        if "id" in step:
            steps[step["id"]] = _outputs(output.read_text())
    return {name: evaluate(spec["value"]) for name, spec in ACTION["outputs"].items()}, done


@pytest.fixture
def upstream(tmp_path: Path) -> tuple[Path, list[str]]:
    """A `refactor` branch: the fixture shape, unrelated commits, then a later shape where fixes drift."""
    history = History(tmp_path / "upstream", branch="refactor")
    good = [history.shape("refactor-2026-02"), *history.unrelated(2)]
    history.shape("upstream-later", "restructure")
    return history.path, good


def test_drift_mode_reports_the_drift_and_its_markdown(tmp_path: Path, upstream: tuple[Path, list[str]]) -> None:
    repo, _ = upstream
    workspace = tmp_path / "ws"
    workspace.mkdir()
    outputs, done = run_action(workspace, upstream_repo=str(repo), install="false")
    assert outputs, done[-1].stderr
    assert outputs["status"] == "drifted" and outputs["drifted"] == "true"
    assert outputs["head"] == git(repo, "rev-parse", "refactor")
    assert outputs["markdown"] == Path(outputs["markdown-file"]).read_text(encoding="utf-8").rstrip("\n")
    assert "drifted" in outputs["markdown"] and "restructure" in outputs["markdown"]
    assert '"status": "drifted"' in Path(outputs["json-file"]).read_text(encoding="utf-8")


def test_drift_mode_since_the_last_good_commit(tmp_path: Path, upstream: tuple[Path, list[str]]) -> None:
    repo, good = upstream
    workspace = tmp_path / "ws"
    workspace.mkdir()
    outputs, done = run_action(workspace, upstream_repo=str(repo), install="false", since=good[-1])
    assert outputs["status"] == "drifted", done[-1].stderr
    assert '"commits": 1' in Path(outputs["json-file"]).read_text(encoding="utf-8")


def test_drift_mode_on_a_good_head_is_ok(tmp_path: Path) -> None:
    history = History(tmp_path / "upstream", branch="refactor")
    history.shape("refactor-2026-02")
    history.unrelated(1)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    outputs, done = run_action(workspace, upstream_repo=str(history.path), install="false")
    assert outputs["status"] == "ok" and outputs["drifted"] == "false", done[-1].stderr


def test_branch_mode_builds_the_patched_branch(tmp_path: Path) -> None:
    history = History(tmp_path / "upstream", branch="refactor")
    head = history.shape("refactor-2026-02")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    outputs, done = run_action(workspace, upstream_repo=str(history.path), install="false", mode="branch")
    assert outputs["status"] == "ok", done[-1].stderr
    git_dir = outputs["git-dir"]
    assert git(git_dir, "rev-parse", "refs/heads/selfhost") == outputs["branch-commit"]
    assert git(git_dir, "merge-base", "--is-ancestor", head, outputs["branch-commit"]) == ""
    assert "pending" in outputs["markdown"]  # check --rev of the upstream head: what the branch adds


@pytest.mark.parametrize(("given", "message"), [
    ({"mode": "both"}, "mode must be drift or branch"),
    ({"last": "ten"}, "last must be a number"),
    ({"upstream_repo": "fluxer"}, "upstream-repo must be owner/name"),
])
def test_bad_inputs_stop_with_an_error(tmp_path: Path, given: dict[str, Any], message: str) -> None:
    outputs, done = run_action(tmp_path, install="false", **given)
    assert outputs == {} and done[-1].returncode == 2
    assert message in done[-1].stdout


@pytest.mark.dist
def test_the_action_installs_fluxer_patch_into_a_venv_of_its_own(tmp_path: Path) -> None:
    history = History(tmp_path / "upstream", branch="refactor")
    history.shape("refactor-2026-02")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    outputs, done = run_action(workspace, upstream_repo=str(history.path))
    if not outputs and re.search(r"No matching distribution|Could not find a version", done[-1].stderr):
        pytest.skip("no package index for the action's venv")
    assert outputs["status"] == "ok", done[-1].stdout + done[-1].stderr
    assert (workspace / ".fluxer-patch" / "venv" / "bin" / "fluxer-patch").is_file()
    assert str(workspace / ".fluxer-patch" / "venv" / "bin") in (workspace / ".github-path").read_text()
