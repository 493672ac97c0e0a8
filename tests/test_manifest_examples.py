"""Every manifest's own examples, discovered from patches/ (adding a fix adds its tests).

An ``applied`` example must turn ``before`` into ``after`` exactly, and running the fix on
``after`` must change nothing (``already-applied``); other examples must end in their status,
with ``reason`` in the report when given.
"""

from __future__ import annotations

import pytest

from fluxer_patcher.catalogue import Example, Patch, load
from fluxer_patcher.edits import load_all
from fluxer_patcher.engine import Engine
from fluxer_patcher.source import MemoryTree

CATALOGUE = load()
CASES = [
    pytest.param(patch, example, id=f"{patch.id}: {example.name}")
    for patch in CATALOGUE.patches
    for example in patch.examples
]


def _run(patch: Patch, example: Example, content: str):
    files = {patch.files[0]: content, **example.tree}
    return Engine(MemoryTree(files)).run_patch(patch)


@pytest.mark.parametrize(("patch", "example"), CASES)
def test_example(patch: Patch, example: Example) -> None:
    result = _run(patch, example, example.before)
    assert result.status(written=True) == example.status, result.reason
    if example.reason is not None:
        assert example.reason in result.reason
    if example.after is not None:
        assert len(result.changes) == 1
        assert result.changes[0].after.decode() == example.after
        again = _run(patch, example, example.after)
        assert again.status(written=True) == "already-applied", again.reason
        assert again.changes == []
    elif example.status == "already-applied":
        assert result.changes == []


def test_every_fix_has_examples_of_change_and_of_no_change() -> None:
    registry = load_all()
    for patch in CATALOGUE.patches:
        statuses = {e.status for e in patch.examples}
        if all(registry[step.edit].verifies_only for step in patch.steps):
            # a check: it passes (already-applied) or finds a problem (drifted), never edits
            assert {"already-applied", "drifted"} <= statuses, patch.id
            assert all(e.after is None for e in patch.examples), patch.id
            continue
        assert "applied" in statuses, patch.id
        assert statuses & {"already-applied", "drifted"}, patch.id
