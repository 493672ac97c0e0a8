"""``doctor``: check a deployment directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fluxer_patcher.app.inputs import find_root
from fluxer_patcher.doctor import checks
from fluxer_patcher.doctor.deployment import CONFIG, ENV, LIVEKIT, Deployment, Malformed
from fluxer_patcher.errors import BadInput
from fluxer_patcher.formats.compose.model import COMPOSE_FILES
from fluxer_patcher.model import exit_code, summarise


@dataclass(frozen=True)
class DoctorOutcome:
    target: str
    findings: list[checks.Finding]
    advice: tuple[checks.Advice, ...]

    def exit_code(self) -> int:
        return exit_code(summarise(f.status for f in self.findings))


def deployment_root(path: Path | None) -> Path:
    """PATH (default: the current directory), or the deployment directory it is inside: the
    first directory up holding a file doctor reads (not past the top of a git worktree)."""
    start = path if path is not None else Path(".")
    root = find_root(start, lambda d: any((d / f).is_file() for f in (CONFIG, *COMPOSE_FILES)))
    if root == start or start.is_absolute():
        return root
    return Path(os.path.relpath(root))


def doctor(path: Path, compose_file: str | None) -> DoctorOutcome:
    if not path.exists():
        raise BadInput(f"{path}: no such directory")
    if not path.is_dir():
        raise BadInput(f"{path}: not a directory (give the directory holding config/ and the Compose file)")
    if compose_file is not None and not (path / compose_file).is_file():
        raise BadInput(f"{path / compose_file}: no such Compose file")
    deployment = Deployment(path, compose_file)
    if not deployment.present():
        raise BadInput(
            f"{path}: not a Fluxer deployment directory (none of {CONFIG}, {LIVEKIT}, "
            f"{deployment.compose_file}, {ENV})"
        )
    try:
        findings = checks.run(deployment)
    except Malformed as exc:
        raise BadInput(f"{path}/{exc}") from None
    return DoctorOutcome(str(path), findings, checks.ADVICE)
