"""The README's usage stays true to the CLI: every `fluxer-patch` command line in its shell
blocks names an existing command and options that command parses."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from fluxer_patcher.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def command_lines() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line)  # a trailing comment
            line = re.sub(r"<[^>]*>", "X", line).replace("[", "").replace("]", "")  # placeholders, optional parts
            tokens = shlex.split(line)
            for i, token in enumerate(tokens):
                if token.endswith("fluxer-patch"):
                    args = []
                    for arg in tokens[i + 1 :]:
                        if arg in ("&&", "|", ";"):
                            break
                        args.append(arg)
                    found.append(args)
    return found


def test_the_readme_shows_commands() -> None:
    names = {args[0] for args in command_lines()}
    assert {"apply", "check", "list", "drift", "doctor", "branch", "export"} <= names


@pytest.mark.parametrize("args", command_lines(), ids=lambda a: " ".join(a))
def test_readme_command_parses(args: list[str]) -> None:
    assert isinstance(cli, click.Group)
    command = cli.commands.get(args[0])
    assert command is not None, f"fluxer-patch has no command {args[0]!r}"
    with command.make_context(f"fluxer-patch {args[0]}", list(args[1:]), resilient_parsing=False):
        pass
