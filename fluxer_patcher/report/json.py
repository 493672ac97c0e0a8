"""JSON reports: one envelope (``tool``, ``version``, then the report's own keys), stable keys."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fluxer_patcher import __version__
from fluxer_patcher.profile import FLUXER, Profile
from fluxer_patcher.report.rows import Row, summary, word_summary

if TYPE_CHECKING:
    from fluxer_patcher.catalogue.manifest import Patch
    from fluxer_patcher.doctor.checks import Advice
    from fluxer_patcher.drift.walk import Drift, FixHistory, Transition
    from fluxer_patcher.report.run import RunReport


def envelope(profile: Profile = FLUXER, **fields: Any) -> str:
    doc = {"tool": profile.tool, "version": __version__, **fields}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def rows_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [r.to_json() for r in rows]


def run_json(report: RunReport) -> str:
    rows = report.rows()
    fields: dict[str, Any] = {"target": report.target, "patches": rows_json(rows), "summary": summary(rows)}
    if report.local_changes:
        fields["local_changes"] = report.local_changes
    steps = report.next_steps()
    if steps:
        fields["next_steps"] = steps
    fields.update(report.extra)
    return envelope(**fields)


def _transition(t: Transition) -> dict[str, Any]:
    return {
        "commit": t.commit.sha,
        "date": t.commit.date,
        "author": t.commit.author,
        "subject": t.commit.subject,
        "from": str(t.before) if t.before is not None else None,
        "to": str(t.after),
        "reason": t.reason.text,
        "reason_kind": str(t.reason.kind),
        "files": list(t.files),
    }


def _fix(fix: FixHistory) -> dict[str, Any]:
    return {
        "id": fix.patch.id,
        "gotchas": list(fix.patch.gotchas),
        "refs": list(fix.patch.refs),
        "files": fix.patch.files,
        "status": str(fix.status),
        "reason": fix.reason.text,
        "reason_kind": str(fix.reason.kind),
        "baseline": str(fix.baseline) if fix.baseline is not None else None,
        "transitions": [_transition(t) for t in fix.transitions],
        "history": [{"commit": s.commit.sha, "date": s.commit.date, "status": str(s.status)} for s in fix.touched],
    }


def drift_json(drift: Drift) -> str:
    return envelope(
        repo=drift.repo_label,
        rev=drift.rev.sha,
        since=drift.base.sha if drift.base else None,
        commits=drift.commits,
        evaluations=drift.runs,
        patches=[_fix(f) for f in drift.fixes],
        summary=drift.summary(),
    )


def doctor_json(target: str, rows: Sequence[Row], advice: Sequence[Advice]) -> str:
    notes = [{"gotchas": list(a.gotchas), "text": " ".join(a.lines)} for a in advice]
    return envelope(target=target, patches=rows_json(rows), summary=word_summary(rows), advice=notes)


def list_json(patches: Sequence[Patch]) -> str:
    rows = [
        {"id": p.id, "gotchas": list(p.gotchas), "refs": list(p.refs), "default": p.default, "files": p.files,
         "title": p.title, "symptom": p.symptom, "guide": p.guide, "bug": p.bug}
        for p in patches
    ]
    return envelope(patches=rows)
