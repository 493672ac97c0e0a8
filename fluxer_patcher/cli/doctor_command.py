"""``doctor``: check a self-hoster's deployment directory."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fluxer_patcher.cli.app import InputProblem, cli
from fluxer_patcher.cli.options import report_format_option


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--compose", "compose_file", metavar="FILE", default=None,
    help="The Compose file, relative to PATH (default: the first of compose.yaml, compose.yml, "
    "docker-compose.yaml, docker-compose.yml).",
)
@report_format_option
def doctor(path: Path, compose_file: str | None, fmt: str) -> int:
    """Check a deployment directory (config/config.json, config/livekit.yaml, a Compose file,
    .env) for the guide's pitfalls, without changing anything."""
    from fluxer_patcher import doctor as checks
    from fluxer_patcher.report import exit_code_of, use_colour

    if not path.exists():
        raise InputProblem(f"{path}: no such directory")
    if not path.is_dir():
        raise InputProblem(f"{path}: not a directory (give the directory holding config/ and the Compose file)")
    if compose_file is not None and not (path / compose_file).is_file():
        raise InputProblem(f"{path / compose_file}: no such Compose file")
    deployment = checks.Deployment(path, compose_file)
    if not deployment.present():
        raise InputProblem(
            f"{path}: not a Fluxer deployment directory (none of {checks.CONFIG}, {checks.LIVEKIT}, "
            f"{deployment.compose_file}, {checks.ENV})"
        )
    try:
        findings = checks.run(deployment)
    except checks.Malformed as exc:
        raise InputProblem(f"{path}/{exc}") from None
    if fmt == "json":
        sys.stdout.write(checks.to_json(str(path), findings))
    elif fmt == "markdown":
        sys.stdout.write(checks.to_markdown(str(path), findings))
    else:
        sys.stdout.write(checks.to_text(findings, colour=use_colour(sys.stdout)))
    return exit_code_of(checks.summary(findings))
