"""Text and Markdown reports quote outside text harmlessly (issue 13, item 16)."""

from __future__ import annotations

import io

from fluxer_patcher.git.history import Commit
from fluxer_patcher.model import Reason, ReasonKind, Status
from fluxer_patcher.report import emit_run, markdown, text
from fluxer_patcher.report.rows import Row
from fluxer_patcher.report.run import RunReport

HOSTILE = "packages/x\rapplied \x1b[2Jgone\u202eevil"


def test_a_carriage_return_in_a_reason_cannot_overwrite_the_status_column() -> None:
    row = Row("some-fix", (1,), Status.DRIFTED, (HOSTILE,), Reason(ReasonKind.FILE_MISSING, f"{HOSTILE}: not found"))
    out = "\n".join(text.row_table([row], colour=False))
    assert "\r" not in out and "\x1b" not in out and "\u202e" not in out
    assert "packages/x\\rapplied \\x1b[2Jgone\\u202eevil" in out


def test_commit_subjects_and_authors_are_escaped_in_text() -> None:
    commit = Commit("a" * 40, (), "2026-02-01T00:00:00Z", "Mallory\x1b]0;owned\x07", "subject\rdrifted")
    line = text.commit_line(commit)
    assert "\x1b" not in line and "\x07" not in line and "\r" not in line


def test_a_whole_text_report_keeps_only_its_own_colours_and_newlines() -> None:
    report = RunReport("tree", [], written=False, notes=[f"note: {HOSTILE}"])
    stream = io.StringIO()
    emit_run(report, "text", stream)
    out = stream.getvalue()
    assert "\r" not in out and "\x1b" not in out and out.endswith("\n")


def test_markdown_renders_commit_text_literally() -> None:
    subject = "fix <!-- hidden --> <img src=x onerror=alert(1)> @maintainers [click](https://e.example) *x*"
    cell = markdown.cell(subject)
    assert "<" not in cell and ">" not in cell
    assert "@maintainers" not in cell  # no mention
    assert "[click](" not in cell and "*x*" not in cell
    assert "\n" not in markdown.cell("one\ntwo\r\nthree")
