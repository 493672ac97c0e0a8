"""``doctor``: check a deployment directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fluxer_patcher.doctor import checks
from fluxer_patcher.doctor.deployment import CONFIG, ENV, LIVEKIT, Deployment, Malformed
from fluxer_patcher.errors import BadInput
from fluxer_patcher.model import exit_code, summarise


@dataclass(frozen=True)
class DoctorOutcome:
    target: str
    findings: list[checks.Finding]
    advice: tuple[checks.Advice, ...]

    def exit_code(self) -> int:
        return exit_code(summarise(f.status for f in self.findings))


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
