"""The package as others get it: metadata, the sdist and the suite run from it, the lowest
dependency versions, the pre-commit hook.

Tests marked ``dist`` build and install things (slow); ``.ci/run`` runs them.  They skip, saying
why, when a tool they need (build, twine, pre-commit) is not installed (``pip install '.[dist]'``)
or when no package index is reachable for a fresh virtual environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_OFFLINE = re.compile(r"No matching distribution|Could not find a version|NewConnectionError|Network is unreachable"
                      r"|Temporary failure in name resolution|ConnectTimeout")


def _need(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        pytest.skip(f"{module} is not installed (pip install '.[dist]')")


def _run(*args: str | Path, cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def _requirements() -> dict[str, str]:
    """``{name: specifier}`` of the runtime dependencies."""
    out = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        name, spec = re.match(r"([A-Za-z0-9_.-]+)(.*)", requirement).groups()  # type: ignore[union-attr]
        out[name.lower()] = spec
    return out


# -- metadata -------------------------------------------------------------------------------


def test_the_metadata_names_a_license_authors_classifiers_and_urls() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert project["authors"] and project["urls"]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639: the expression says it
    assert (ROOT / "fluxer_patcher" / "py.typed").exists()  # "Typing :: Typed"


def test_every_dependency_has_a_floor_and_tree_sitter_ones_a_cap_below_the_next_minor() -> None:
    for name, spec in _requirements().items():
        floor = re.search(r">=([0-9.]+)", spec)
        cap = re.search(r"<([0-9.]+)", spec)
        assert floor and cap, f"{name}{spec}: a floor and a cap"
        if name.startswith("tree-sitter"):
            high = [int(x) for x in cap.group(1).split(".")]
            assert len(high) == 2 and high[0] == 0, f"{name}{spec}: capped below a minor"


def test_the_lowest_constraints_are_the_floors() -> None:
    """``.ci/lowest.txt`` pins every runtime dependency at its floor, and CI runs the tests with them."""
    pins = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    requirements = _requirements()
    assert set(pins) == set(requirements)
    for name, version in pins.items():
        floor = re.search(r">=([0-9.]+)", requirements[name]).group(1)  # type: ignore[union-attr]
        assert version.split(".")[: len(floor.split("."))] == floor.split("."), (name, version, floor)
    assert "lowest.txt" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_sdist_ships_every_file_the_tests_read() -> None:
    """Every tracked file outside the package's own sources ends up in the sdist's include list."""
    include = PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    tops = {p.split("/")[0] for p in _tracked()}
    always = {".gitignore", "pyproject.toml"}  # hatchling ships these itself
    assert tops - always <= set(include), tops - always - set(include)


def _tracked() -> list[str]:
    listed = _run("git", "-C", ROOT, "ls-files")
    if listed.returncode != 0 or not listed.stdout:  # an unpacked sdist: no git
        return [str(p.relative_to(ROOT)) for p in ROOT.iterdir() if p.name not in {".venv", "PKG-INFO"}
                and not p.name.startswith((".pytest", ".mypy", ".ruff"))]
    return listed.stdout.splitlines()


# -- the sdist, installed in a fresh venv -------------------------------------------------------


@pytest.mark.dist
def test_the_sdist_builds_passes_twine_and_its_suite_passes_installed(tmp_path: Path) -> None:
    _need("build")
    _need("twine")
    out = tmp_path / "dist"
    offline = ["--no-isolation"] if _importable("hatchling") else []  # else build fetches hatchling
    built = _run(sys.executable, "-m", "build", *offline, "-o", out, ROOT)
    if built.returncode != 0 and _OFFLINE.search(built.stdout + built.stderr):
        pytest.skip("no package index for build's isolated environment (pip install hatchling to build offline)")
    assert built.returncode == 0, built.stdout + built.stderr
    [sdist] = out.glob("*.tar.gz")
    [wheel] = out.glob("*.whl")
    checked = _run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+
            archive.extractall(tmp_path / "src", filter="data")
        else:
            archive.extractall(tmp_path / "src")  # our own sdist
    [unpacked] = (tmp_path / "src").iterdir()
    for name in ("LICENSE", "examples/nightly-drift.yml", "action.yml", ".pre-commit-hooks.yaml", ".ci/lowest.txt"):
        assert (unpacked / name).is_file(), name

    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", venv).returncode == 0
    python = venv / "bin" / "python"
    installed = _run(python, "-m", "pip", "install", "-q", f"{sdist}[test]")
    if installed.returncode != 0 and _OFFLINE.search(installed.stdout + installed.stderr):
        pytest.skip("no package index reachable for the fresh venv's dependencies")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # The installed command with its installed catalogue, outside the source tree.
    demo = tmp_path / "demo"
    shutil.copytree(unpacked / "upstream-fixtures" / "refactor-2026-02", demo)
    env = {k: v for k, v in os.environ.items() if k != "FLUXER_PATCH_CATALOGUE"}
    applied = _run(venv / "bin" / "fluxer-patch", "apply", demo, cwd=tmp_path, env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    again = _run(venv / "bin" / "fluxer-patch", "check", demo, "--exit-code", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stdout + again.stderr

    suite = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not dist", cwd=unpacked, env=env)
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


# -- the pre-commit hook --------------------------------------------------------------------


def test_the_pre_commit_hook_runs_check_exit_code_on_the_root() -> None:
    import yaml

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "fluxer-patch-check"
    assert hook["entry"].split()[:3] == ["fluxer-patch", "check", "--exit-code"]
    assert hook["pass_filenames"] is False and hook["always_run"] is True


def _git(cwd: Path, *args: str) -> None:
    done = _run("git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                *args, cwd=cwd)
    assert done.returncode == 0, done.stderr


@pytest.mark.dist
def test_pre_commit_try_repo_fails_while_a_fix_is_pending_and_passes_once_applied(tmp_path: Path) -> None:
    _need("pre_commit")
    if _run("git", "-C", ROOT, "rev-parse", "--git-dir").returncode != 0:
        pytest.skip("pre-commit try-repo needs this project as a git checkout (not an unpacked sdist)")
    checkout = tmp_path / "fork"
    shutil.copytree(ROOT / "upstream-fixtures" / "refactor-2026-02", checkout)
    _git(checkout, "init", "-q", "-b", "main")
    _git(checkout, "add", "-A")
    _git(checkout, "commit", "-qm", "upstream")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("FLUXER_PATCH_CATALOGUE", None)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return _run(sys.executable, "-m", "pre_commit", "try-repo", ROOT, "fluxer-patch-check", "--all-files",
                    "--color", "never", cwd=checkout, env=env)

    pending = try_repo()
    if pending.returncode == 3 and _OFFLINE.search(pending.stdout + pending.stderr):
        pytest.skip("pre-commit could not install the hook's environment (no package index)")
    assert pending.returncode == 1, pending.stdout + pending.stderr
    assert "fluxer-patch check" in pending.stdout and "Failed" in pending.stdout
    assert "pending" in pending.stdout

    applied = _run(sys.executable, "-m", "fluxer_patcher", "apply", checkout, env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    _git(checkout, "commit", "-qam", "fixes")
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
