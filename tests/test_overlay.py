"""The overlay that stages a run's edits (source/overlay.py): what it answers, and that it
reads the source below only when a question needs it."""

from __future__ import annotations

import pytest

from fluxer_patcher.model import FileChange
from fluxer_patcher.source.base import FileMissing, NotUtf8
from fluxer_patcher.source.memory import MemoryTree
from fluxer_patcher.source.overlay import Overlay


class Counting(MemoryTree):
    def __init__(self, files: dict[str, bytes | str]) -> None:
        super().__init__(files)
        self.reads: list[str] = []

    def read(self, path: str) -> bytes:
        self.reads.append(path)
        return super().read(path)


def test_staging_reads_nothing_until_a_question_needs_the_text_below() -> None:
    base = Counting({"a.ts": "old", "b.ts": "same"})
    overlay = Overlay(base)
    overlay.stage("a.ts", b"new")
    overlay.stage("b.ts", b"same")
    assert base.reads == [] and overlay.read("a.ts") == b"new" and base.reads == []
    assert overlay.identity("b.ts") is None and base.reads == ["b.ts"]  # staged as it was: not staged text
    assert overlay.identity("a.ts").startswith("staged ")  # type: ignore[union-attr]
    assert overlay.changes() == [FileChange("a.ts", b"old", b"new")]
    assert base.reads == ["b.ts", "a.ts"]  # each text below read once
    assert overlay.on_disk("a.ts") == b"old" and overlay.staged() == {"a.ts": b"new", "b.ts": b"same"}


def test_what_the_source_below_refuses_surfaces_when_it_is_needed() -> None:
    overlay = Overlay(MemoryTree({"bad.ts": b"\xff\xfe"}))
    overlay.stage("bad.ts", b"ok")
    overlay.stage("gone.ts", b"x")
    with pytest.raises(NotUtf8):
        overlay.changes()
    with pytest.raises(FileMissing):
        Overlay(MemoryTree({})).read("gone.ts")


def test_a_layer_sees_its_parent_and_merges_into_it() -> None:
    base = Counting({"a.ts": "old"})
    parent = Overlay(base)
    layer = parent.layer(record=True)
    assert layer.read("a.ts") == b"old"
    layer.stage("a.ts", b"new")
    assert layer.reads == {"a.ts": None}
    layer.merge()
    assert parent.changes() == [FileChange("a.ts", b"old", b"new")] and base.reads == ["a.ts"]
