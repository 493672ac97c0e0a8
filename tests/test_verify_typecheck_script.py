"""``docs/verify/typecheck.sh`` works on a copy: the checkout it verifies is never changed,
and the stub package and its override exist only in the copy.  pnpm itself is not run here
(a stand-in ``npx`` records its arguments), so this needs no network."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "verify" / "typecheck.sh"
STUB = "@bluesky-social/oauth-client-node"


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _run([]).returncode == 2
    result = _run([str(tmp_path)])  # no fluxer_server/ there
    assert result.returncode == 2 and "usage:" in result.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="the script edits package.json with node")
def test_the_checkout_is_untouched_and_the_stub_lives_in_the_copy(tmp_path: Path) -> None:
    checkout = tmp_path / "fluxer"
    (checkout / "fluxer_server").mkdir(parents=True)
    (checkout / "fluxer_server" / "package.json").write_text('{"name": "fluxer_server"}\n')
    (checkout / "package.json").write_text('{\n\t"name": "fluxer",\n\t"pnpm": {"overrides": {"a": "1.0.0"}}\n}\n')
    (checkout / "node_modules").mkdir()
    (checkout / "node_modules" / "junk").write_text("not copied\n")
    before = _snapshot(checkout)

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "npx-args"
    (bin_dir / "npx").write_text(f'#!/bin/sh\necho "$@" >> {record}\nexit 1\n')
    (bin_dir / "npx").chmod(0o755)
    work = tmp_path / "work"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "TYPECHECK_WORK": str(work)}

    result = _run(["--keep", str(checkout)], env)
    assert result.returncode == 2, result.stderr  # the stand-in pnpm install failed
    assert _snapshot(checkout) == before
    copy = json.loads((work / "tree" / "package.json").read_text())
    assert copy["pnpm"]["overrides"] == {"a": "1.0.0", STUB: "link:../stubs/oauth-client-node"}
    assert json.loads((work / "stubs" / "oauth-client-node" / "package.json").read_text())["name"] == STUB
    assert not (work / "tree" / "node_modules").exists()
    args = record.read_text()
    assert args.startswith("--yes pnpm@10.26.0 install --config.manage-package-manager-versions=false")

    assert _run([str(checkout)], env).returncode == 2
    assert not work.exists(), "without --keep the copy is removed"
    assert _snapshot(checkout) == before
