"""What the patched code does, where a JavaScript engine can tell (skipped without Node.js)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.source import WorkTree
from tests.conftest import FIXTURES
from tests.primitive_case import engine as Engine

NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="Node.js not installed")
@pytest.mark.parametrize("tree", ["refactor-2026-02", "guide-2026-02-26"])
@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "https://fluxerstatic.com"), ({"FLUXER_CDN_ENDPOINT": ""}, ""),
     ({"FLUXER_CDN_ENDPOINT": "https://cdn.test"}, "https://cdn.test")],
)
def test_empty_cdn_endpoint_means_same_origin(tree: str, env: dict[str, str], expected: str) -> None:
    patch = next(p for p in load().patches if p.id == "rspack-cdn-endpoint")
    result = Engine(WorkTree(FIXTURES / tree)).run_patch(patch)
    text = result.changes[0].after.decode()
    start = text.index("const CDN_ENDPOINT")
    declaration = text[start : text.index(";", start) + 1]  # one line, or wrapped as biome would
    clean = {k: v for k, v in os.environ.items() if k != "FLUXER_CDN_ENDPOINT"}
    assert NODE is not None
    proc = subprocess.run(
        [NODE, "-e", f"{declaration}\nprocess.stdout.write(CDN_ENDPOINT)"],
        env={**clean, **env}, capture_output=True, text=True, check=True,
    )
    assert proc.stdout == expected
