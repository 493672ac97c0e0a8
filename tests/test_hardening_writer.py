"""The writer under races, interruptions and hostile trees (issue 13, items 1, 2, 6, 8).

Races are made deterministic by wrapping ``os.replace`` (the writer's one way to put a
file in place): the wrapper runs a second apply, edits a file, fails or signals at a
chosen rename.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fluxer_patcher.app.run import ApplyOptions, Selection, apply, check_tree, run_tree
from fluxer_patcher.errors import FluxerPatchError
from fluxer_patcher.model import Outcome
from fluxer_patcher.output.writer import write_changes
from fluxer_patcher.source.worktree import WorkTree
from tests.conftest import snapshot

DOCKERFILE = "fluxer_server/Dockerfile"
USER_DIR = "packages/api/src/models"
REPO = Path(__file__).resolve().parent.parent

_real_replace = os.replace


def wrap_replace(monkeypatch: pytest.MonkeyPatch, before: Callable[[int], None] | None = None,
                 after: Callable[[int], None] | None = None) -> list[int]:
    """Count renames; call ``before(n)`` / ``after(n)`` around the n-th (1-based)."""
    calls: list[int] = []

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        if not os.fspath(src).endswith(".fluxer-patch"):  # not a target's temporary file
            _real_replace(src, dst, **kw)
            return
        calls.append(len(calls) + 1)
        n = len(calls)
        if before:
            before(n)
        _real_replace(src, dst, **kw)
        if after:
            after(n)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def contents(root: Path) -> dict[str, bytes]:
    return {k: v[0] for k, v in snapshot(root).items()}


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.fluxer-patch") if p.is_file()]


def fully_applied(root: Path) -> bool:
    report = check_tree(root, Selection())
    return all(r.outcome is Outcome.PRESENT for r in report.results)


# -- item 1: no lost writes between runs or under a user's edit --------------------------------


def test_a_second_run_while_one_writes_is_refused_and_the_first_completes(fixture_tree, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    second: list[object] = []

    def run_second(n: int) -> None:
        if n == 1:
            try:
                second.append(apply(tree, Selection(), ApplyOptions()))
            except FluxerPatchError as exc:
                second.append(exc)

    wrap_replace(monkeypatch, before=run_second)
    apply(tree, Selection(), ApplyOptions())
    monkeypatch.undo()
    assert isinstance(second[0], FluxerPatchError) and "another fluxer-patch run" in str(second[0])
    assert fully_applied(tree)  # the Dockerfile and every other fix are in place
    assert not temps(tree) and not list(tree.rglob("*fluxer-patch.lock"))


def test_a_users_edit_saved_during_a_run_survives_its_rollback(fixture_tree, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)
    edit = b"# the user's own Dockerfile, saved while fluxer-patch ran\n"

    def after(n: int) -> None:
        if n == 1:
            (tree / DOCKERFILE).write_bytes(edit)

    def before(n: int) -> None:
        if n == 2:
            raise OSError(errno.ENOSPC, "No space left on device")

    wrap_replace(monkeypatch, before=before, after=after)
    with pytest.raises(FluxerPatchError) as caught:
        apply(tree, Selection(), ApplyOptions())
    monkeypatch.undo()
    assert (tree / DOCKERFILE).read_bytes() == edit
    assert DOCKERFILE in str(caught.value) and "changed on disk" in str(caught.value)
    now = contents(tree)
    assert {k for k in original if now.get(k) != original[k]} == {DOCKERFILE}
    assert not temps(tree)


def test_a_file_edited_between_the_check_and_its_rename_is_not_overwritten(fixture_tree, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    run = run_tree(tree, Selection())
    target = tree / run.changes[1].path
    edit = target.read_bytes() + b"\n"

    from fluxer_patcher.output import writer

    def hook(step: str, path: str) -> None:
        if step == "temp" and path == run.changes[-1].path:  # every file checked, none renamed yet
            target.write_bytes(edit)

    monkeypatch.setattr(writer, "step_hook", hook)
    with pytest.raises(FluxerPatchError, match="changed on disk"):
        write_changes(run.tree, run.changes)
    assert target.read_bytes() == edit
    assert not temps(tree)


# -- item 2: writes go only where the check looked ----------------------------------------------


def test_a_directory_swapped_for_a_symlink_after_the_check_is_not_written_through(
        fixture_tree, monkeypatch, tmp_path: Path) -> None:
    tree = fixture_tree("refactor-2026-02")
    outside = tmp_path / "outside"
    outside.mkdir()
    for f in (tree / USER_DIR).iterdir():
        (outside / f.name).write_bytes(f.read_bytes())
    before = contents(outside)
    run = run_tree(tree, Selection())
    real_resolve = WorkTree.resolve

    def resolve(self: WorkTree, path: str) -> Path:
        found = real_resolve(self, path)
        if path.startswith(USER_DIR + "/") and not (tree / USER_DIR).is_symlink():
            (tree / USER_DIR).rename(tmp_path / "moved")
            (tree / USER_DIR).symlink_to(outside)
        return found

    monkeypatch.setattr(WorkTree, "resolve", resolve)
    with pytest.raises(FluxerPatchError, match="nothing written"):
        write_changes(run.tree, run.changes)
    assert contents(outside) == before


# -- item 6: interruptions roll back or are undone by the next run ---------------------------


def test_ctrl_c_between_renames_rolls_back(fixture_tree, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)

    def after(n: int) -> None:
        if n == 3:
            os.kill(os.getpid(), signal.SIGINT)

    wrap_replace(monkeypatch, after=after)
    with pytest.raises(BaseException) as caught:  # old code: a bare KeyboardInterrupt
        apply(tree, Selection(), ApplyOptions())
    monkeypatch.undo()
    assert isinstance(caught.value, FluxerPatchError)
    assert caught.value.exit_code == 130 and "SIGINT" in str(caught.value)
    assert "nothing written" in str(caught.value)
    assert contents(tree) == original


def _apply_in_child(tree: Path, kill_at: int, signum: int) -> subprocess.CompletedProcess[str]:
    """``apply`` in a child process that sends itself ``signum`` after its ``kill_at``-th rename."""
    script = textwrap.dedent(f"""
        import os, sys
        real = os.replace
        calls = []
        def replace(src, dst, **kw):
            real(src, dst, **kw)
            if not os.fspath(src).endswith(".fluxer-patch"):
                return
            calls.append(1)
            if len(calls) == {kill_at}:
                os.kill(os.getpid(), {int(signum)})
        os.replace = replace
        from fluxer_patcher.console import main
        sys.argv = ["fluxer-patch", "apply", {str(tree)!r}]
        main()
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)


