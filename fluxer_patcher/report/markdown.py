"""Markdown reports, fit for an issue or a pull-request body (GitHub-flavoured tables)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fluxer_patcher.model import Status
from fluxer_patcher.profile import FLUXER, Profile
from fluxer_patcher.report.advice import action, code
from fluxer_patcher.report.rows import Row, summary
from fluxer_patcher.report.safe import markdown as safe_markdown
from fluxer_patcher.report.style import MARKS, RETIRED, retire_advice, summary_line

if TYPE_CHECKING:
    from fluxer_patcher.doctor.checks import Advice
    from fluxer_patcher.drift.walk import Drift, FixHistory
    from fluxer_patcher.git.history import Commit
    from fluxer_patcher.report.run import RunReport

STUCK = (Status.DRIFTED, Status.ERROR)


def cell(text: str) -> str:
    """Text from outside safe inside a table cell or a list item: one line that renders literally."""
    return safe_markdown(text)


def _commit(commit: Commit) -> str:
    return f"{code(commit.short)} {commit.date[:10]}"


def _row_table(rows: Sequence[Row], id_header: str) -> list[str]:
    lines = [f"| {id_header} | Gotcha/ref | Status | Reason |", "|---|---|---|---|"]
    for row in rows:
        origin = row.gotcha_label.replace(",", ", ")
        status = MARKS[row.status] if row.status is not None else ""
        lines.append(f"| {code(row.id)} | {cell(origin)} | {status} | {cell(row.reason.text)} |")
    return lines


def run_markdown(report: RunReport, profile: Profile = FLUXER) -> str:
    rows = report.rows()
    lines = [f"## {profile.tool} check: {code(report.target)}", ""]
    lines += _row_table(rows, "Fix")
    lines += ["", summary_line(len(rows), summary(rows), "fix", "fixes") + "."]
    stuck = [r for r in report.results if r.status(report.written) in STUCK]
    if stuck:
        lines += ["", "### What to do", ""]
        lines += [f"- {code(r.patch.id)}: {action(r.patch, r.reason, None)}" for r in stuck]
        lines += ["", f"Guide: {profile.guide_url}"]
    retired = [r for r in report.results if r.status(report.written) in RETIRED]
    if retired:
        lines += ["", "### Patches to retire", ""]
        lines += [f"- {code(r.patch.id)}: {retire_advice(r.status(report.written))} ({cell(r.reason.text)})"
                  for r in retired]
    return "\n".join(lines) + "\n"


def doctor_markdown(target: str, rows: Sequence[Row], advice: Sequence[Advice], profile: Profile = FLUXER) -> str:
    lines = [f"## {profile.tool} doctor: {code(target)}", ""]
    lines += _row_table(rows, "Check")
    counts = summary(rows)
    counted = ", ".join(f"{n} {word}" for word, n in counts.items() if n)
    lines += ["", f"{len(rows)} checks: {counted}.", "", f"Guide: {profile.guide_url}", ""]
    for note in advice:
        lines += [f"> **Advice** — {note.lines[0]}", ">"]
        lines += [f"> - {line}" for line in note.lines[1:]]
    return "\n".join(lines) + "\n"


def _since(fix: FixHistory, drift: Drift) -> str:
    if fix.breaking is not None:
        t = fix.breaking.commit
        return f"{_commit(t)} {cell(t.subject)} ({cell(t.author)})"
    if drift.base is not None:
        return f"before {_commit(drift.base)}"
    return "—"


def drift_markdown(drift: Drift, profile: Profile = FLUXER) -> str:
    rev = drift.rev.short
    base = f"{_commit(drift.base)}" if drift.base else "the root commit"
    drifted = [f for f in drift.fixes if f.status in STUCK]
    lines = [
        f"## {profile.tool} drift report: upstream {code(rev)}",
        "",
        f"Upstream {_commit(drift.rev)} “{cell(drift.rev.subject)}”, checked against every fix, "
        f"walking {drift.commits} first-parent commit{'s' if drift.commits != 1 else ''} since {base}.",
        "",
        f"**{len(drifted)} of {len(drift.fixes)} fixes no longer apply.**"
        if drifted
        else f"**All {len(drift.fixes)} fixes still apply** (pending or already applied).",
        "",
        f"| Fix | Gotcha | Status at {code(rev)} | Since |",
        "|---|---|---|---|",
    ]
    for fix in drift.fixes:
        since = _since(fix, drift) if fix.status in STUCK or fix.breaking else ""
        lines.append(f"| {code(fix.patch.id)} | {fix.patch.gotcha_label} | {MARKS[fix.status]} | {since} |")
    for fix in drifted:
        lines += ["", f"### {code(fix.patch.id)} ({fix.patch.origin}): {fix.status}", ""]
        if fix.breaking is not None:
            t = fix.breaking
            c = t.commit
            lines.append(
                f"- **Changed by** {code(c.short)} on {c.date[:10]} by {cell(c.author)}: “{cell(c.subject)}” "
                f"({t.before or 'none'} → {t.after})"
            )
            if t.files:
                lines.append(f"- **Files changed there:** {', '.join(code(f) for f in t.files)}")
        else:
            lines.append(f"- Already {fix.status} before this range ({_since(fix, drift)}).")
        lines.append(f"- **Why, at {code(rev)}:** {cell(fix.reason.text)}")
        lines.append(f"- **Suggested action:** {action(fix.patch, fix.reason, rev)}")
        if len(fix.touched) > 1:
            lines += ["", "<details><summary>Commits that changed its files</summary>", ""]
            lines += ["| Commit | Subject | Status |", "|---|---|---|"]
            lines += [f"| {_commit(s.commit)} | {cell(s.commit.subject)} | {s.status} |" for s in fix.touched]
            lines += ["", "</details>"]
    retired = [f for f in drift.fixes if f.status in RETIRED]
    if retired:
        lines += ["", "### Patches to retire", ""]
        for fix in retired:
            when = ""
            if fix.breaking is not None:
                c = fix.breaking.commit
                verb = "fixed upstream in" if fix.status is Status.FIXED_UPSTREAM else "obsolete since"
                when = f" — {verb} {_commit(c)} “{cell(c.subject)}”"
            lines.append(f"- {code(fix.patch.id)}: {retire_advice(fix.status)}{when}. {cell(fix.reason.text)}")
    changes = sorted(
        ((t, fix) for fix in drift.fixes for t in fix.transitions if fix not in drifted and fix not in retired),
        key=lambda p: p[0].index,
    )
    if changes:
        lines += ["", "### Other status changes in this range", ""]
        lines += [
            f"- {code(fix.patch.id)}: {t.before or 'none'} → {t.after} "
            f"at {_commit(t.commit)} “{cell(t.commit.subject)}”"
            for t, fix in changes
        ]
    lines += ["", f"<sub>{profile.tool}; {drift.runs} fix runs. Guide: {profile.guide_url}</sub>"]
    return "\n".join(lines) + "\n"
