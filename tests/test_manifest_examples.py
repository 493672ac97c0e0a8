"""Every manifest's own examples, discovered from patches/ (adding a fix adds its tests).

An ``applied`` example must turn ``before`` into ``after`` exactly (every file it names), and
running the fix on ``after`` must change nothing (``already-applied``); other examples must
end in their status, with ``reason`` in the report when given.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from fluxer_patcher.app.catalogue import load_catalogue
from fluxer_patcher.catalogue.manifest import Example, Patch
from fluxer_patcher.model import PatchResult
from fluxer_patcher.source import MemoryTree
from tests.primitive_case import engine

CATALOGUE = load_catalogue()
CASES = [
    pytest.param(patch, example, id=f"{patch.id}: {example.name}")
    for patch in CATALOGUE.patches
    for example in patch.examples
]


def _run(patch: Patch, example: Example, files: Mapping[str, str]) -> PatchResult:
    return engine(MemoryTree({**example.tree, **files})).run_patch(patch)


@pytest.mark.parametrize(("patch", "example"), CASES)
def test_example(patch: Patch, example: Example) -> None:
    result = _run(patch, example, example.before)
    assert result.status(written=True) == example.status, result.reason.text
    if example.reason is not None:
        assert example.reason in result.reason.text
    if example.after is not None:
        changed = {c.path: c.after.decode() for c in result.changes}
        expected = {path: text for path, text in example.after.items() if example.before.get(path) != text}
        assert changed == expected
        again = _run(patch, example, {**example.before, **example.after})
        assert again.status(written=True) == "already-applied", again.reason.text
        assert again.changes == []
    elif example.status == "already-applied":
        assert result.changes == []


def test_every_fix_has_examples_of_change_and_of_no_change() -> None:
    for patch in CATALOGUE.patches:
        statuses = {e.status for e in patch.examples}
        if patch.verifies_only:
            # a check: it passes (already-applied) or finds a problem (drifted), never edits
            assert {"already-applied", "drifted"} <= statuses, patch.id
            assert all(e.after is None for e in patch.examples), patch.id
            continue
        assert "applied" in statuses, patch.id
        assert statuses & {"already-applied", "drifted"}, patch.id