def test_sigterm_between_renames_rolls_back(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)
    proc = _apply_in_child(tree, 3, signal.SIGTERM)
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert "SIGTERM" in proc.stderr and "nothing written" in proc.stderr
    assert contents(tree) == original and not temps(tree)


def test_the_run_after_a_sigkill_undoes_it_removes_its_temp_files_and_says_so(fixture_tree, run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)
    proc = _apply_in_child(tree, 3, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    check = run_cli("check", str(tree))
    assert "interrupted" in check.output  # a read-only command mentions it, changes nothing
    result = run_cli("apply", str(tree))
    assert result.exit_code == 0, result.output
    assert "interrupted fluxer-patch run was undone: 3 file(s) restored" in result.output
    assert "temporary file(s) removed" in result.output
    assert not temps(tree)
    assert fully_applied(tree)
    assert contents(tree) != original


def test_a_rollback_that_fails_says_what_it_left_and_the_next_run_undoes_it(fixture_tree, monkeypatch,
                                                                            run_cli) -> None:
    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)

    def before(n: int) -> None:
        if n >= 3:
            raise OSError(errno.EROFS, "Read-only file system")

    wrap_replace(monkeypatch, before=before)
    with pytest.raises(FluxerPatchError) as caught:
        apply(tree, Selection(), ApplyOptions())
    monkeypatch.undo()
    message = str(caught.value)
    assert "nothing written" not in message and "rollback incomplete" in message
    assert "left patched" in message
    changed = {k for k in original if contents(tree).get(k) != original[k]}
    assert len(changed) == 2 and all(k in message for k in changed)
    assert not temps(tree)
    result = run_cli("apply", str(tree))
    assert result.exit_code == 0, result.output
    assert "interrupted fluxer-patch run was undone: 2 file(s) restored" in result.output
    assert fully_applied(tree) and not temps(tree)


