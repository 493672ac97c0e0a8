"""Lean start-up: a command imports only the machinery it uses (what is imported, never how long)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

# Runs the command line in a fresh interpreter and prints the modules it imported.
_PROBE = """\
import json, sys
from fluxer_patcher.cli.main import cli
try:
    cli.main(sys.argv[2:], prog_name="fluxer-patch", standalone_mode=False)
except SystemExit:
    pass
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def imported(tmp_path: Path, *args: str | Path) -> set[str]:
    """The modules ``fluxer-patch ARGS`` imports, its output thrown away."""
    where = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", _PROBE, str(where), *map(str, args)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return set(json.loads(where.read_text()))


def under(modules: set[str], *packages: str) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_help_imports_no_machinery(tmp_path: Path) -> None:
    modules = imported(tmp_path, "--help")
    assert "fluxer_patcher.cli" in modules
    assert not under(modules, "tree_sitter", "fluxer_patcher.app", "fluxer_patcher.formats", "fluxer_patcher.report",
                     "fluxer_patcher.doctor", "fluxer_patcher.engine", "click.shell_completion")


@pytest.mark.parametrize(("fmt", "renderer", "others"), [
    ("text", "fluxer_patcher.report.text", ("fluxer_patcher.report.json", "fluxer_patcher.report.markdown")),
    ("json", "fluxer_patcher.report.json", ("fluxer_patcher.report.text", "fluxer_patcher.report.markdown")),
])
def test_check_imports_neither_doctor_nor_other_renderers(tmp_path: Path, fmt: str, renderer: str,
                                                         others: tuple[str, ...]) -> None:
    modules = imported(tmp_path, "check", FIXTURES / "refactor-2026-02", "--format", fmt)
    assert {"fluxer_patcher.app.run", "fluxer_patcher.formats.builtin", renderer} <= modules  # the check ran
    assert not under(modules, "fluxer_patcher.doctor", *others)


# Runs the console entry point (as the installed script does) and prints the modules it imported.
_CONSOLE_PROBE = """\
import json, sys
where = sys.argv[1]
sys.argv = ["fluxer-patch", *sys.argv[2:]]
from fluxer_patcher import console
try:
    console.main()
except SystemExit:
    pass
with open(where, "w") as out:
    json.dump(sorted(sys.modules), out)
"""


@pytest.mark.parametrize("command", ["check", "apply"])
def test_a_replay_imports_no_command_line_and_no_machinery(tmp_path: Path, command: str) -> None:
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "refactor-2026-02", tree)
    where = tmp_path / "modules.json"

    def run() -> set[str]:
        subprocess.run([sys.executable, "-c", _CONSOLE_PROBE, str(where), command, str(tree)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return set(json.loads(where.read_text()))

    first = run()
    assert "click" in first and "fluxer_patcher.engine.run" in first  # it ran (and was recorded)
    if command == "apply":  # put the tree back: the replay writes the same files again
        shutil.rmtree(tree)
        shutil.copytree(FIXTURES / "refactor-2026-02", tree)
    replayed = run()
    assert "fluxer_patcher.app.replay" in replayed
    assert not under(replayed, "click", "tree_sitter", "fluxer_patcher.cli", "fluxer_patcher.engine",
                     "fluxer_patcher.formats", "fluxer_patcher.report", "fluxer_patcher.catalogue", "git")
    # nor the interpreter's heavier modules: the directory, the answers and git status are asked
    # again, and apply's files written (its journal too), with os and little else
    assert not under(replayed, "pathlib", "typing", "subprocess", "dataclasses", "secrets", "fluxer_patcher.git.runner",
                     "fluxer_patcher.model", "hashlib", "base64", "threading")
    assert "importlib" not in replayed  # (its frozen parts, importlib._bootstrap*, are the interpreter's own)


def test_a_cold_check_loads_grammar_bindings_but_not_their_packages(tmp_path: Path) -> None:
    modules = imported(tmp_path, "check", "--no-cache", FIXTURES / "refactor-2026-02")
    assert {"tree_sitter_typescript._binding", "tree_sitter_language_pack.bindings.erlang"} <= modules
    # the packages' __init__ import these for bundled queries / other grammars the tool never uses
    assert not under(modules, "importlib.resources", "ctypes", "tree_sitter_c_sharp")
    assert not {"tree_sitter_typescript", "tree_sitter_language_pack"} & modules
