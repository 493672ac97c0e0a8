"""Replaying a whole invocation (app/replay.py): the same output, exit code and files as the
run it replays, and a miss whenever anything it depends on moved.

The console entry point is called in-process (``console.main``, the function the installed
script calls).  Whether an invocation was replayed is seen by the command line not running:
a replay happens before it is even imported, so a test that forbids it (``no_cli``) proves one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import fluxer_patcher.cli  # noqa: F401  (the module below, not the function the package exports)
from fluxer_patcher import console
from fluxer_patcher.app import cachefiles, replay
from fluxer_patcher.output import journal
from tests.conftest import FIXTURES

ALL_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
cli_main = sys.modules["fluxer_patcher.cli.main"]  # console.main imports `main` from it
TARGET = "fluxer_server/Dockerfile"  # a file the refactor fixture holds and a fix edits


class CliRan(AssertionError):
    """The command line ran: the invocation was not replayed."""


def _git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


def fresh(tree: Path, name: str = "refactor-2026-02", commit: bool = False) -> Path:
    """A git worktree holding a copy of the fixture ``name`` (the apply's lock lives in .git/)."""
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(FIXTURES / name, tree, symlinks=True)
    _git(tree, "init", "-q")
    if commit:
        _git(tree, "add", "-A")
        _git(tree, "commit", "-q", "-m", "fixture")
    return tree


def files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mode) for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and ".git" not in p.relative_to(root).parts}


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) \
        -> Callable[..., tuple[int, str, str]]:
    """Run the console entry point with these arguments: (exit code, stdout, stderr)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["fluxer-patch", *args])
        with pytest.raises(SystemExit) as stopped:
            console.main()
        out = capsys.readouterr()
        code = stopped.value.code
        return (0 if code is None else int(code)), out.out, out.err

    return run


@pytest.fixture
def no_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """From now on the command line must not run (every invocation is replayed)."""
    monkeypatch.setattr(cli_main, "main", _refusing)
    yield


def entries(result_cache: Path) -> list[Path]:
    folder = result_cache / "invocations"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


SERIES = (
    ("check",),
    ("check", "--format", "json", "-v"),
    ("check", "--format", "markdown", "-q"),
    ("apply", "--dry-run"),
    ("apply", "--dry-run", "--format", "json"),
    ("apply", "--format", "json"),
    ("apply", "-v"),
    ("check", "--exit-code"),
)


def _series(invoke: Callable[..., tuple[int, str, str]], tree: Path) -> list[object]:
    seen: list[object] = []
    for args in SERIES:
        seen.append((args, invoke(*args, str(tree))))
        seen.append(files(tree))
    return seen


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_a_replay_does_what_the_run_did_on_every_fixture(name, tmp_path, invoke, result_cache, request) -> None:
    tree = tmp_path / name
    fresh(tree, name)
    ran = _series(invoke, tree)
    kept = entries(result_cache)
    assert kept  # at least the runs that ended 0 or 1
    fresh(tree, name)  # the same bytes again (new files: other inodes and times)
    request.getfixturevalue("no_cli")
    replayed = _series(invoke, tree)
    assert replayed == ran
    assert entries(result_cache) == kept  # a replay keeps nothing new


@pytest.mark.parametrize("args", [(), ("--format", "json", "-v")], ids=["text", "json-v"])
@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_an_apply_right_after_a_check_is_replayed_as_the_apply_would_run(name, args, tmp_path, invoke, result_cache,
                                                                          request) -> None:
    tree = tmp_path / name
    fresh(tree, name)
    ran = invoke("apply", *args, str(tree)), files(tree)  # the apply itself, no check before it
    shutil.rmtree(result_cache / "invocations")
    fresh(tree, name)
    checked = invoke("check", *args, str(tree))
    request.getfixturevalue("no_cli")
    assert (invoke("apply", *args, str(tree)), files(tree)) == ran
    assert checked[0] in (0, 1)


def test_a_coloured_check_keeps_the_apply_coloured_alike(tmp_path, invoke, result_cache, request) -> None:
    tree = fresh(tmp_path / "t")
    ran = invoke("apply", "--color", "always", str(tree)), files(tree)
    assert "\x1b[" in ran[0][1]
    shutil.rmtree(result_cache / "invocations")
    fresh(tree)
    invoke("check", "--color", "always", str(tree))
    request.getfixturevalue("no_cli")
    assert (invoke("apply", "--color", "always", str(tree)), files(tree)) == ran


@pytest.mark.parametrize("args", [(), ("--exit-code",), ("--format", "markdown")])
def test_a_check_with_an_argument_apply_reads_otherwise_keeps_no_apply(args, tmp_path, invoke, result_cache) -> None:
    tree = fresh(tmp_path / "t")
    invoke("check", *args, str(tree))
    assert len(entries(result_cache)) == (2 if not args else 1)  # the check's own entry (and the apply's)


def test_a_replay_keeps_file_modes(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")
    (tree / TARGET).chmod(0o640)
    done = invoke("apply", str(tree))
    after = files(tree)
    fresh(tree)
    (tree / TARGET).chmod(0o640)
    monkeypatch.setattr(cli_main, "main", _refusing)
    assert invoke("apply", str(tree)) == done
    assert files(tree) == after
    assert (tree / TARGET).stat().st_mode & 0o777 == 0o640


def _refusing() -> None:
    raise CliRan("the command line ran; the invocation was not replayed")


# -- what a replay depends on: each a miss, answered as a run answers --------------------


def _record_then(invoke: Callable[..., tuple[int, str, str]], tree: Path, change: Callable[[], None],
                 monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """Run ``args`` (recorded), ``change`` something, run again: (first, second); the second
    must not be a replay, and must answer as a run with no entry does."""
    first = invoke(*args, str(tree))
    change()
    calls = cli_runs(monkeypatch)
    second = invoke(*args, str(tree))
    assert calls, "replayed although something it depends on changed"
    return first, second


def cli_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per time the command line runs from now on (an invocation not replayed)."""
    calls: list[int] = []
    real = cli_main.main

    def counted() -> None:
        calls.append(1)
        real()

    monkeypatch.setattr(cli_main, "main", counted)
    return calls


