"""The quote style a snippet is rendered in: voted by the file's string literals only."""

from __future__ import annotations

import random
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from fluxer_patcher.formats.js import structure
from fluxer_patcher.syntax.document import Document
from tests.gitrepos import FIXTURES

if TYPE_CHECKING:
    from tree_sitter import Node


def test_the_string_type_keyword_is_no_vote_for_a_quote() -> None:
    # three `string` type keywords (anonymous nodes of type "string") and one literal
    text = b"function f(a: string, b: string): string {\n\treturn \"x\";\n}\n"
    doc = Document("f.ts", text, "typescript")
    assert structure.preferred_quote(doc) == '"'


def test_requote_leaves_a_type_annotation_alone() -> None:
    doc, node = structure.parse_statement("typescript", "const a: string = 'x';")
    assert structure.requote(doc, node, '"') == 'const a: string = "x";'


def test_the_vote_is_the_same_for_a_scope_and_for_the_file_when_asked_twice() -> None:
    text = b"const a = 'x';\nfunction g() {\n\treturn [\"y\", \"z\"];\n}\n"
    doc = Document("g.ts", text, "typescript")
    scope = doc.root.named_children[1]
    assert structure.preferred_quote(doc, scope) == '"'
    assert structure.preferred_quote(doc) == '"'  # the file: two double, one single
    assert structure.preferred_quote(doc, scope) == '"'


def test_a_compared_node_is_fingerprinted_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    doc = Document("c.ts", b"const a = [x, 'y', f(z)];\n", "typescript")
    frag_doc, frag = structure.parse_expression("typescript", '"y"')
    elements = structure.named(doc.root.named_children[0].named_children[0].child_by_field_name("value"))
    calls: list[object] = []
    real = structure.fingerprint
    monkeypatch.setattr(structure, "fingerprint", lambda d, n: calls.append(n) or real(d, n))
    for _ in range(2):
        assert [structure.same(doc, e, frag_doc, frag) for e in elements] == [False, True, False]
    again_doc, again = structure.parse_expression("typescript", '"y"')  # the same snippet: the same tree
    assert structure.same(doc, elements[1], again_doc, again)
    asked = [n for n in calls if n in elements or n == frag]  # not the nodes inside, fingerprinted on the way
    assert len(asked) == 4  # the three elements and the snippet, each once


def _counted(doc: Document, area: Node) -> str | None:
    """The vote as counted before files were counted by parts: every string of ``area``, last
    first, the most common quote (of as many, the one met first)."""
    votes: Counter[str] = Counter()
    for node in structure._strings(doc, area):
        raw = doc.data[node.start_byte : node.end_byte].decode("utf-8")
        if "'" not in raw[1:-1] and '"' not in raw[1:-1]:
            votes[raw[0]] += 1
    return votes.most_common(1)[0][0] if votes else None


def _versions(data: bytes, rng: random.Random, count: int = 12) -> list[bytes]:
    """``data`` as commits and fixes change it: strings of either quote added here and there
    (inside functions and lists too), lines cut, a line appended."""
    out = []
    for _ in range(count):
        lines = data.split(b"\n")
        at = rng.randrange(len(lines) + 1)
        kind = rng.randrange(5)
        if kind == 0:
            lines.insert(at, rng.choice([b"const q = 'x';", b'const q = "y";', b"f('a', \"b\");", b"// 'c'"]))
        elif kind == 1 and len(lines) > 2:
            del lines[at : at + rng.randint(1, 3)]
        elif kind == 2:
            name = bytes([rng.choice(b"abc")]) * 3
            lines.insert(at, b"export const " + name + b" = `t` + '" + b"x" * (at % 7) + b"';")
        elif kind == 3 and lines:
            line = lines[at % len(lines)]
            cut = rng.randrange(len(line) + 1)
            lines[at % len(lines)] = line[:cut] + rng.choice([b"'s', ", b'"d", ', b"'", b'"']) + line[cut:]
        else:
            lines.append(rng.choice([b"", b"// touched", b"'tail';"]))
        data = b"\n".join(lines)
        out.append(data)
    return out


def test_a_file_counted_by_its_parts_votes_as_counted_whole() -> None:
    rng = random.Random(7)
    for path in sorted(FIXTURES.rglob("*.ts*")):
        previous: Document | None = None
        for data in [path.read_bytes(), *_versions(path.read_bytes(), rng)]:
            doc = Document(str(path), data, "tsx") if previous is None else previous.edited(data)
            assert structure._vote(doc, None) == (_counted(doc, doc.root) or "'"), path
            previous = doc


@pytest.mark.parametrize("inside", [False, True])
def test_a_reparse_counts_only_what_changed(monkeypatch: pytest.MonkeyPatch, inside: bool) -> None:
    statements = b"".join(b"\tconst x%d = ['a%d', 'b%d'];\n" % (i, i, i) for i in range(60))
    text = b"function f() {\n" + statements + b"}\n" if inside else statements.replace(b"\t", b"")
    before = Document("k.ts", text, "typescript")
    assert structure._vote(before, None) == "'" == _counted(before, before.root)
    after = before.edited(before.data.replace(b"'a30'", b'"a30", "c30"'))  # one statement changes
    expected = _counted(after, after.root)
    searched: list[tuple[int, int] | None] = []
    real = structure._js_strings
    monkeypatch.setattr(structure, "_js_strings",
                        lambda doc, area, span=None: searched.append(span) or real(doc, area, span))
    assert structure._vote(after, None) == "'" == expected
    assert searched and None not in searched  # no part searched whole
    assert sum(end - start for start, end in searched) < 100  # the changed statement, and a little around


def test_of_as_many_votes_the_quote_voted_last_wins() -> None:
    for text, quote in ((b"a('x');\nb(\"y\");\n", '"'), (b"a(\"x\");\nb('y');\n", "'")):
        doc = Document("t.ts", text, "typescript")
        assert structure._vote(doc, None) == quote == _counted(doc, doc.root)
        edited = doc.edited(doc.data + b"// more\n")  # counted by parts: the same rule
        assert structure._vote(edited, None) == quote
