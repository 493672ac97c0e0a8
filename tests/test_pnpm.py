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


_LOCK = (
    "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\ncatalogs:\n  default:\n    '@hono/node-server':\n"
    "      specifier: 1.19.9\n      version: 1.19.9\n\nimporters:\n\n  packages/media_proxy:\n    dependencies:\n"
    "      '@hono/node-server':\n        specifier: 'catalog:'\n        version: 1.19.9(hono@4.11.9)\n\npackages:\n\n"
    "  '@hono/node-server@1.19.9':\n    resolution: {integrity: sha512-x}\n    engines: {node: ^18 || >=20}\n"
    "    peerDependencies:\n      hono: ^4\n    cpu: [x64, arm64]\n    bundledDependencies:\n      - '@a/b'\n\n"
    "  hono@4.11.9:\n    resolution: {integrity: sha512-y}\n    deprecated: it is  old\n\nsnapshots:\n\n"
    "  '@hono/node-server@1.19.9(hono@4.11.9)':\n    dependencies:\n      hono: 4.11.9\n\n  hono@4.11.9: {}\n"
    "\n  '@hono/node-server@1.19.11':\n    dependencies: {}\n"
)
# Shapes the cut must not touch: each line of the lockfile above replaced by another.
_ODD_SHAPES = {
    "comment": ("  hono@4.11.9:\n", "  hono@4.11.9: # a comment\n"),
    "comment at the margin": ("\nsnapshots:", "\n# snapshots\nsnapshots:"),
    "anchor": ("hono: ^4\n", "hono: &h ^4\n"),
    "block scalar": ("deprecated: it is  old\n", "deprecated: |\n      it is old\n"),
    "multi-line quoted key": ("  hono@4.11.9:\n", "  'hono@4.11.9\n    x':\n"),
    "flow mapping on two lines": ("{integrity: sha512-y}", "{integrity:\n      sha512-y}"),
    "deeper line after a value": ("    deprecated: it is  old\n", "    deprecated: it\n      is old\n"),
    "odd indent": ("      hono: 4.11.9\n", "     hono: 4.11.9\n"),
    "two levels deeper": ("      hono: ^4\n", "        hono: ^4\n"),
    "sequence at an entry's indent": ("      - '@a/b'\n", "  - '@a/b'\n"),
    "escaped quote": ("specifier: 'catalog:'", 'specifier: "catalog\\:"'),
    "doubled quote": ("'@a/b'", "'@a''b'"),
    "tab": ("    resolution: {integrity: sha512-x}", "    resolution:\t{integrity: sha512-x}"),
    "crlf": ("\n", "\r\n"),
    "document marker": ("lockfileVersion", "---\nlockfileVersion"),
    "alias": ("      version: 1.19.9\n", "      version: *v\n"),
}


def _pins(lock: str | bytes, package: str, *, whole: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    from fluxer_patcher.formats.pnpm import dependency, lockscan

    with monkeypatch.context() as patched:
        if whole:
            patched.setattr(lockscan, "reduced", lambda data, package: data)
        pin = dependency.lockfile_pin(MemoryTree({"pnpm-lock.yaml": lock}), package)
    return pin.file, pin.describe()


@pytest.mark.parametrize("shape", ["simple", "no final newline", *_ODD_SHAPES])
@pytest.mark.parametrize("package", ["@hono/node-server", "hono", "@a/b", "absent"])
def test_the_cut_lockfile_answers_as_the_whole_one(shape: str, package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = _LOCK.rstrip("\n") if shape == "no final newline" else _LOCK
    if shape in _ODD_SHAPES:
        old, new = _ODD_SHAPES[shape]
        assert old in lock
        lock = lock.replace(old, new)
    cut = _pins(lock, package, whole=False, monkeypatch=monkeypatch)
    assert cut == _pins(lock, package, whole=True, monkeypatch=monkeypatch)


def test_the_cut_keeps_lines_and_columns_and_only_what_the_package_needs() -> None:
    from fluxer_patcher.formats.pnpm.lockscan import reduced

    data = _LOCK.encode()
    cut = reduced(data, "hono")
    assert cut.count(b"\n") == data.count(b"\n") and len(cut) < len(data)
    assert b"packages/media_proxy" not in cut and b"'@hono/node-server@1.19.9':" in cut  # 'hono' is in its key
    assert b"  hono@4.11.9:\n    resolution" in cut  # its key names it
    assert b"'@hono/node-server':\n      specifier" in cut  # catalogs stay whole
    cut_lines, lines = cut.split(b"\n"), data.split(b"\n")
    assert all(c in (b"", line) for c, line in zip(cut_lines, lines, strict=True))
    for shape, (old, new) in _ODD_SHAPES.items():
        odd = _LOCK.replace(old, new).encode()
        assert reduced(odd, "hono") is odd, shape


def test_the_fixture_lockfiles_are_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from fluxer_patcher.formats.pnpm.lockscan import reduced

    for path in sorted((Path(__file__).parent.parent / "upstream-fixtures").glob("*/pnpm-lock.yaml")):
        data = path.read_bytes()
        assert len(reduced(data, "@hono/node-server")) < len(data), path
        whole = _pins(data, "@hono/node-server", whole=True, monkeypatch=monkeypatch)
        assert _pins(data, "@hono/node-server", whole=False, monkeypatch=monkeypatch) == whole
