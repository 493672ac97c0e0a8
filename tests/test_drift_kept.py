"""Drift observations kept between walks (app/observations.py): a walk that finds them gives
the same report as one that does not, the fix-run count included, and runs no fix whose
inputs it has seen; anything else (another selection, a damaged entry, --no-cache) is a walk
afresh."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from fluxer_patcher.app import observations
from fluxer_patcher.drift.cache import ResultCache
from tests.gitrepos import History

USER = "packages/api/src/models/User.tsx"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    h = History(tmp_path_factory.mktemp("kept") / "repo")
    h.unrelated()
    h.shape("refactor-2026-02")
    h.unrelated(2)
    h.shape("guide-2026-02-26")
    h.shape("upstream-later")
    h.unrelated()
    h.move(USER, "packages/api/src/models/Account.tsx", "refactor: move the user model")
    h.shape("refactor-2026-02", "revert to the refactor shapes")
    return h


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """The fixes the engine ran, in order, each with whether its run searched the tree (an
    observation taken from the store is not a run)."""
    ran: list[tuple[str, bool]] = []
    real = ResultCache.run

    def counted(self: ResultCache, patch: Any, overlay: Any) -> Any:
        seen = real(self, patch, overlay)
        ran.append((patch.id, seen.searched))
        return seen

    monkeypatch.setattr(ResultCache, "run", counted)
    return ran


def _walks(run_cli: Callable[..., Result], history: History, *extra: str) -> dict[str, tuple[int, str]]:
    out = {}
    for fmt in ("text", "json", "markdown"):
        result = run_cli("drift", "--repo", str(history.path), "--last", "9", "--format", fmt, *extra)
        out[fmt] = (result.exit_code, result.stdout)
    return out


def test_a_walk_that_finds_kept_observations_reports_the_same(run_cli, history, computed, result_cache) -> None:
    afresh = _walks(run_cli, history, "--no-cache")
    assert computed and not (result_cache / "drift").exists()  # --no-cache keeps nothing
    computed.clear()
    first = _walks(run_cli, history)
    ran_first = list(computed)
    computed.clear()
    again = _walks(run_cli, history)
    assert first == afresh and again == afresh  # "N fix runs" included: a kept run counts as the run
    assert ran_first and computed == []  # the first walk ran the fixes; the next none
    assert json.loads(again["json"][1])["evaluations"] == json.loads(afresh["json"][1])["evaluations"] > 0


def test_another_selection_is_another_store(run_cli, history, computed) -> None:
    _walks(run_cli, history)
    computed.clear()
    _walks(run_cli, history, "--skip", "sso-users-not-unclaimed")
    assert computed  # the fixes ran again: the key holds the selected fixes as they are


def test_a_damaged_store_is_a_walk_afresh(run_cli, history, computed, result_cache: Path) -> None:
    first = _walks(run_cli, history)
    for entry in (result_cache / "drift").iterdir():
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    computed.clear()
    assert _walks(run_cli, history) == first
    assert computed


def test_a_store_of_too_many_observations_keeps_what_the_last_walk_used(run_cli, history, monkeypatch,
                                                                         result_cache: Path) -> None:
    _walks(run_cli, history)
    (entry,) = (result_cache / "drift").iterdir()
    kept = observations.load(entry.name)
    size = sum(len(seen) for by in kept.values() for seen in by.values())
    assert size > 0
    monkeypatch.setattr(observations, "MAX_OBSERVATIONS", 0)
    observations.save(entry.name, kept, {})
    assert observations.load(entry.name) == {}


def test_a_result_that_searched_the_tree_names_what_it_searched_and_is_kept() -> None:
    """An obsolete condition's evidence may be in any file under the directories it searches:
    those directories are among the inputs (by tree id), so the result is kept like any other."""
    from fluxer_patcher.drift.cache import Observation
    from fluxer_patcher.model import Outcome, Reason, ReasonKind, Status

    seen = Observation(Outcome.DRIFTED, Status.DRIFTED, Reason(ReasonKind.FILE_MISSING, "gone"), ("a.ts", "fluxer_api"),
                       (None, "40000 " + "0" * 40), searched=True)
    store = {"fix": {seen.inputs: {seen.ids: seen}}}
    assert observations._decode(observations._encode(store)) == store
