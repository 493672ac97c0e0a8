"""The result cache (app/cache.py, source/recording.py): a warm run never answers differently.

Every test has a cache directory of its own (conftest.result_cache).  Whether a run was
replayed is seen by counting the engine's runs: a hit never starts the engine.
"""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fluxer_patcher.app import cache
from fluxer_patcher.app.catalogue import bundled_root
from fluxer_patcher.app.run import ApplyOptions, Selection, apply, run_tree
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.errors import FluxerPatchError
from fluxer_patcher.source.base import FileMissing
from fluxer_patcher.source.recording import RecordingTree, still_holds
from fluxer_patcher.source.worktree import WorkTree
from tests.conftest import FIXTURES

ALL_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def engine_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per time the engine ran (a miss)."""
    runs: list[int] = []
    real = Engine.run

    def counted(self: Engine, patches: Any) -> Any:
        runs.append(1)
        return real(self, patches)

    monkeypatch.setattr(Engine, "run", counted)
    return runs


def files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mode) for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def entries(folder: Path) -> list[Path]:
    runs = folder / "runs"
    return sorted(p for p in runs.iterdir() if not p.name.startswith(".")) if runs.is_dir() else []


def answers(folder: Path) -> dict[tuple[object, ...], str]:
    (entry,) = entries(folder)
    return dict(marshal.loads(entry.read_bytes()[len(cache.FORMAT) + 32:])["answers"])


# -- cold and warm give the same answer, on every fixture -------------------------------


def _series(run_cli: Any, tree: Path, runs: list[int], *extra: str) -> tuple[dict[str, object], list[str]]:
    """Everything a user sees of check, apply --dry-run, apply, apply again and check; and
    which of them ran the engine."""
    out: dict[str, object] = {}
    computed: list[str] = []

    def record(name: str, *args: str) -> None:
        before = len(runs)
        result = run_cli(*args, str(tree), *extra)
        out[name] = (result.exit_code, result.stdout, result.stderr)
        if len(runs) > before:
            computed.append(name)

    for fmt in ("text", "json", "markdown"):
        record(f"check {fmt}", "check", "--format", fmt, "-v")
    record("dry-run json", "apply", "--dry-run", "--format", "json")
    record("dry-run text", "apply", "--dry-run")
    record("apply json", "apply", "--format", "json")
    out["files"] = files(tree)
    record("apply again", "apply", "-v")
    record("check after", "check", "--format", "json")
    return out, computed


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_warm_runs_answer_as_cold_ones_on_every_fixture(name, tmp_path, run_cli, engine_runs, result_cache) -> None:
    tree = tmp_path / name

    def fresh() -> None:  # a git worktree, as a real checkout: the apply's lock lives in .git/
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(FIXTURES / name, tree, symlinks=True)
        subprocess.run(["git", "init", "-q", str(tree)], check=True)

    fresh()
    cold, computed = _series(run_cli, tree, engine_runs, "--no-cache")
    assert entries(result_cache) == []  # --no-cache keeps nothing either
    assert len(computed) == len(cold) - 1
    fresh()
    warm, computed = _series(run_cli, tree, engine_runs)
    assert warm == cold
    # Computed: the first check, and the apply after the files changed (when the first wrote).
    assert computed in (["check text"], ["check text", "apply again"])
    assert entries(result_cache)


# -- what a hit depends on ------------------------------------------------------------


def _check_json(run_cli: Any, tree: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("check", str(tree), "--format", "json", *extra)
    return result.exit_code, result.stdout


def _assert_miss_and_fresh(run_cli: Any, tree: Path, engine_runs: list[int], *extra: str) -> None:
    """The next check computes again and says what a run without the cache says."""
    before = len(engine_runs)
    warm = _check_json(run_cli, tree, *extra)
    assert len(engine_runs) == before + 1
    assert warm == _check_json(run_cli, tree, "--no-cache", *extra)


def test_a_hit_needs_every_answer_the_same(fixture_tree, run_cli, engine_runs) -> None:
    tree = fixture_tree("refactor-2026-02")
    first = _check_json(run_cli, tree)
    assert _check_json(run_cli, tree) == first
    assert len(engine_runs) == 1


def test_a_changed_byte_of_a_file_read_is_a_miss(fixture_tree, run_cli, engine_runs, result_cache) -> None:
    tree = fixture_tree("refactor-2026-02")
    _check_json(run_cli, tree)
    read = [q[1] for q in answers(result_cache) if q[0] == "read"]
    assert "fluxer_server/Dockerfile" in read
    target = tree / "fluxer_server/Dockerfile"
    target.write_bytes(target.read_bytes().replace(b"FROM", b"from", 1))
    _assert_miss_and_fresh(run_cli, tree, engine_runs)


def test_a_file_new_at_a_path_found_absent_is_a_miss(fixture_tree, run_cli, engine_runs, result_cache) -> None:
    tree = fixture_tree("refactor-2026-02")
    _check_json(run_cli, tree)
    absent = [q[1] for q, a in answers(result_cache).items() if q[0] == "is_file" and a == "False"]
    assert absent
    path = tree / str(absent[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n")
    _assert_miss_and_fresh(run_cli, tree, engine_runs)


def test_a_directory_listed_with_a_new_name_is_a_miss(fixture_tree, run_cli, engine_runs, result_cache) -> None:
    tree = fixture_tree("refactor-2026-02")
    _check_json(run_cli, tree)
    listed = [q[1] for q in answers(result_cache) if q[0] == "list_dir"]
    assert listed
    (tree / str(listed[0]) / "zz-new-entry").mkdir(parents=True)
    _assert_miss_and_fresh(run_cli, tree, engine_runs)


def test_a_whole_tree_search_with_another_outcome_is_a_miss(fixture_tree, run_cli, engine_runs,
                                                            result_cache) -> None:
    tree = fixture_tree("upstream-later")  # obsolete conditions search the tree
    _check_json(run_cli, tree)
    searched = [q for q in answers(result_cache) if q[0] == "grep"]
    assert searched
    literals = searched[0][1]
    assert isinstance(literals, tuple)
    (tree / "zz-new-file.ts").write_text(" ".join(literals) + "\n")
    _assert_miss_and_fresh(run_cli, tree, engine_runs)


def test_another_selection_is_a_miss(fixture_tree, run_cli, engine_runs) -> None:
    tree = fixture_tree("refactor-2026-02")
    _check_json(run_cli, tree)
    _assert_miss_and_fresh(run_cli, tree, engine_runs, "--skip", "compose-build-server")
    _assert_miss_and_fresh(run_cli, tree, engine_runs, "--only", "compose-build-server")
    assert _check_json(run_cli, tree, "--only", "compose-build-server")[0] == 0


def test_the_trees_own_settings_and_a_path_map_are_inputs(fixture_tree, run_cli, engine_runs) -> None:
    tree = fixture_tree("fork-renamed")
    _check_json(run_cli, tree)
    _assert_miss_and_fresh(run_cli, tree, engine_runs, "--path-map", "fluxer_app=apps/web")
    (tree / ".fluxer-patch.toml").write_text('[paths]\n"fluxer_app" = "apps/web"\n"fluxer_server" = "brand_server"\n')
    _assert_miss_and_fresh(run_cli, tree, engine_runs)
    _assert_miss_and_fresh(run_cli, tree, engine_runs, "--path-map", "fluxer_app=apps/web")


def test_a_changed_catalogue_is_a_miss(fixture_tree, run_cli, engine_runs, tmp_path) -> None:
    tree = fixture_tree("refactor-2026-02")
    catalogue = tmp_path / "catalogue"
    for folder in ("patches", "queries"):
        shutil.copytree(bundled_root() / folder, catalogue / folder)
    _check_json(run_cli, tree, "--catalogue", str(catalogue))
    query = sorted((catalogue / "queries").rglob("*.scm"))[0]
    query.write_text(query.read_text() + "\n; a comment changes no match, but the bytes\n")
    _assert_miss_and_fresh(run_cli, tree, engine_runs, "--catalogue", str(catalogue))
    manifest = sorted((catalogue / "patches").glob("*.toml"))[0]
    manifest.write_text(manifest.read_text() + "\n# the same\n")
    _assert_miss_and_fresh(run_cli, tree, engine_runs, "--catalogue", str(catalogue))


def test_the_key_holds_the_whole_selection() -> None:
    catalogue_root = bundled_root()
    from fluxer_patcher.app.catalogue import load_catalogue

    catalogue = load_catalogue(catalogue_root)
    keys = {cache.run_key(Path("."), catalogue, s) for s in (Selection(), Selection(("a",)), Selection((), ("a",)))}
    assert len(keys) == 3


def test_the_key_does_not_depend_on_how_the_tool_was_started(monkeypatch, tmp_path) -> None:
    from fluxer_patcher.app.catalogue import load_catalogue

    catalogue = load_catalogue()
    key = cache.run_key(Path("."), catalogue, Selection())
    (tmp_path / "something-1.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path[1:]])  # `python -m` from another directory
    assert cache.run_key(Path("."), catalogue, Selection()) == key


# -- a damaged, foreign or unusable cache is a miss, never a failure --------------------


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage", "other-format"])
def test_a_damaged_entry_is_a_miss(fixture_tree, run_cli, engine_runs, result_cache, damage) -> None:
    tree = fixture_tree("refactor-2026-02")
    first = _check_json(run_cli, tree)
    (entry,) = entries(result_cache)
    data = entry.read_bytes()
    entry.write_bytes({
        "flip": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
        "truncate": data[: len(data) // 2],
        "empty": b"",
        "garbage": os.urandom(64),
        "other-format": b"fluxer-patch cache 0\n" + data[len(cache.FORMAT):],
    }[damage])
    assert _check_json(run_cli, tree) == first
    assert len(engine_runs) == 2
    assert _check_json(run_cli, tree) == first  # the run wrote a good entry again
    assert len(engine_runs) == 2


def test_an_entry_of_a_well_formed_but_foreign_shape_is_a_miss(fixture_tree, run_cli, engine_runs,
                                                               result_cache) -> None:
    tree = fixture_tree("refactor-2026-02")
    first = _check_json(run_cli, tree)
    (entry,) = entries(result_cache)
    value = marshal.loads(entry.read_bytes()[len(cache.FORMAT) + 32:])
    value["answers"] = ((("unknown-question", "x"), "y"),)
    cache._write_entry(entry, value)
    assert _check_json(run_cli, tree) == first
    assert len(engine_runs) == 2


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_an_entry_another_user_owns_is_not_read(fixture_tree, run_cli, engine_runs, result_cache) -> None:
    tree = fixture_tree("refactor-2026-02")
    _check_json(run_cli, tree)
    (entry,) = entries(result_cache)
    os.chown(entry, 12345, 12345)
    _check_json(run_cli, tree)
    assert len(engine_runs) == 2


def test_an_unusable_cache_directory_never_fails_a_run(fixture_tree, run_cli, engine_runs, tmp_path,
                                                       monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    expected = _check_json(run_cli, tree, "--no-cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    assert _check_json(run_cli, tree) == expected
    assert _check_json(run_cli, tree) == expected
    assert len(engine_runs) == 3


def test_the_cache_can_be_turned_off_by_the_environment(fixture_tree, run_cli, engine_runs, result_cache,
                                                        monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    monkeypatch.setenv(cache.ENV_OFF, "1")
    _check_json(run_cli, tree)
    _check_json(run_cli, tree)
    assert len(engine_runs) == 2
    assert entries(result_cache) == []


def test_where_the_cache_lives(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(cache.ENV_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "fluxer-patch"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # not absolute: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == tmp_path / "home" / ".cache" / "fluxer-patch"
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "elsewhere"))
    assert cache.directory() == tmp_path / "elsewhere"
    cache.configure(enabled=False)
    assert cache.directory() is None


def test_concurrent_runs_share_the_cache_safely(fixture_tree, result_cache) -> None:
    tree = fixture_tree("refactor-2026-02")
    command = [sys.executable, "-m", "fluxer_patcher", "check", str(tree), "--format", "json"]
    expected = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, cwd=REPO).stdout
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO) for _ in range(4)]
    assert [r.communicate()[0] for r in runs] == [expected] * 4
    assert len(entries(result_cache)) == 1
    assert not [p for p in (result_cache / "runs").iterdir() if p.name.startswith(".")]  # no temporary left
    assert subprocess.run(command, capture_output=True, text=True, cwd=REPO).stdout == expected


def test_the_cache_is_pruned_to_its_bounds(tmp_path) -> None:
    for n in range(6):
        entry = tmp_path / f"entry{n}"
        entry.write_bytes(b"x" * 100)
        os.utime(entry, (1000 + n, 1000 + n))
    stale = tmp_path / ".entry.123.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1000, 1000))
    cache.prune(tmp_path, max_entries=4, max_bytes=10_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry2", "entry3", "entry4", "entry5"]
    cache.prune(tmp_path, max_entries=4, max_bytes=250)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry4", "entry5"]


# -- apply from cached results still goes through the safe writer ------------------------


def test_apply_after_check_writes_what_a_cold_apply_writes(fixture_tree, engine_runs) -> None:
    cold_tree, warm_tree = fixture_tree("refactor-2026-02"), fixture_tree("guide-2026-02-26")
    shutil.rmtree(warm_tree)
    shutil.copytree(cold_tree, warm_tree, symlinks=True)
    for tree in (cold_tree, warm_tree):  # the lock then lives in .git/, not in the tree the run reads
        subprocess.run(["git", "init", "-q", str(tree)], check=True)
    cache.configure(enabled=False)
    apply(cold_tree, Selection(), ApplyOptions())
    cache.configure(enabled=True)
    run_tree(warm_tree, Selection())
    apply(warm_tree, Selection(), ApplyOptions())
    assert len(engine_runs) == 2  # the cold apply and the check; the apply replayed the check
    assert files(warm_tree) == files(cold_tree)


def test_a_replayed_apply_still_refuses_a_file_that_changed(fixture_tree, monkeypatch) -> None:
    tree = fixture_tree("refactor-2026-02")
    run_tree(tree, Selection())
    target = tree / "fluxer_server/Dockerfile"
    edited = target.read_bytes() + b"# mine\n"
    target.write_bytes(edited)
    # As if the file changed between the cache's check and the write: the writer compares bytes.
    monkeypatch.setattr("fluxer_patcher.app.cache.still_holds", lambda tree, answers: True)
    with pytest.raises(FluxerPatchError, match="changed on disk"):
        apply(tree, Selection(), ApplyOptions())
    assert target.read_bytes() == edited


# -- the recording tree ---------------------------------------------------------------


def test_the_recording_tree_notes_every_question_and_errors_too(fixture_tree) -> None:
    root = fixture_tree("refactor-2026-02")
    tree = RecordingTree(WorkTree(root))
    assert tree.read("compose.yaml")
    assert not tree.is_file("no/such/file")
    with pytest.raises(FileMissing):
        tree.read("no/such/file")
    assert tree.list_dir("") == WorkTree(root).list_dir("")
    assert tree.grep(["FROM"], ["Dockerfile"]) == WorkTree(root).grep(["FROM"], ["Dockerfile"])
    assert tree.label == str(root)
    assert [q[0] for q in tree.answers] == ["read", "is_file", "read", "list_dir", "grep", "label"]
    recorded = list(tree.answers.items())
    assert still_holds(WorkTree(root), recorded)
    assert not still_holds(WorkTree(os.path.relpath(root)), recorded)  # the same tree named otherwise
    (root / "no/such").mkdir(parents=True)
    (root / "no/such/file").write_text("now here\n")
    assert not still_holds(WorkTree(root), recorded)


# -- the validated catalogue ----------------------------------------------------------------


def _fresh_catalogue_load(monkeypatch, root=None, fail_loader: bool = False):
    from fluxer_patcher.app import catalogue as bundled
    from fluxer_patcher.catalogue import loader

    monkeypatch.setattr(bundled, "_LOADED", {})
    if fail_loader:
        def refuse(*args, **kwargs):
            raise AssertionError("the catalogue was validated again")
        monkeypatch.setattr(loader, "load", refuse)
    return bundled.load_catalogue(root)


def test_the_validated_catalogue_is_reused_across_runs_by_content(monkeypatch) -> None:
    first = _fresh_catalogue_load(monkeypatch)
    again = _fresh_catalogue_load(monkeypatch, fail_loader=True)
    assert again == first and again is not first


def test_the_validated_catalogue_is_reused_with_the_result_cache_off(monkeypatch) -> None:
    """It is derived from the tool's own data, not from a tree: --no-cache concerns results."""
    first = _fresh_catalogue_load(monkeypatch)
    cache.configure(enabled=False)
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cache.directory() is None and cache.data_directory() is not None
    assert _fresh_catalogue_load(monkeypatch, fail_loader=True) == first


def test_a_changed_manifest_byte_or_a_damaged_entry_validates_the_catalogue_again(monkeypatch, tmp_path) -> None:
    import shutil

    from fluxer_patcher.app import cache
    from fluxer_patcher.app.catalogue import bundled_root

    root = tmp_path / "catalogue"
    shutil.copytree(bundled_root() / "patches", root / "patches")
    shutil.copytree(bundled_root() / "queries", root / "queries")
    first = _fresh_catalogue_load(monkeypatch, root)
    manifest = root / "patches" / "04-rspack-cdn-endpoint.toml"
    manifest.write_text(manifest.read_text().replace('title = "', 'title = "Changed: ', 1))
    changed = _fresh_catalogue_load(monkeypatch, root)
    assert changed != first and changed.patches[3].title.startswith("Changed: ")
    folder = cache.directory()
    assert folder is not None
    for entry in (folder / "catalogues").iterdir():
        data = bytearray(entry.read_bytes())
        data[-1] ^= 0xFF
        entry.write_bytes(bytes(data))
    assert _fresh_catalogue_load(monkeypatch, root) == changed  # damaged: validated again, same result
