"""Unified diffs that `git apply` and `patch -p1` take back exactly, in the awkward cases."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fluxer_patcher.model import FileChange
from fluxer_patcher.output.diffs import counts, unified

_BRACES = b"\t}\n" * 400
CASES = {
    "last line loses its newline": (b"a\nb\nc\n", b"a\nb\nC"),
    "last line gains a newline": (b"a\nb\nc", b"a\nb\nc\n"),
    "unchanged last line without newline": (b"a\nb\nc", b"A\nb\nc"),
    "crlf endings": (b"a\r\nb\r\nc\r\n", b"a\r\nB\r\nc\r\n"),
    "lone cr and form feed inside lines": (b"x = '\r';\nform\x0cfeed\nend\n", b"x = '\r';\nform\x0cfeed\nEND\n"),
    "insert at the top": (b"b\nc\n", b"a\nb\nc\n"),
    "empty file gets content": (b"", b"new\n"),
    "repeated lines in a long file": (_BRACES + b"x\n" + _BRACES, _BRACES + b"y\n" + _BRACES),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("tool", ["git", "patch"])
def test_diff_applies_exactly(tmp_path: Path, name: str, tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    before, after = CASES[name]
    change = FileChange("dir/file.txt", before, after)
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "file.txt").write_bytes(before)
    diff = unified(change).encode()
    cmd = ["git", "apply", "--unsafe-paths", "-"] if tool == "git" else ["patch", "-p1", "--quiet", "--binary"]
    proc = subprocess.run(cmd, input=diff, cwd=tmp_path, capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr.decode() + proc.stdout.decode()
    assert (tmp_path / "dir" / "file.txt").read_bytes() == after


def test_one_changed_line_in_a_long_repetitive_file_is_one_small_hunk() -> None:
    before, after = CASES["repeated lines in a long file"]
    diff = unified(FileChange("f", before, after))
    assert diff.count("@@ -") == 1
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")] == ["-x", "+y"]
    assert counts(FileChange("f", before, after)) == (1, 1)


def test_no_change_no_diff() -> None:
    assert unified(FileChange("f", b"same\n", b"same\n")) == ""
