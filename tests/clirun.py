"""Running the command line in-process: exit code, stdout and stderr apart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from fluxer_patcher.cli import cli


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="fluxer-patch")
    return Result(result.exit_code, result.stdout, result.stderr)
