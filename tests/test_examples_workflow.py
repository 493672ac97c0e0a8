"""The example nightly workflow: every fluxer-patch command it runs exists with those options."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from fluxer_patcher.cli import cli

WORKFLOW = Path(__file__).resolve().parent.parent / "examples" / "nightly-drift.yml"
_OPERATORS = set("|&;<>()")


def load() -> dict[Any, Any]:
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def steps() -> list[dict[str, Any]]:
    return [step for job in load()["jobs"].values() for step in job["steps"]]


def invocations() -> list[list[str]]:
    """The argument lists of every `fluxer-patch ...` command in the workflow's scripts."""
    found = []
    for step in steps():
        script = step.get("run", "").replace("\\\n", " ")
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


def test_the_workflow_runs_nightly_and_on_demand() -> None:
    doc = load()
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    assert "fluxerapp/fluxer" in doc["env"]["UPSTREAM_URL"]


def test_the_workflow_drifts_uploads_and_reports() -> None:
    commands = [args[0] for args in invocations()]
    assert "drift" in commands
    formats = {args[args.index("--format") + 1] for args in invocations() if args[0] == "drift"}
    assert formats == {"json", "markdown"}
    uses = {step.get("uses", "").split("@")[0]: step for step in steps()}
    assert "drift.json" in uses["actions/upload-artifact"]["with"]["path"]
    issue = next(s for s in steps() if "gh issue create" in s.get("run", ""))
    assert "gh issue edit" in issue["run"] and "--body-file drift.md" in issue["run"]


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
