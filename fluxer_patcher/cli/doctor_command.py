"""``doctor``: check a self-hoster's deployment directory."""

from __future__ import annotations

from pathlib import Path

import click

from fluxer_patcher.cli.main import cli
from fluxer_patcher.cli.options import DirectoryPath, output_options, report_format_option


@cli.command()
@click.argument("path", type=DirectoryPath(), required=False)
@click.option(
    "--compose", "compose_file", metavar="FILE", default=None,
    help="The Compose file, relative to PATH (default: the first of compose.yaml, compose.yml, "
    "docker-compose.yaml, docker-compose.yml).",
)
@report_format_option
@output_options
def doctor(path: Path | None, compose_file: str | None, fmt: str) -> int:
    """Check a deployment directory (config/config.json, config/livekit.yaml, a Compose file,
    .env) for the guide's pitfalls, without changing anything.

    PATH defaults to the deployment directory the current directory is in.  Each check is
    ok, a problem, or missing (a file it needs does not exist); exit 1 on a problem or a
    missing file, 2 when a file cannot be read or parsed."""
    from fluxer_patcher.app.deployment import deployment_root
    from fluxer_patcher.app.deployment import doctor as run_doctor
    from fluxer_patcher.report import emit_doctor

    outcome = run_doctor(deployment_root(path), compose_file)
    emit_doctor(outcome.target, outcome.findings, outcome.advice, fmt)
    return outcome.exit_code()
