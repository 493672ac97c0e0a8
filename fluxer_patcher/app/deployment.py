"""``doctor``: check a deployment directory."""

from __future__ import annotations

import os
from pathlib import Path

from fluxer_patcher.doctor import checks
from fluxer_patcher.doctor.deployment import CONFIG, ENV, LIVEKIT, Deployment, Malformed
from fluxer_patcher.errors import BadInput
from fluxer_patcher.formats.compose.model import COMPOSE_FILES
from fluxer_patcher.model import ReasonKind, Status, exit_code, summarise
from fluxer_patcher.record import dataclass
from fluxer_patcher.source.roots import find_root


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
    source = [marker for marker in SOURCE_MARKERS if (path / marker).exists()]
    if source and not (path / CONFIG).exists():
        raise BadInput(
            f"{path}: a Fluxer source checkout ({source[0]}), not a deployment directory; doctor checks the "
            f"directory you run Compose from ({CONFIG}, {LIVEKIT}, the Compose file, {ENV}); "
            "`fluxer-patch check` is for the checkout"
        )
    if not deployment.present():
        raise BadInput(
            f"{path}: not a Fluxer deployment directory (none of {CONFIG}, {LIVEKIT}, "
            f"{deployment.compose_file}, {ENV})"
        )
    try:
        findings = checks.run(deployment)
    except Malformed as exc:
        raise BadInput(f"{path}/{exc}") from None
    for finding in findings:
        _missing_is_not_a_pass(path, finding)
    return DoctorOutcome(str(path), findings, checks.ADVICE)


# Files of the source tree that a deployment directory does not hold.
SOURCE_MARKERS = ("fluxer_server/Dockerfile", "config/config.production.template.json", "pnpm-workspace.yaml")


def _missing_is_not_a_pass(root: Path, finding: checks.Finding) -> None:
    """A check that passed without one of its files did not check it: ``missing``, naming them."""
    if finding.status is not Status.ALREADY_APPLIED:
        return
    absent = [f for f in finding.files if not (root / f).exists()]
    if absent:
        finding.failed = Status.DRIFTED
        finding.failed_kind = ReasonKind.FILE_MISSING
        finding.problems = [f"{', '.join(absent)}: not found, so not checked"]
        finding.notes = []
