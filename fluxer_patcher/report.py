"""Rendering run results: a terminal table or the stable JSON document (Markdown: markdown.py)."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from fluxer_patcher import __version__
from fluxer_patcher.catalogue import GUIDE_URL, STATUS_WORDS
from fluxer_patcher.diffs import unified_all
from fluxer_patcher.engine import PatchResult

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


@dataclass
class Report:
    target: str
    results: list[PatchResult]
    written: bool
    local_changes: list[str] = field(default_factory=list)
    include_diff: bool = False
    aborted: bool = False  # apply computed changes but wrote none because a fix ended in error
    extra: dict[str, Any] = field(default_factory=dict)  # more top-level JSON keys (e.g. "branch")
    notes: list[str] = field(default_factory=list)  # more lines after the text table
    values: dict[str, str] = field(default_factory=dict)  # fills manifests' next_steps ({base_domain})

    def next_steps(self) -> list[str]:
        from fluxer_patcher import nextsteps

        return nextsteps.lines(self.results, self.written, self.values)

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for r in self.results:
            row: dict[str, Any] = {
                "id": r.patch.id,
                "gotchas": list(r.patch.gotchas),
                "status": r.status(self.written),
                "files": r.patch.files,
                "reason": r.reason,
            }
            if self.include_diff:
                row["diff"] = unified_all(r.changes)
            rows.append(row)
        return rows

    def summary(self) -> dict[str, int]:
        return summarise(r.status(self.written) for r in self.results)

    def exit_code(self) -> int:
        return exit_code_of(self.summary())


def summarise(statuses: Iterable[str]) -> dict[str, int]:
    """How many rows have each status word, in the stable order of the words."""
    counts = Counter(statuses)
    return {word: counts.get(word, 0) for word in STATUS_WORDS}


def exit_code_of(summary: dict[str, int]) -> int:
    if summary["error"]:
        return EXIT_ERROR
    if summary["drifted"]:
        return EXIT_DRIFT
    return EXIT_OK


def to_json(report: Report) -> str:
    doc: dict[str, Any] = {
        "tool": "fluxer-patch",
        "version": __version__,
        "target": report.target,
        "patches": report.rows(),
        "summary": report.summary(),
    }
    if report.local_changes:
        doc["local_changes"] = report.local_changes
    steps = report.next_steps()
    if steps:
        doc["next_steps"] = steps
    doc.update(report.extra)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


_COLOURS = {
    "applied": "green",
    "pending": "cyan",
    "already-applied": "bright_black",
    "drifted": "yellow",
    "error": "red",
}


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def to_text(report: Report, colour: bool = False) -> str:
    rows = report.rows()
    lines = table(rows, colour)
    summary = report.summary()
    lines.append("")
    lines.append(summary_line(len(rows), summary, "fix", "fixes"))
    if report.local_changes:
        lines.append(f"note: these target files had local changes before this run: {', '.join(report.local_changes)}")
    if report.notes:
        lines.append("")
        lines.extend(report.notes)
    lines.extend(_next_steps(report))
    return "\n".join(lines) + "\n"


def table(rows: list[dict[str, Any]], colour: bool, id_header: str = "FIX") -> list[str]:
    """The rows (``id``, ``gotchas``, ``status``, ``files``, ``reason``) as aligned lines."""
    import click

    headers = {"status": "STATUS", "id": id_header, "gotchas": "GOTCHA", "files": "FILE"}
    cells = [
        {
            "status": row["status"],
            "id": row["id"],
            "gotchas": ",".join(str(g) for g in row["gotchas"]),
            "files": ", ".join(row["files"]),
        }
        for row in rows
    ]
    widths = {k: max([len(h)] + [len(c[k]) for c in cells]) for k, h in headers.items()}
    lines = ["  ".join(h.ljust(widths[k]) for k, h in headers.items()) + "  REASON"]
    for cell, row in zip(cells, rows, strict=True):
        status = cell["status"].ljust(widths["status"])
        if colour:
            status = click.style(status, fg=_COLOURS[cell["status"]])
        parts = [status] + [cell[k].ljust(widths[k]) for k in ("id", "gotchas", "files")]
        lines.append(("  ".join(parts) + "  " + row["reason"]).rstrip())
    return lines


def summary_line(count: int, summary: dict[str, int], one: str, many: str) -> str:
    counted = ", ".join(f"{n} {word}" for word, n in summary.items() if n)
    return f"{count} {one if count == 1 else many}: {counted or 'none selected'}"


def _next_steps(report: Report) -> list[str]:
    drifted = [r for r in report.results if r.outcome == "drifted" and not r.patch.verifies_only]
    failed_checks = [r for r in report.results if r.outcome == "drifted" and r.patch.verifies_only]
    errors = [r for r in report.results if r.outcome == "error"]
    out: list[str] = []
    if report.aborted:
        out.append("")
        out.append("nothing was written: a fix ended in error, and apply is all or nothing.")
        out.extend(f"  - {r.patch.id}: {r.reason}" for r in errors)
    if drifted:
        out.append("")
        out.append("next: upstream moved the code these fixes target; nothing was guessed.")
        for r in drifted:
            manifest = f"patches/{r.patch.manifest.name}"
            out.append(
                f"  - {r.patch.id} (gotcha {r.patch.gotcha_label}): apply it by hand as the guide's "
                f"'{r.patch.guide}' describes, or update {manifest} and its query"
            )
        out.append(f"  guide: {GUIDE_URL}")
    if failed_checks:
        out.append("")
        out.append("next: these checks found what would break the build; change what their reason names:")
        out.extend(f"  - {r.patch.id} (gotcha {r.patch.gotcha_label}): see its reason above" for r in failed_checks)
    if drifted or failed_checks:
        out.append("  then run `fluxer-patch check` again; `--format json` gives the same in machine form.")
    steps = report.next_steps()
    if steps:
        out.append("")
        out.append("next: " + steps[0])
        out.extend(steps[1:])
    return out


def emit(report: Report, fmt: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if fmt == "json":
        stream.write(to_json(report))
    elif fmt == "markdown":
        from fluxer_patcher.markdown import check_markdown

        stream.write(check_markdown(report))
    else:
        stream.write(to_text(report, colour=use_colour(stream)))
