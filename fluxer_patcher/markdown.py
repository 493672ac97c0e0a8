"""Markdown reports, fit for an issue or a pull-request body (GitHub-flavoured tables)."""

from __future__ import annotations

from fluxer_patcher.catalogue import GUIDE_URL, Patch
from fluxer_patcher.drift import Drift, FixHistory
from fluxer_patcher.history import Commit
from fluxer_patcher.report import Report, summary_line

_MARK = {
    "applied": "✅ applied",
    "pending": "🟦 pending",
    "already-applied": "✔️ already-applied",
    "drifted": "⚠️ drifted",
    "error": "❌ error",
}


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _commit(commit: Commit) -> str:
    return f"{code(commit.short)} {commit.date[:10]}"


def _action(patch: Patch, reason: str, rev: str | None) -> str:
    manifest = f"patches/{patch.manifest.name}"
    queries = sorted({f"queries/{s.query.parent.name}/{s.query.name}" for s in patch.steps if s.query is not None})
    query = f" and {', '.join(code(q) for q in queries)}" if queries else ""
    check = f"`fluxer-patch check --rev {rev}`" if rev else "`fluxer-patch check` again"
    if "moved to " in reason or "moved? candidates" in reason:
        return (
            f"If the file moved as suggested, point the step's `file` in {code(manifest)} at its new path, "
            f"add the new shape to the manifest's `[[examples]]`, and run {check}."
        )
    if "file not found" in reason:
        return (
            f"The target file is gone: check whether upstream fixed gotcha {patch.gotcha_label} itself or "
            f"removed the feature, then retire or rewrite {code(manifest)}."
        )
    return (
        f"Update {code(manifest)}{query} to the new shape (the reason lists what still exists), add that shape "
        f"to the manifest's `[[examples]]`, and run {check}. Until then apply it by hand as the guide's "
        f"“{patch.guide}” describes."
    )


def check_markdown(report: Report) -> str:
    rows = report.rows()
    lines = [f"## fluxer-patch check: {code(report.target)}", ""]
    lines += ["| Fix | Gotcha | Status | Reason |", "|---|---|---|---|"]
    for row in rows:
        gotchas = ", ".join(str(g) for g in row["gotchas"])
        lines.append(f"| {code(row['id'])} | {gotchas} | {_MARK[row['status']]} | {cell(row['reason'])} |")
    lines += ["", summary_line(len(rows), report.summary(), "fix", "fixes") + "."]
    stuck = [r for r in report.results if r.status(report.written) in ("drifted", "error")]
    if stuck:
        lines += ["", "### What to do", ""]
        lines += [f"- {code(r.patch.id)}: {_action(r.patch, r.reason, None)}" for r in stuck]
        lines += ["", f"Guide: {GUIDE_URL}"]
    return "\n".join(lines) + "\n"


def _since(fix: FixHistory, drift: Drift) -> str:
    if fix.breaking is not None:
        t = fix.breaking.commit
        return f"{_commit(t)} {cell(t.subject)} ({cell(t.author)})"
    if drift.base is not None:
        return f"before {_commit(drift.base)}"
    return "—"


def drift_markdown(drift: Drift) -> str:
    rev = drift.rev.short
    base = f"{_commit(drift.base)}" if drift.base else "the root commit"
    drifted = [f for f in drift.fixes if f.status in ("drifted", "error")]
    lines = [
        f"## fluxer-patch drift report: upstream {code(rev)}",
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
        since = _since(fix, drift) if fix.status in ("drifted", "error") or fix.breaking else ""
        lines.append(f"| {code(fix.patch.id)} | {fix.patch.gotcha_label} | {_MARK[fix.status]} | {since} |")
    for fix in drifted:
        lines += ["", f"### {code(fix.patch.id)} (gotcha {fix.patch.gotcha_label}): {fix.status}", ""]
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
        lines.append(f"- **Why, at {code(rev)}:** {cell(fix.reason)}")
        lines.append(f"- **Suggested action:** {_action(fix.patch, fix.reason, rev)}")
        if len(fix.touched) > 1:
            lines += ["", "<details><summary>Commits that changed its files</summary>", ""]
            lines += ["| Commit | Subject | Status |", "|---|---|---|"]
            lines += [f"| {_commit(s.commit)} | {cell(s.commit.subject)} | {s.status} |" for s in fix.touched]
            lines += ["", "</details>"]
    changes = sorted(
        ((t, fix) for fix in drift.fixes for t in fix.transitions if fix not in drifted), key=lambda p: p[0].index
    )
    if changes:
        lines += ["", "### Other status changes in this range", ""]
        lines += [
            f"- {code(fix.patch.id)}: {t.before or 'none'} → {t.after} "
            f"at {_commit(t.commit)} “{cell(t.commit.subject)}”"
            for t, fix in changes
        ]
    lines += ["", f"<sub>fluxer-patch; {drift.runs} fix runs. Guide: {GUIDE_URL}</sub>"]
    return "\n".join(lines) + "\n"
