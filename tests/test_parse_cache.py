"""One parse per distinct text (`syntax/grammars.parse`) and incremental re-parses after edits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fluxer_patcher.syntax import grammars
from fluxer_patcher.syntax.document import Document
from tests.conftest import tree_shape

if TYPE_CHECKING:
    pass


def test_a_text_is_parsed_once_per_language() -> None:
    data = b'{"a": [1, 2]}\n'
    assert grammars.parse("json", data) is grammars.parse("json", bytes(bytearray(data)))
    as_yaml = grammars.parse("yaml", data)
    assert as_yaml is not grammars.parse("json", data)
    assert as_yaml.language != grammars.parse("json", data).language
    assert as_yaml.root_node.type == "stream" and grammars.parse("json", data).root_node.type == "document"


def test_an_edited_text_gets_its_own_tree() -> None:
    before = Document("a.ts", b"const a = 1;\nconst b = 2;\n", "typescript")
    old_text = before.root.text
    after = before.edited(b"const a = 1;\nlet c = f(3);\nconst b = 2;\n")
    assert after.root.text == after.data and before.root.text == old_text == before.data
    assert [c.type for c in after.root.children] == ["lexical_declaration"] * 3
    grammars.forget_trees()
    fresh = grammars.parse("typescript", after.data)
    assert fresh is not after.tree and tree_shape(fresh.root_node) == tree_shape(after.root)
    # the edit was applied to a copy: the tree of the text before still stands for it
    assert tree_shape(before.root) == tree_shape(grammars.parse("typescript", before.data).root_node)


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        ("tsx", b"export const A = () => <div>{x}</div>;\n", b"export const A = () => <div>{x.toString()}</div>;\n"),
        ("tsx", b"f(a);\ng(b);\n", b"f(a);\n"),  # a deletion at the end
        ("tsx", b"g(b);\n", b"f(a);\ng(b);\n"),  # an insertion at the start
        ("yaml", b"a:\n  b: 1\n  c: 2\n", b"a:\n  b: 1\n  x: [3, 4]\n  c: 2\n"),
        ("json", b'{"a": 1}', b'{"a": 1, "b": {"c": "\xc3\xa9"}}'),
        ("yaml", b"a: 1\n", b"a: 1\n"),  # no change
        ("erlang", b"-module(m).\nf() -> ok.\n", b"-module(m).\nf() -> {ok, 1}.\n"),
    ],
)
def test_an_incremental_reparse_is_the_tree_a_fresh_parse_gives(language: str, before: bytes, after: bytes) -> None:
    doc = Document("f", before, language)
    doc.root  # noqa: B018 - parsed, so that the edited document re-parses from its tree
    grammars.forget_trees()
    edited = doc.edited(after)
    grammars.forget_trees()
    assert tree_shape(edited.root) == tree_shape(grammars.parse(language, after).root_node)


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grammars._TREES, "limit", 3)
    grammars.forget_trees()
    trees = [grammars.parse("json", f"[{i}]".encode()) for i in range(5)]
    assert len(grammars._TREES) == 3
    assert grammars.parse("json", b"[4]") is trees[4] and grammars.parse("json", b"[0]") is not trees[0]


def test_walks_are_per_tree() -> None:
    from fluxer_patcher.syntax.document import walk

    before = Document("a.ts", b"f('a');\n", "typescript")
    strings = [n for n in walk(before.root) if n.type == "string"]
    after = before.edited(b"f('a', 'b');\n")
    assert [after.text(n) for n in walk(after.root) if n.type == "string"] == ["'b'", "'a'"]
    assert [before.text(n) for n in walk(before.root) if n.type == "string"] == ["'a'"] == [before.text(strings[0])]
    walk(before.root).clear()  # a caller's list is its own
    assert len(walk(before.root)) == len(walk(before.root)) > 1


def test_the_commands_of_a_script_are_read_once_per_text_offset_and_depth() -> None:
    from fluxer_patcher.formats.shell.script import commands

    data = b"RUN cd app && pnpm build\nRUN cd app && pnpm build\n"
    first, second = commands(data, 4, 24), commands(data, 29, 49)
    assert [(c.words, c.cwd) for c in first] == [(c.words, c.cwd) for c in second]
    assert [c.start for c in first] == [4, 14] and [c.start for c in second] == [29, 39]
    assert commands(data, 4, 24) == first and commands(data, 4, 24) is not first
    assert {c.depth for c in commands(data, 4, 24, 1)} == {1}
    edited = b"RUN cd app && pnpm test\n"
    assert [c.words for c in commands(edited, 4, 23)][-1] == ("pnpm", "test")
