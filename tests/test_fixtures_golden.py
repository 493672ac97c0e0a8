"""Golden outputs for every fixture tree in upstream-fixtures/ and every fix.

For each tree ``upstream-fixtures/<tree>/`` the expected results live in
``tests/golden/<tree>/``:

* ``statuses.json`` — the status (and reason) of every fix on a ``check`` of the tree;
* ``<fix-id>.diff`` — the unified diff that fix makes when it runs alone (absent: no change).

Trees and fixes are discovered, so a new fixture tree or manifest is covered without
editing this file.  After an intended change, regenerate with::

    FLUXER_PATCH_UPDATE_GOLDEN=1 pytest tests/test_fixtures_golden.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.output.diffs import unified_all
from fluxer_patcher.source import Overlay, WorkTree
from tests.primitive_case import engine as Engine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "upstream-fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("FLUXER_PATCH_UPDATE_GOLDEN") == "1"
CATALOGUE = load()
TREES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.iterdir()))


def _relevant(tree: str) -> bool:
    return any(WorkTree(FIXTURES / tree).is_file(f) for f in CATALOGUE.all_files())


def _check(golden: Path, actual: str) -> None:
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        if actual:
            golden.write_bytes(actual.encode("utf-8"))
        elif golden.exists():
            golden.unlink()
        return
    expected = golden.read_bytes().decode("utf-8") if golden.exists() else ""
    assert actual == expected, f"{golden.relative_to(ROOT)} differs (FLUXER_PATCH_UPDATE_GOLDEN=1 to regenerate)"


@pytest.mark.parametrize("tree", [t for t in TREES if _relevant(t)])
def test_statuses(tree: str) -> None:
    results = Engine(WorkTree(FIXTURES / tree)).run(CATALOGUE.patches)
    statuses = {r.patch.id: {"status": r.status(written=False), "reason": r.reason.text} for r in results}
    _check(GOLDEN / tree / "statuses.json", json.dumps(statuses, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize(
    ("tree", "patch_id"),
    [(t, p.id) for t in TREES if _relevant(t) for p in CATALOGUE.patches],
)
def test_fix_alone(tree: str, patch_id: str) -> None:
    """Each fix alone on the pristine tree; then once more on its own output: no change."""
    patch = next(p for p in CATALOGUE.patches if p.id == patch_id)
    result = Engine(WorkTree(FIXTURES / tree)).run_patch(patch)
    _check(GOLDEN / tree / f"{patch_id}.diff", unified_all(result.changes))
    if result.changes:
        patched = Overlay(WorkTree(FIXTURES / tree))
        for change in result.changes:
            patched.stage(change.path, change.after)
        again = Engine(patched).run_patch(patch)
        assert again.outcome == "already-applied", again.reason.text
        assert again.changes == []

