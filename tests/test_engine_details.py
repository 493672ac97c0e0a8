"""An engine without details gives the same results as one with them, details aside."""

from __future__ import annotations

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.app.catalogue import registry
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.record import replace
from fluxer_patcher.source import WorkTree
from tests.gitrepos import FIXTURES

CATALOGUE = load()
TREES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.iterdir()))


@pytest.mark.parametrize("tree", TREES)
def test_results_without_details_are_the_results_with_them_less_the_details(tree: str) -> None:
    full = Engine(WorkTree(FIXTURES / tree), registry()).run(CATALOGUE.patches)
    bare = Engine(WorkTree(FIXTURES / tree), registry(), details=False).run(CATALOGUE.patches)
    assert any(r.details for r in full)
    assert all(not r.details for r in bare)
    assert [replace(r, details=[]) for r in full] == bare
