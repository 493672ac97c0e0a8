"""``branch``: the patched fork branch, REV plus one commit per fix."""

from __future__ import annotations

from pathlib import Path

from fluxer_patcher.app.run import Selection, commit_identity
from fluxer_patcher.app.series import revision_series
from fluxer_patcher.git.plumbing import Plumbing
from fluxer_patcher.output import branch
from fluxer_patcher.record import dataclass
from fluxer_patcher.report.run import RunReport


@dataclass(frozen=True)
class BranchRequest:
    onto: str
    name: str
    remote: str | None = None
    strict: bool = False
    force: bool = False
    author: str | None = None
    committer: str | None = None


def build_branch(repo: Path | None, request: BranchRequest, selection: Selection) -> RunReport:
    series = revision_series(repo, request.onto, selection)
    report = RunReport(series.revision.label, list(series.results), written=True, show_next_steps=False)
    if series.errors:
        report.written = False
        report.notes.append(f"branch {request.name} not built: a fix ended in error")
        return report
    handle = series.revision.repo.handle
    git = Plumbing(handle.git_dir, reader=handle.batch())  # the revision's object reader: no second one
    upstream = series.revision.repo.read(bytes.fromhex(series.upstream))[1]
    identity = commit_identity(git.commit_date(series.upstream, upstream), request.author, request.committer)
    outcome = branch.build_branch(
        git, series, request.onto, request.name, identity,
        force=request.force, move=not (request.strict and series.drifted), remote=request.remote,
    )
    report.written = outcome.updated or outcome.old == outcome.tip
    report.notes.extend(outcome.lines())
    report.extra["branch"] = outcome.to_dict()
    return report
