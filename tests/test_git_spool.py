"""A git command spooled to temporary files (``Git.spool``) answers as ``Git.run`` does, runs to
its end however much it prints, and fails as ``run`` fails, when finished."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.runner import Git
from tests.gitrepos import git
from tests.gitrepos import hermetic_git as hermetic_git

pytestmark = pytest.mark.usefixtures("hermetic_git")


def _repo(tmp_path: Path, blob_size: int = 0) -> tuple[Git, str]:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "big").write_bytes(os.urandom(blob_size) if blob_size else b"small\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    return Git(git_dir=str(repo / ".git")), git(repo, "rev-parse", "HEAD:big")


def test_a_spooled_command_answers_as_run_does_past_any_pipe_size(tmp_path: Path) -> None:
    runner, blob = _repo(tmp_path, blob_size=1 << 20)  # far more than a pipe holds
    names = (f"{blob}\n" * 3).encode()
    started = runner.spool("cat-file", "--batch", input=names)
    time.sleep(0.2)  # git runs on with nobody reading: nothing blocks it
    spooled = started.finish()
    ran = runner.run("cat-file", "--batch", input=names)
    assert (spooled.returncode, spooled.stdout, spooled.stderr) == (ran.returncode, ran.stdout, ran.stderr)
    assert len(spooled.stdout) > 3 << 20


def test_a_spooled_command_fails_as_run_fails_when_finished(tmp_path: Path) -> None:
    runner, _ = _repo(tmp_path)
    with pytest.raises(GitFailure) as ran:
        runner.run("cat-file", "-t", "nosuchobject", input=b"")
    started = runner.spool("cat-file", "-t", "nosuchobject", input=b"")  # no error yet
    with pytest.raises(GitFailure) as spooled:
        started.finish()
    assert str(spooled.value) == str(ran.value)
    assert runner.spool("cat-file", "-t", "nosuchobject", input=b"").finish(check=False).returncode != 0


def test_git_that_cannot_start_fails_when_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = _repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    started = runner.spool("cat-file", "--batch", input=b"")
    with pytest.raises(GitFailure, match="cannot run git"):
        started.finish()


def test_closing_a_spooled_command_stops_it(tmp_path: Path) -> None:
    runner, _ = _repo(tmp_path)
    started = runner.spool("-c", "alias.wait=!sleep 5", "wait", input=b"")
    process = started._proc
    assert process is not None and process.poll() is None
    begun = time.monotonic()
    started.close()
    started.close()  # twice is nothing
    assert time.monotonic() - begun < 4
    assert process.returncode is not None and process.returncode < 0  # killed, not waited for


def test_without_temporary_files_the_command_runs_when_finished(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    runner, blob = _repo(tmp_path)

    def refused() -> None:
        raise PermissionError("no temporary directory here")

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    started = runner.spool("cat-file", "-p", input=b"")
    assert started._proc is None  # nothing runs yet
    ran = runner.spool("cat-file", "--batch", input=f"{blob}\n".encode()).finish()
    assert ran.stdout == runner.run("cat-file", "--batch", input=f"{blob}\n".encode()).stdout
    with pytest.raises(GitFailure):
        runner.spool("cat-file", "-t", "nosuchobject", input=b"").finish()