# -- item 8: owner and group kept -----------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="giving files to another owner needs root")
def test_patched_files_keep_their_owner_and_group(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    for path in [tree, *tree.rglob("*")]:
        os.chown(path, 1234, 5678, follow_symlinks=False)
    run = run_tree(tree, Selection())
    apply(tree, Selection(), ApplyOptions())
    for change in run.changes:
        st = (tree / change.path).stat()
        assert (st.st_uid, st.st_gid) == (1234, 5678), change.path


# -- item 14: a full disk names the file -------------------------------------------------------


def test_disk_full_names_the_file_it_could_not_write(fixture_tree, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".fluxer-patch"):
            raise OSError(errno.ENOSPC, "No space left on device")  # no file name, as the kernel says it
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(FluxerPatchError) as caught:
        apply(tree, Selection(), ApplyOptions())
    monkeypatch.undo()
    assert str(caught.value).startswith(f"{DOCKERFILE}: No space left on device")
    assert "nothing written" in str(caught.value)
    assert contents(tree) == original and not temps(tree)


# -- a caller's last word before the first rename (an apply replay waits for git there) ----------


def _ready_after_flushes(monkeypatch: pytest.MonkeyPatch,
                         answer: Callable[[], bool]) -> tuple[list[str], Callable[[], bool]]:
    """Steps of the write, with "ready" where the writer asked; ``answer`` gives its answer."""
    from fluxer_patcher.output import writer

    steps: list[str] = []
    monkeypatch.setattr(writer, "step_hook", lambda step, path: steps.append(step))
    real_sync = writer._sync_all
    monkeypatch.setattr(writer, "_sync_all", lambda files: (real_sync(files), steps.append("flushed")))

    def ready() -> bool:
        steps.append("ready")
        return answer()

    return steps, ready


def test_a_write_the_caller_withdraws_replaces_nothing_and_leaves_no_temporary_file(fixture_tree,
                                                                                     monkeypatch) -> None:
    from fluxer_patcher.output import journal
    from fluxer_patcher.output.writer import Withdrawn

    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)
    changes = run_tree(tree, Selection()).changes
    steps, ready = _ready_after_flushes(monkeypatch, lambda: False)
    with pytest.raises(Withdrawn):
        write_changes(WorkTree(tree), changes, ready=ready)
    assert steps == ["temp"] * len(changes) + ["flushed", "ready"]  # asked once all were flushed, none renamed
    assert contents(tree) == original and not temps(tree)
    assert not os.path.exists(journal.journal_path(os.path.realpath(tree)))


def test_a_write_the_caller_lets_go_on_replaces_every_file(fixture_tree, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    changes = run_tree(tree, Selection()).changes
    steps, ready = _ready_after_flushes(monkeypatch, lambda: True)
    write_changes(WorkTree(tree), changes, ready=ready)
    n = len(changes)
    assert steps == ["temp"] * n + ["flushed", "ready"] + ["renamed"] * n
    assert fully_applied(tree) and not temps(tree)


def test_a_signal_while_the_caller_decides_is_the_signals(fixture_tree, monkeypatch) -> None:
    """SIGTERM arrives while the caller waits, and the caller then says no: the run was
    interrupted (exit 143), not withdrawn (which would let a run afresh go on)."""
    tree = fixture_tree("refactor-2026-02")
    original = contents(tree)
    changes = run_tree(tree, Selection()).changes

    def stopped() -> bool:
        os.kill(os.getpid(), signal.SIGTERM)
        return False

    _steps, ready = _ready_after_flushes(monkeypatch, stopped)
    with pytest.raises(FluxerPatchError) as caught:
        write_changes(WorkTree(tree), changes, ready=ready)
    assert caught.value.exit_code == 128 + signal.SIGTERM and "nothing written" in str(caught.value)
    assert contents(tree) == original and not temps(tree)
