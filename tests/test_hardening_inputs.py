"""Hostile inputs: special files, names and catalogues (issue 13, items 5, 10, 12, 13)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
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
