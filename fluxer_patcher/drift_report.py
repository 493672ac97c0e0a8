"""Rendering a drift walk: a terminal summary or the stable JSON document (Markdown: markdown.py)."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from fluxer_patcher import __version__
from fluxer_patcher.drift import Drift, FixHistory, Transition
from fluxer_patcher.history import Commit


def _transition(t: Transition) -> dict[str, Any]:
    return {
        "commit": t.commit.sha,
        "date": t.commit.date,
        "author": t.commit.author,
        "subject": t.commit.subject,
        "from": t.before,
        "to": t.after,
        "reason": t.reason,
        "files": list(t.files),
    }


def _fix(fix: FixHistory) -> dict[str, Any]:
    return {
        "id": fix.patch.id,
        "gotchas": list(fix.patch.gotchas),
        "files": fix.patch.files,
        "status": fix.status,
        "reason": fix.reason,
        "baseline": fix.baseline,
        "transitions": [_transition(t) for t in fix.transitions],
        "history": [{"commit": s.commit.sha, "date": s.commit.date, "status": s.status} for s in fix.touched],
    }


def to_json(drift: Drift) -> str:
    doc = {
        "tool": "fluxer-patch",
        "version": __version__,
        "repo": drift.repo_label,
        "rev": drift.rev.sha,
        "since": drift.base.sha if drift.base else None,
        "commits": drift.commits,
        "evaluations": drift.runs,
        "patches": [_fix(f) for f in drift.fixes],
        "summary": drift.summary(),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def commit_line(commit: Commit) -> str:
    return f"{commit.short} {commit.date[:10]} {commit.author}: {commit.subject}"


def to_text(drift: Drift, colour: bool = False) -> str:
    import click

    from fluxer_patcher.report import _COLOURS, summary_line

    base = commit_line(drift.base) if drift.base else "the root commit"
    lines = [
        f"{drift.repo_label}: {drift.commits} first-parent commit{'s' if drift.commits != 1 else ''}",
        f"  from {base}",
        f"  to   {commit_line(drift.rev)}",
        "",
    ]
    width_s = max([len("STATUS")] + [len(f.status) for f in drift.fixes])
    width_id = max([len("FIX")] + [len(f.patch.id) for f in drift.fixes])
    width_g = max([len("GOTCHA")] + [len(f.patch.gotcha_label) for f in drift.fixes])
    lines.append(f"{'STATUS'.ljust(width_s)}  {'FIX'.ljust(width_id)}  {'GOTCHA'.ljust(width_g)}  SINCE")
    for fix in drift.fixes:
        status = fix.status.ljust(width_s)
        if colour:
            status = click.style(status, fg=_COLOURS.get(fix.status, "white"))
        since = commit_line(fix.breaking.commit) if fix.breaking else "(unchanged in this range)"
        lines.append(f"{status}  {fix.patch.id.ljust(width_id)}  {fix.patch.gotcha_label.ljust(width_g)}  {since}")
    changes = [(fix, t) for fix in drift.fixes for t in fix.transitions]
    if changes:
        lines += ["", "transitions:"]
        for fix, t in sorted(changes, key=lambda ft: ft[1].index):
            change = f"{t.before or '(none)'} -> {t.after}"
            lines.append(f"  {t.commit.short} {t.commit.date[:10]}  {fix.patch.id}: {change}")
            lines.append(f"      {t.commit.author}: {t.commit.subject}")
            if t.reason and t.after in ("drifted", "error"):
                lines.append(f"      {t.reason}")
    drifted = [f for f in drift.fixes if f.status in ("drifted", "error")]
    if drifted:
        lines += ["", "now:"]
        lines += [f"  {f.patch.id}: {f.reason}" for f in drifted]
    at = f"at {drift.rev.short}"
    counts = summary_line(len(drift.fixes), drift.summary(), f"fix {at}", f"fixes {at}")
    lines += ["", f"{counts} ({drift.runs} fix runs)"]
    return "\n".join(lines) + "\n"


def emit(drift: Drift, fmt: str, stream: TextIO | None = None) -> None:
    from fluxer_patcher.report import use_colour

    stream = stream or sys.stdout
    if fmt == "json":
        stream.write(to_json(drift))
    elif fmt == "markdown":
        from fluxer_patcher.markdown import drift_markdown

        stream.write(drift_markdown(drift))
    else:
        stream.write(to_text(drift, colour=use_colour(stream)))
