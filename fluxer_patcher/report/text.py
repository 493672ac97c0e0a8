"""Terminal reports: one aligned table of rows, a summary line, and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fluxer_patcher.model import Outcome, ReasonKind, Status
from fluxer_patcher.profile import FLUXER, Profile
from fluxer_patcher.report.rows import Row, summary, word_summary
from fluxer_patcher.report.safe import line as safe_line
from fluxer_patcher.report.style import COLOURS, NORMAL, QUIET, VERBOSE, summary_line

if TYPE_CHECKING:
    from fluxer_patcher.catalogue.manifest import Patch
    from fluxer_patcher.doctor.checks import Advice
    from fluxer_patcher.drift.walk import Drift
    from fluxer_patcher.git.history import Commit
    from fluxer_patcher.report.run import RunReport


def table(headers: Sequence[str], cells: Sequence[Sequence[str]], colour: bool = False,
          statuses: Sequence[Status | None] = ()) -> list[str]:
    """Aligned columns, the last one free; the first column is coloured by ``statuses``."""
    import click

    cells = [[safe_line(c) for c in row] for row in cells]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers[:-1])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)) + "  " + headers[-1]]
    for index, cell in enumerate(cells):
        parts = [c.ljust(w) for c, w in zip(cell, widths, strict=False)]
        status = statuses[index] if index < len(statuses) else None
        if colour and status is not None:
            parts[0] = click.style(parts[0], fg=COLOURS.get(status, "white"))
        lines.append(("  ".join(parts) + "  " + cell[-1]).rstrip())
    return lines


_FINE = (Status.APPLIED, Status.ALREADY_APPLIED)


def row_table(rows: Sequence[Row], colour: bool, id_header: str = "FIX", level: int = NORMAL) -> list[str]:
    """The rows' table; ``QUIET`` keeps only rows that need attention, ``VERBOSE`` adds each
    row's per-step details under it."""
    if level <= QUIET:
        rows = [r for r in rows if r.status not in _FINE]
        if not rows:
            return []
    cells = [[r.word, r.id, r.gotcha_label, ", ".join(r.files), r.reason.text] for r in rows]
    lines = table(["STATUS", id_header, "GOTCHA/REF", "FILE", "REASON"], cells, colour, [r.status for r in rows])
    if level < VERBOSE:
        return lines
    out = lines[:1]
    for row, line in zip(rows, lines[1:], strict=True):
        out.append(line)
        out.extend(f"    {detail}" for detail in row.details)
    return out


# -- check, apply, branch, export ---------------------------------------------------------


def run_text(report: RunReport, colour: bool = False, profile: Profile = FLUXER, level: int = NORMAL) -> str:
    rows = report.rows()
    lines = row_table(rows, colour, level=level)
    lines += [""] if lines else []
    lines.append(summary_line(len(rows), summary(rows), "fix", "fixes"))
    if level <= QUIET:
        return "\n".join(lines) + "\n"
    if report.local_changes:
        lines.append(f"note: these target files had local changes before this run: {', '.join(report.local_changes)}")
    if report.notes:
        lines.append("")
        lines.extend(report.notes)
    lines.extend(_run_next_steps(report, profile))
    return "\n".join(lines) + "\n"


def _run_next_steps(report: RunReport, profile: Profile) -> list[str]:
    drifted = [r for r in report.results if r.outcome is Outcome.DRIFTED and not r.patch.verifies_only]
    failed_checks = [r for r in report.results if r.outcome is Outcome.DRIFTED and r.patch.verifies_only]
    out: list[str] = []
    if report.aborted:
        out.append("")
        out.append("nothing was written: a fix ended in error, and apply is all or nothing.")
        out.extend(f"  - {r.patch.id}: {r.reason}" for r in report.errors())
    if drifted:
        out.append("")
        out.append("next: the code these fixes target is not where they look (moved upstream, or renamed in "
                   "this tree); nothing was guessed.")
        for r in drifted:
            manifest = f"patches/{r.patch.manifest.name}"
            moved = ("if its file moved as its reason says, map the renamed directory (--path-map) or "
                     if r.reason.kind is ReasonKind.MOVED else "")
            out.append(
                f"  - {r.patch.id} ({r.patch.origin}): {moved}apply it by hand as {_described(r.patch)}, "
                f"or update {manifest} and its query"
            )
        out.append(f"  guide: {profile.guide_url}")
    if failed_checks:
        out.append("")
        out.append("next: these checks found what would break the build; change what their reason names:")
        out.extend(f"  - {r.patch.id} ({r.patch.origin}): see its reason above" for r in failed_checks)
    if drifted or failed_checks:
        out.append(f"  then run `{profile.tool} check` again; `--format json` gives the same in machine form.")
    retired = {kind: [r.patch.id for r in report.results if r.outcome is kind]
               for kind in (Outcome.FIXED_UPSTREAM, Outcome.OBSOLETE)}
    if any(retired.values()):
        out.append("")
        out.append("retire: upstream fixed these its own way, or what they fix is gone (nothing was edited for them):")
        out.extend(f"  {kind}: {', '.join(ids)}" for kind, ids in retired.items() if ids)
    steps = report.next_steps()
    if steps:
        out.append("")
        out.append("next: " + steps[0])
        out.extend(steps[1:])
    return out


