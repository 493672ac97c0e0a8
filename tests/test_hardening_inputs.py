"""Hostile inputs: special files, names and catalogues (issue 13, items 5, 10, 12, 13)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "fluxer_patcher"
DEPLOYMENTS = Path(__file__).resolve().parent / "data" / "deployments"


def cli(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command line in a child process: a hang fails the test instead of the suite."""
    return subprocess.run([sys.executable, "-m", "fluxer_patcher", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout, stdin=subprocess.DEVNULL)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


# -- item 10: only regular files are read ------------------------------------------------------


def test_a_fifo_as_a_target_is_an_error_not_a_hang(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    _fifo(tree / "fluxer_server/Dockerfile")
    proc = cli("apply", tree)
    assert proc.returncode == 2
    assert "fluxer_server/Dockerfile: is a FIFO, not a regular file" in proc.stdout + proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_as_a_target_is_not_read(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    target = tree / "compose.yaml"
    target.unlink()
    os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    proc = cli("check", tree, timeout=30)
    assert proc.returncode == 2
    assert "compose.yaml: is a device, not a regular file" in proc.stdout + proc.stderr


def test_a_fifo_as_doctors_config_is_an_error_row(tmp_path: Path) -> None:
    root = tmp_path / "clean"
    shutil.copytree(DEPLOYMENTS / "clean", root)
    _fifo(root / "config/config.json")
    proc = cli("doctor", root)
    assert proc.returncode == 2
    assert "config/config.json: is a FIFO, not a regular file" in proc.stdout + proc.stderr


def test_a_fifo_as_a_manifest_is_a_catalogue_error(tmp_path: Path, fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    catalogue = tmp_path / "catalogue"
    shutil.copytree(REPO / "patches", catalogue / "patches")
    shutil.copytree(REPO / "queries", catalogue / "queries")
    _fifo(next((catalogue / "patches").glob("*.toml")))
    proc = cli("check", tree, "--catalogue", catalogue)
    assert proc.returncode == 2
    assert "is a FIFO, not a regular file" in proc.stderr and len(proc.stderr.splitlines()) == 1


# -- item 5: nothing inside .git/, no query from outside the catalogue, no file text in errors ---


def test_a_symlink_into_dot_git_is_not_a_target(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    (tree / ".git").mkdir()
    hostile = (tree / "compose.yaml").read_bytes()  # a git config that looks like the target
    (tree / ".git/config").write_bytes(hostile)
    (tree / "compose.yaml").unlink()
    (tree / "compose.yaml").symlink_to(".git/config")
    proc = cli("apply", tree, "--format", "json")
    assert (tree / ".git/config").read_bytes() == hostile
    assert proc.returncode == 2
    assert "compose.yaml: inside .git/" in proc.stdout


def test_a_catalogue_targeting_dot_git_is_refused(fixture_tree, tmp_path: Path) -> None:
    tree = fixture_tree("refactor-2026-02")
    (tree / ".git").mkdir()
    (tree / ".git/config").write_bytes((tree / "compose.yaml").read_bytes())
    before = (tree / ".git/config").read_bytes()
    catalogue = tmp_path / "catalogue"
    shutil.copytree(REPO / "patches", catalogue / "patches")
    shutil.copytree(REPO / "queries", catalogue / "queries")
    for manifest in (catalogue / "patches").glob("*.toml"):
        text = manifest.read_text()
        manifest.write_text(text.replace('"compose.yaml"', '".git/config"').replace("'compose.yaml'", "'.git/config'"))
    proc = cli("apply", tree, "--catalogue", catalogue, "--format", "json")
    assert (tree / ".git/config").read_bytes() == before
    assert ".git/config: inside .git/" in proc.stdout + proc.stderr


def test_a_query_path_leaving_the_catalogue_is_refused_without_echoing_it(fixture_tree, tmp_path: Path) -> None:
    tree = fixture_tree("refactor-2026-02")
    secret = tmp_path / "secret"
    secret.write_text("hunter2-token-value\n")
    catalogue = tmp_path / "catalogue"
    shutil.copytree(REPO / "patches", catalogue / "patches")
    shutil.copytree(REPO / "queries", catalogue / "queries")
    manifest = next(p for p in sorted((catalogue / "patches").glob("*.toml")) if "query = " in p.read_text())
    text = manifest.read_text()
    start = text.index("query = ")
    end = text.index("\n", start)
    for rel in ("../../secret", str(secret)):
        manifest.write_text(text[:start] + f"query = {rel!r}" + text[end:])
        proc = cli("check", tree, "--catalogue", catalogue)
        assert proc.returncode == 2
        assert "outside the catalogue" in proc.stderr and "hunter2" not in proc.stderr + proc.stdout


def test_a_query_error_does_not_print_the_files_text(tmp_path: Path) -> None:
    from fluxer_patcher.syntax import queries

    bad = tmp_path / "bad.scm"
    bad.write_text('(identifier "s3cr3t-t0ken=abc") @target\n')
    with pytest.raises(queries.QueryError) as caught:
        queries.compile_together([queries.compile_query("javascript", bad)])
    assert "bad.scm:1:" in str(caught.value) and "s3cr3t" not in str(caught.value)


# -- item 13: one line, never a traceback -------------------------------------------------------

PRIVATE = "packages/api/src"


def test_a_subdirectory_we_may_not_enter_is_one_line_not_a_traceback(fixture_tree, run_cli, monkeypatch) -> None:
    """As mode 000 looks to a user who is not root (``os.stat`` and ``open`` refused below it)."""
    tree = fixture_tree("refactor-2026-02")
    private = str(tree / PRIVATE) + "/"
    real_stat, real_open = os.stat, os.open

    def refused(path: object) -> bool:
        return isinstance(path, str | Path) and str(path).startswith(private)

    def fake_stat(path: object, *args: object, **kw: object) -> os.stat_result:
        if refused(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kw)  # type: ignore[arg-type]

    def fake_open(path: object, *args: object, **kw: object) -> int:
        if refused(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", fake_stat)
    monkeypatch.setattr(os, "open", fake_open)
    result = run_cli("check", str(tree))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert "permission denied" in result.output.lower()


@pytest.mark.skipif(os.geteuid() == 0, reason="root enters a mode-000 directory anyway")
def test_a_mode_000_subdirectory_is_one_line(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    (tree / PRIVATE).chmod(0)
    try:
        proc = cli("check", tree)
    finally:
        (tree / PRIVATE).chmod(0o755)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_a_name_that_is_not_utf8_is_one_line(fixture_tree) -> None:
    tree = fixture_tree("refactor-2026-02")
    odd = Path(os.fsdecode(bytes(tree / "packages") + b"/bad\xff"))
    odd.mkdir()
    (odd / "package.json").write_text('{"name": "x"}\n')
    proc = cli("check", tree)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "not UTF-8" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_deeply_nested_toml_array_is_a_catalogue_error(fixture_tree, tmp_path: Path) -> None:
    tree = fixture_tree("refactor-2026-02")
    catalogue = tmp_path / "catalogue"
    shutil.copytree(REPO / "patches", catalogue / "patches")
    shutil.copytree(REPO / "queries", catalogue / "queries")
    (catalogue / "patches" / "99-deep.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    proc = cli("check", tree, "--catalogue", catalogue)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "99-deep.toml" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_ctrl_c_while_the_command_line_is_imported_is_one_line() -> None:
    """The console script named in pyproject.toml, interrupted while it imports click."""
    import tomllib

    target = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["fluxer-patch"]
    module, _, func = target.partition(":")
    script = textwrap.dedent(f"""
        import builtins, os, signal, sys
        real = builtins.__import__
        def interrupting(name, *args, **kw):
            if name == "click":
                builtins.__import__ = real
                os.kill(os.getpid(), signal.SIGINT)
            return real(name, *args, **kw)
        builtins.__import__ = interrupting
        sys.argv = ["fluxer-patch", "list"]
        from importlib import import_module
        getattr(import_module({module!r}), {func!r})()
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 130
    assert proc.stderr == "fluxer-patch: aborted\n"


def test_ctrl_c_during_query_compilation_is_an_interrupt_not_a_query_error(tmp_path: Path, monkeypatch) -> None:
    """py-tree-sitter turns an interrupt inside a ``#match?`` regex into a query error: the
    interrupt must win (item 14), as a KeyboardInterrupt the command line reports as aborted."""
    import signal

    import tree_sitter

    from fluxer_patcher.syntax import queries

    real = tree_sitter.Query

    def interrupted(language: object, source: str) -> object:
        try:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C lands while tree-sitter compiles ...
            time.sleep(0.05)
        except KeyboardInterrupt:  # ... and tree-sitter reports it as a bad regex
            raise tree_sitter.QueryError("Invalid predicate in pattern at row 0: regular expression error") from None
        return real(language, source)

    monkeypatch.setattr(tree_sitter, "Query", interrupted)
    q = tmp_path / "q.scm"
    q.write_text('((identifier) @target (#match? @target "^a"))\n')
    with pytest.raises(KeyboardInterrupt):
        queries.compile_together([queries.compile_query("javascript", q)])
    monkeypatch.setattr(tree_sitter, "Query", real)


# -- item 11: doctor's YAML: alias bombs refused, errors located fast -----------------------


def _bomb() -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_the_livekit_config_is_refused_at_once(tmp_path: Path) -> None:
    root = tmp_path / "clean"
    shutil.copytree(DEPLOYMENTS / "clean", root)
    (root / "config/livekit.yaml").write_text((root / "config/livekit.yaml").read_text() + _bomb())
    started = time.monotonic()
    proc = cli("doctor", root, timeout=30)
    assert time.monotonic() - started < 20
    assert proc.returncode == 2
    assert "config/livekit.yaml: its aliases expand to more than" in proc.stderr


def test_a_yaml_error_at_the_end_of_a_long_file_is_located_fast(tmp_path: Path) -> None:
    root = tmp_path / "clean"
    shutil.copytree(DEPLOYMENTS / "clean", root)
    filler = "".join(f"extra{i}:\n  sub: value {i}\n" for i in range(4000))
    (root / "config/livekit.yaml").write_text((root / "config/livekit.yaml").read_text() + filler + " bad: [x\n")
    lines = (root / "config/livekit.yaml").read_text().count("\n")
    started = time.monotonic()
    proc = cli("doctor", root, timeout=30)
    assert time.monotonic() - started < 10
    assert proc.returncode == 2
    assert f"config/livekit.yaml:{lines}:2: malformed YAML" in proc.stderr


# -- item 12: a query that would never end is reported as the problem -------------------------


def _run_query(pattern: str, code: str) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(f"""
        import pathlib, sys, tempfile
        from fluxer_patcher.syntax import queries
        from fluxer_patcher.syntax.document import Document
        q = pathlib.Path(tempfile.mkdtemp()) / "slow.scm"
        q.write_text({pattern!r})
        try:
            query = queries.compile_query("javascript", q)
            query.run(Document("x.js", {code!r}.encode(), "javascript").root)
        except queries.QueryError as exc:
            sys.exit(f"QueryError: {{exc}}")
        print("finished")
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=30)


def test_a_catastrophic_regex_is_refused_before_it_runs() -> None:
    proc = _run_query('((identifier) @target (#match? @target "^(a+)+$"))\n', "a" * 40 + "b;")
    assert proc.returncode == 1
    assert "slow.scm:1: a #match? regex repeats a repetition" in proc.stderr


def test_a_combinatorial_pattern_stops_at_the_match_limit_and_names_the_query() -> None:
    pattern = "(arguments (identifier)* @a (identifier)* @b (identifier)* @target) @x\n"
    proc = _run_query(pattern, "f(" + ",".join(["a"] * 200) + ");")
    assert proc.returncode == 1
    assert "slow.scm: more than" in proc.stderr and "matches in progress" in proc.stderr