def test_a_changed_byte_is_a_miss(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")
    target = tree / TARGET
    data = target.read_bytes()

    def edit() -> None:  # the same size, one byte other: the fix's anchor is gone
        at = data.index(b"ENTRYPOINT")
        target.write_bytes(data[:at] + b"X" + data[at + 1:])

    first, second = _record_then(invoke, tree, edit, monkeypatch, "check", "--format", "json")
    assert first != second


def test_a_settings_file_is_a_miss(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")

    def settle() -> None:
        (tree / ".fluxer-patch.toml").write_text('skip = ["compose-build-server"]\n')

    first, second = _record_then(invoke, tree, settle, monkeypatch, "check", "--format", "json")
    assert '"compose-build-server"' in first[1] and '"compose-build-server"' not in second[1]


def test_a_waiting_journal_is_a_miss(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")

    def interrupted() -> None:
        Path(journal.journal_path(os.path.realpath(tree))).write_text("{}")

    first, second = _record_then(invoke, tree, interrupted, monkeypatch, "check")
    assert "interrupted fluxer-patch run" in second[1] and "interrupted" not in first[1]


def test_a_change_only_git_sees_is_a_miss(tmp_path, invoke, monkeypatch) -> None:
    """The tree's files are the same bytes; git's index is not (the target is no longer tracked)."""
    tree = fresh(tmp_path / "t", commit=True)

    def untrack() -> None:
        _git(tree, "rm", "-q", "--cached", TARGET)

    first, second = _record_then(invoke, tree, untrack, monkeypatch, "check", "--format", "json")
    assert "local_changes" not in json.loads(first[1])
    assert TARGET in json.loads(second[1])["local_changes"]


def test_an_apply_replay_that_git_contradicts_withdraws_before_any_rename(tmp_path, invoke, monkeypatch) -> None:
    """git answers while the replay writes its new files: when its answer moved (the target
    is no longer tracked), the replay removes them with nothing replaced, and the run afresh
    writes and says so."""
    from fluxer_patcher.output import writer

    tree = fresh(tmp_path / "t", commit=True)
    invoke("apply", "--format", "json", str(tree))
    fresh(tree, commit=True)
    _git(tree, "rm", "-q", "--cached", TARGET)
    steps: list[str] = []
    monkeypatch.setattr(writer, "step_hook", lambda step, path: steps.append(step))
    calls = cli_runs(monkeypatch)
    code, out, _err = invoke("apply", "--format", "json", str(tree))
    assert calls and code in (0, 1)
    n = steps.count("renamed")
    assert n and steps == ["temp"] * n + ["temp"] * n + ["renamed"] * n  # the replay's, withdrawn; the run's
    assert TARGET in json.loads(out)["local_changes"]
    assert not list(tree.rglob("*.fluxer-patch"))


def test_the_tools_code_is_in_the_key(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")

    def edit() -> None:
        monkeypatch.setattr(cachefiles, "code_signature", lambda: (("fluxer_patcher/edited.py", 1, 1),))

    first, second = _record_then(invoke, tree, edit, monkeypatch, "check")
    assert first == second


def test_an_installed_distribution_is_in_the_key(tmp_path, invoke, monkeypatch) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    cachefiles.distributions.cache_clear()
    tree = fresh(tmp_path / "t")

    def install() -> None:
        (site / "example-1.0.dist-info").mkdir()
        cachefiles.distributions.cache_clear()  # as the next process asks anew

    try:
        first, second = _record_then(invoke, tree, install, monkeypatch, "check")
        (site / "notes.txt").write_text("not a distribution\n")  # e.g. a checkout on PYTHONPATH, written to
        cachefiles.distributions.cache_clear()
        calls = cli_runs(monkeypatch)
        assert invoke("check", str(tree)) == second and not calls  # replayed: the same distributions
    finally:
        cachefiles.distributions.cache_clear()
    assert first == second


def test_a_catalogue_outside_the_tools_code_is_read_again(tmp_path, invoke, monkeypatch) -> None:
    """The bundled catalogue is part of the code the key holds; another one (``--catalogue``)
    is a fact: one byte of a manifest, the same size and time, is a miss."""
    from fluxer_patcher.app.catalogue import bundled_root

    catalogue = tmp_path / "catalogue"
    for folder in ("patches", "queries"):
        shutil.copytree(bundled_root() / folder, catalogue / folder)
    manifest = sorted((catalogue / "patches").glob("*.toml"))[0]
    tree = fresh(tmp_path / "t")

    def edit() -> None:
        st = manifest.stat()
        manifest.write_bytes(manifest.read_bytes().replace(b"\n", b" ", 1))
        os.utime(manifest, ns=(st.st_atime_ns, st.st_mtime_ns))

    _record_then(invoke, tree, edit, monkeypatch, "check", "--catalogue", str(catalogue))


def test_the_bundled_catalogue_is_part_of_the_code_and_a_copy_of_it_is_not(tmp_path) -> None:
    from fluxer_patcher.app.catalogue import bundled_root

    manifest = sorted((bundled_root() / "patches").glob("*.toml"))[0]
    package = Path(cachefiles.__file__).resolve().parent.parent
    assert cachefiles.in_code(cachefiles.__file__)
    assert cachefiles.in_code(str(manifest)) == manifest.resolve().is_relative_to(package)
    assert not cachefiles.in_code(str(tmp_path / "x.toml"))
    assert not cachefiles.in_code(str(package / "__pycache__" / "x.pyc"))
    (tmp_path / "link").symlink_to(package)
    assert cachefiles.in_code(str(tmp_path / "link" / "console.py"))  # the real file is the code's


def test_the_environment_that_matters_is_in_the_key(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")
    first, second = _record_then(invoke, tree, lambda: monkeypatch.setenv("FORCE_COLOR", "1"), monkeypatch, "check")
    assert "\x1b[" not in first[1] and "\x1b[" in second[1]


def test_the_current_directory_is_in_the_key(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tree)
    first, second = _record_then(invoke, Path("."), lambda: monkeypatch.chdir(tmp_path / "elsewhere"), monkeypatch,
                                 "check")
    assert first[0] in (0, 1) and second[0] == 2  # elsewhere is no Fluxer checkout


def test_the_directory_found_from_a_subdirectory_is_asked_again(tmp_path, invoke, monkeypatch) -> None:
    """No PATH: the checkout is found upwards; once a nearer directory holds what marks one
    (here a settings file nothing else of the run looks at), that one is the checkout, and the
    replay must not answer for the old one."""
    tree = fresh(tmp_path / "t")
    below = tree / "notes" / "deep"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    first = invoke("check", "--format", "json")
    assert first[0] in (0, 1) and invoke("check", "--format", "json") == first  # replayed alike
    (tree / "notes" / ".fluxer-patch.toml").write_text("")
    calls = cli_runs(monkeypatch)
    second = invoke("check", "--format", "json")
    assert calls, "replayed although the checkout it would work on moved"
    assert json.loads(first[1])["target"] == "../.."
    assert second[0] == 2 and second[2].startswith("fluxer-patch: ..: not a Fluxer checkout")


def test_a_damaged_entry_is_a_miss(tmp_path, invoke, result_cache, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")

    def damage() -> None:
        for entry in entries(result_cache):
            data = bytearray(entry.read_bytes())
            data[-1] ^= 0xFF
            entry.write_bytes(bytes(data))

    first, second = _record_then(invoke, tree, damage, monkeypatch, "check")
    assert first == second


# -- what is never kept -------------------------------------------------------------------


def test_errors_and_the_cache_off_keep_nothing(tmp_path, invoke, result_cache, monkeypatch) -> None:
    (tmp_path / "empty").mkdir()
    assert invoke("check", str(tmp_path / "empty"))[0] == 2
    assert entries(result_cache) == []
    tree = fresh(tmp_path / "t")
    invoke("check", "--no-cache", str(tree))
    monkeypatch.setenv(cachefiles.ENV_OFF, "1")
    invoke("check", str(tree))
    assert entries(result_cache) == []


def test_commit_is_never_replayed(tmp_path, invoke, result_cache) -> None:
    tree = fresh(tmp_path / "t", commit=True)
    assert invoke("apply", "--commit", str(tree))[0] == 0
    assert entries(result_cache) == []


def test_an_apply_replay_takes_the_lock(tmp_path, invoke, monkeypatch) -> None:
    tree = fresh(tmp_path / "t")
    done = invoke("apply", str(tree))
    after = files(tree)
    fresh(tree)
    before = files(tree)
    calls = cli_runs(monkeypatch)
    with journal.locked(tree):  # another apply holds it: the replay steps aside, the run refuses
        code, _out, err = invoke("apply", str(tree))
    assert calls and code == 2 and "fluxer-patch:" in err
    assert files(tree) == before
    assert invoke("apply", str(tree))[:2] == done[:2]
    assert files(tree) == after


# -- the key ------------------------------------------------------------------------------


def test_equal_material_is_one_key() -> None:
    """Marshal's later formats share repeated objects by identity: equal material, other bytes."""
    shared = "x" * 40
    copy = "".join(["x"] * 40)
    assert shared == copy and shared is not copy
    assert cachefiles.key_of((shared, shared)) == cachefiles.key_of((shared, copy))


def test_facts_name_questions_a_replay_can_ask() -> None:
    assert set(replay.STARTED) <= set(replay.FACTS)
    assert not replay.holds([("no such question", (), None)])


def test_a_signal_while_a_replay_writes_puts_the_files_back_and_stops(tmp_path, invoke, monkeypatch) -> None:
    import signal

    from fluxer_patcher.output import writer

    tree = fresh(tmp_path / "t")
    invoke("apply", str(tree))
    fresh(tree)
    before = files(tree)
    renamed: list[str] = []

    def hook(step: str, path: str) -> None:
        if step == "renamed":
            renamed.append(path)
            if len(renamed) == 2:
                os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(writer, "step_hook", hook)
    monkeypatch.setattr(cli_main, "main", _refusing)  # stopped: never computed afresh instead
    code, out, err = invoke("apply", str(tree))
    assert len(renamed) >= 2  # the replay was writing
    assert code == 128 + signal.SIGTERM and out == ""
    assert err.startswith("fluxer-patch: interrupted by SIGTERM") and err.count("\n") == 1
    assert files(tree) == before


def test_output_written_past_the_noted_stream_is_not_kept(monkeypatch) -> None:
    import io

    recording = replay._Recording()
    monkeypatch.setattr(replay, "_active", recording)
    stream = replay._Tee(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), 1, recording.output)
    stream.writelines(["a\n", "b\n"])
    assert recording.output == [(1, "a\n"), (1, "b\n")] and not recording.spoiled
    stream.buffer.write(b"raw")  # bytes the entry could not hold
    assert recording.spoiled
