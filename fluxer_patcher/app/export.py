"""``export``: the fixes that apply on REV as numbered patch files."""

from __future__ import annotations

from pathlib import Path

from fluxer_patcher.app.run import Selection, commit_identity
from fluxer_patcher.app.series import revision_series
from fluxer_patcher.git.plumbing import Plumbing
from fluxer_patcher.output import patchfiles
from fluxer_patcher.record import dataclass
from fluxer_patcher.report.run import RunReport


@dataclass(frozen=True)
class ExportRequest:
    rev: str
    outdir: Path
    patch_format: str = "git"
    strict: bool = False
    force: bool = False
    author: str | None = None
    committer: str | None = None


def export(repo: Path | None, request: ExportRequest, selection: Selection) -> RunReport:
    series = revision_series(repo, request.rev, selection)
    report = RunReport(series.revision.label, list(series.results), written=False, show_next_steps=False)
    if series.errors or (request.strict and series.drifted):
        why = "a fix ended in error" if series.errors else "--strict and a fix drifted"
        report.notes.append(f"nothing exported: {why}")
        return report
    git = Plumbing(series.revision.repo.git_dir)
    identity = commit_identity(git.commit_date(series.upstream), request.author, request.committer)
    files = patchfiles.export(series, git, identity, request.patch_format, request.outdir, request.force)
    report.written = True
    patches = [f for f in files if f.step is not None]
    report.notes.append(
        f"exported {len(patches)} patch{'es' if len(patches) != 1 else ''} ({request.patch_format}) on "
        f"{series.upstream[:12]} to {request.outdir}; each parsed back and applied on {request.rev} before writing"
    )
    report.notes.extend(f"  {f.name}" for f in files)
    report.extra["export"] = {
        "format": request.patch_format, "outdir": str(request.outdir), "files": [f.name for f in files]
    }
    return report
