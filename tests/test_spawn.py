"""git started without subprocess (git/spawn.py): its output, its exit code, a timeout, no git."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.spawn import Spawned


def test_it_prints_what_git_prints_in_the_directory_given(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    done = Spawned(("rev-parse", "--show-toplevel"), cwd=str(tmp_path)).finish(30)
    assert done.returncode == 0
    assert os.path.realpath(done.stdout.decode().strip()) == os.path.realpath(tmp_path)
    assert done.stderr == b""


def test_a_failure_is_its_exit_code_and_stderr(tmp_path: Path) -> None:
    done = Spawned(("rev-parse", "--show-toplevel"), cwd=str(tmp_path)).finish(30)
    assert done.returncode == 128
    assert b"not a git repository" in done.stderr
    assert done.stdout == b""


def test_large_output_on_both_pipes_does_not_block(tmp_path: Path) -> None:
    alias = "alias.both=!f() { head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2; }; f"
    done = Spawned(("-c", alias, "both"), cwd=str(tmp_path)).finish(30)
    assert (done.returncode, len(done.stdout), len(done.stderr)) == (0, 300000, 300000)


def test_past_the_timeout_it_is_killed_and_named(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(GitFailure, match=r"^git -c did not finish within 0 s$"):
        Spawned(("-c", "alias.wait=!sleep 30", "wait"), cwd=str(tmp_path)).finish(0.3)
    assert time.monotonic() - started < 10


def test_no_git_on_the_path_is_a_git_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitFailure, match="cannot run git"):
        Spawned(("status",), cwd=str(tmp_path))