def _described(patch: Patch) -> str:
    if patch.guide:
        return f"the guide's '{patch.guide}' describes"
    return f"its manifest's `fix` describes (see {patch.origin})"


# -- drift ------------------------------------------------------------------------------


def commit_line(commit: Commit) -> str:
    return safe_line(f"{commit.short} {commit.date[:10]} {commit.author}: {commit.subject}")


def drift_text(drift: Drift, colour: bool = False, level: int = NORMAL) -> str:
    base = commit_line(drift.base) if drift.base else "the root commit"
    lines = [
        f"{drift.repo_label}: {drift.commits} first-parent commit{'s' if drift.commits != 1 else ''}",
        f"  from {base}",
        f"  to   {commit_line(drift.rev)}",
        "",
    ]
    shown = [f for f in drift.fixes if level > QUIET or f.status in (Status.DRIFTED, Status.ERROR)]
    cells = [
        [str(f.status), f.patch.id, f.patch.gotcha_label,
         commit_line(f.breaking.commit) if f.breaking else "(unchanged in this range)"]
        for f in shown
    ]
    lines += table(["STATUS", "FIX", "GOTCHA/REF", "SINCE"], cells, colour, [f.status for f in shown])
    changes = [(fix, t) for fix in drift.fixes for t in fix.transitions] if level > QUIET else []
    if changes:
        lines += ["", "transitions:"]
        for fix, t in sorted(changes, key=lambda ft: ft[1].index):
            change = f"{t.before or '(none)'} -> {t.after}"
            lines.append(f"  {t.commit.short} {t.commit.date[:10]}  {fix.patch.id}: {change}")
            lines.append(safe_line(f"      {t.commit.author}: {t.commit.subject}"))
            if t.reason.text and t.after in (Status.DRIFTED, Status.ERROR):
                lines.append(f"      {t.reason}")
    drifted = [f for f in drift.fixes if f.status in (Status.DRIFTED, Status.ERROR)]
    if drifted:
        lines += ["", "now:"]
        lines += [f"  {f.patch.id}: {f.reason}" for f in drifted]
    retired = [f for f in drift.fixes if f.status in (Status.FIXED_UPSTREAM, Status.OBSOLETE)]
    if retired:
        lines += ["", "retire:"]
        for f in retired:
            verb = "fixed upstream in" if f.status is Status.FIXED_UPSTREAM else "obsolete since"
            since = f" {f.breaking.commit.short} ({f.breaking.commit.date[:10]})" if f.breaking else ""
            verb = verb if since else verb.rsplit(" ", 1)[0]
            lines.append(f"  {f.patch.id}: {verb}{since}: {f.reason}")
    at = f"at {drift.rev.short}"
    counts = summary_line(len(drift.fixes), drift.summary(), f"fix {at}", f"fixes {at}")
    lines += ["", f"{counts} ({drift.runs} fix runs)"]
    return "\n".join(lines) + "\n"


# -- doctor -----------------------------------------------------------------------------


def doctor_text(rows: Sequence[Row], advice: Sequence[Advice], colour: bool = False, profile: Profile = FLUXER,
                level: int = NORMAL) -> str:
    counts = summary(rows)
    lines = row_table(rows, colour, id_header="CHECK", level=level)
    lines += ["", summary_line(len(rows), word_summary(rows), "check", "checks")] if lines else [
        summary_line(len(rows), word_summary(rows), "check", "checks")]
    if level <= QUIET:
        return "\n".join(lines) + "\n"
    if counts[Status.DRIFTED] or counts[Status.ERROR]:  # a problem, a missing file, an error
        lines += ["", f"next: fix the deployment files named above, then run `{profile.tool} doctor` again.",
                  f"  guide: {profile.guide_url}"]
    for note in advice:
        lines += ["", "advice: " + note.lines[0], *(f"  - {line}" for line in note.lines[1:])]
    return "\n".join(lines) + "\n"


# -- list -------------------------------------------------------------------------------


def list_text(patches: Sequence[Patch]) -> str:
    cells = [[p.id, p.gotcha_label, ", ".join(p.files), p.title + ("" if p.default else " (optional: --only)")]
             for p in patches]
    return "\n".join(table(["FIX", "GOTCHA/REF", "FILE", "DESCRIPTION"], cells)) + "\n"
