"""npm versions and ranges (`formats/pnpm/semver.py`) and a workspace's state on a dependency."""

from __future__ import annotations

import pytest

from fluxer_patcher.formats.pnpm.dependency import dependency_state
from fluxer_patcher.formats.pnpm.semver import Version, range_floor
from fluxer_patcher.source import MemoryTree


def test_semver_precedence() -> None:
    # SemVer 2.0.0, section 11's own example, and numeric (not textual) comparison.
    chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
             "1.0.0-rc.1", "1.0.0", "1.19.9", "1.19.10", "1.19.11", "2.0.0"]
    versions = [Version.parse(v) for v in chain]
    assert versions == sorted(versions)
    assert Version.parse("1.19.11+build.5") == Version.parse("1.19.11")
    with pytest.raises(ValueError):
        Version.parse("1.19")


@pytest.mark.parametrize(
    ("spec", "floor"),
    [("1.19.11", "1.19.11"), ("^1.19.11", "1.19.11"), ("~1.19.9", "1.19.9"), (">=1.19.11 <2", "1.19.11"),
     (">1.19.10", "1.19.11"), (">1.19", "1.20.0"), ("1.19.x", "1.19.0"), ("*", "0.0.0"), ("<2", "0.0.0"),
     ("1.19.12 || ^1.19.9", "1.19.9"), ("1.19.11 - 1.20.0", "1.19.11"), ("v1.19.11", "1.19.11"),
     ("1.20.0-rc.1", "1.20.0-rc.1")],
)
def test_range_floor(spec: str, floor: str) -> None:
    assert range_floor(spec) == Version.parse(floor)


@pytest.mark.parametrize("spec", ["catalog:", "workspace:*", "latest", "github:honojs/node-server", "npm:x@1"])
def test_range_floor_of_what_is_not_a_range(spec: str) -> None:
    assert range_floor(spec) is None


def _tree(catalog: str | None, locked: str | None) -> MemoryTree:
    files = {}
    if catalog is not None:
        files["pnpm-workspace.yaml"] = f"packages:\n  - packages/*\n\ncatalog:\n  '@hono/node-server': {catalog}\n"
    if locked is not None:
        files["pnpm-lock.yaml"] = (
            "lockfileVersion: '9.0'\n\ncatalogs:\n  default:\n    '@hono/node-server':\n"
            f"      specifier: {catalog}\n      version: {locked}\n\npackages:\n\n"
            f"  '@hono/node-server@{locked}':\n    resolution: {{integrity: x}}\n\nsnapshots:\n\n"
            f"  '@hono/node-server@{locked}(hono@4.11.9)':\n    dependencies:\n      hono: 4.11.9\n"
        )
    return MemoryTree(files)


@pytest.mark.parametrize(
    ("catalog", "locked", "fixed", "half"),
    [
        ("1.19.9", "1.19.9", False, None),
        ("^1.19.11", "1.19.13", True, None),
        ("1.19.9", "1.19.11", False, "pnpm-lock.yaml"),
        ("1.19.11", "1.19.9", False, "pnpm-workspace.yaml"),
        ("^1.19.9", "1.19.12", False, "pnpm-lock.yaml"),  # the range still admits 1.19.9
        (None, None, False, None),
    ],
)
def test_dependency_state(catalog: str | None, locked: str | None, fixed: bool, half: str | None) -> None:
    state = dependency_state(_tree(catalog, locked), "@hono/node-server", "1.19.11")
    assert state.fixed is fixed
    assert (state.half_fixed.file if state.half_fixed else None) == half


def test_lockfile_resolutions_with_peers_and_locations() -> None:
    state = dependency_state(_tree("1.19.9", "1.19.9"), "@hono/node-server", "1.19.11")
    assert state.lockfile.describe() == (
        "1.19.9 at pnpm-lock.yaml:5:5, 1.19.9 at pnpm-lock.yaml:11:3, 1.19.9 at pnpm-lock.yaml:16:3"
    )
    assert state.catalog.describe() == "1.19.9 at pnpm-workspace.yaml:5:3"


def test_one_stale_resolution_keeps_the_lockfile_unfixed() -> None:
    tree = _tree("1.19.11", "1.19.11")
    lock = tree.read("pnpm-lock.yaml").decode() + "\n  '@hono/node-server@1.19.9':\n    dependencies: {}\n"
    state = dependency_state(MemoryTree({**{"pnpm-workspace.yaml": tree.read("pnpm-workspace.yaml")},
                                         "pnpm-lock.yaml": lock}), "@hono/node-server", "1.19.11")
    assert not state.fixed
