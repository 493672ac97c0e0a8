"""A query searched only where its patterns' anchors are (``syntax/anchors.py``) finds what it
finds in the whole tree: the same matches, captures and order, and the same errors."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tree_sitter import Node, Query

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.syntax import anchors, grammars, queries
from fluxer_patcher.syntax.document import Document
from fluxer_patcher.syntax.predicates import PredicateError
from tests.test_queries_shallow import _bundled, _documents

Seen = list[tuple[int, list[tuple[str, list[tuple[int, int]]]]]]


def _seen(matches: list[queries.Match]) -> Seen:
    return [(m.pattern, sorted((name, [n.byte_range for n in nodes]) for name, nodes in m.captures.items()))
            for m in matches]


def _whole(qf: queries.QueryFile, root: Node) -> Seen:
    return _seen(queries.run(qf.query, root))  # no anchors: the whole tree


def _anchored(qf: queries.QueryFile, root: Node) -> Seen:
    assert qf._anchors is not None
    return _seen(queries.run(qf.query, root, qf._anchors))


def _example_texts(language: str, path: Path) -> list[Document]:
    """The manifests' example texts of the files the query is run on (edits and already applied)."""
    docs = []
    for patch in load().patches:
        for step in patch.steps:
            if step.query == path and step.language == language:
                for example in patch.examples:
                    for texts in (example.before, example.after or {}):
                        for name, text in texts.items():
                            if name == step.file:
                                docs.append(Document(name, text.encode(), language))
    return docs


def _mutations(doc: Document, literals: list[bytes], count: int, seed: int) -> list[Document]:
    """Copies of ``doc`` with anchors inserted and spans cut at random places: matches appear,
    go and sit in odd spots (inside other nodes, across errors)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        data = bytearray(doc.data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data) + 1)
            if rng.random() < 0.5 and literals:
                data[at:at] = rng.choice(literals)
            else:
                del data[at : at + rng.randint(1, 40)]
        out.append(Document(doc.path, bytes(data), doc.language))
    return out


ANCHORED = [(language, path) for language, path in _bundled()
            if queries.compile_query(language, path)._anchors is not None]


def test_most_bundled_queries_have_anchors() -> None:
    assert len(ANCHORED) >= 25  # the fast path is taken (it is not silently off)
    csp = next(path for _, path in ANCHORED if path.name == "csp-directives.scm")
    assert queries.compile_query("tsx", csp)._anchors == ((b"cspDirectives",),) * 3  # its three @target patterns


@pytest.mark.parametrize(("language", "path"), ANCHORED, ids=lambda v: str(v).rsplit("/", 2)[-1])
def test_an_anchored_query_finds_what_the_whole_tree_has(language: str, path: Path) -> None:
    qf = queries.compile_query(language, path)
    assert qf._anchors is not None
    docs = _documents(language) + _example_texts(language, path)
    assert docs
    literals = [literal for per_pattern in qf._anchors for literal in per_pattern]
    found = 0
    for doc in docs:
        for variant in [doc, *_mutations(doc, literals, 3, seed=len(doc.data))]:
            whole = _whole(qf, variant.root)
            assert _anchored(qf, variant.root) == whole, variant.path
            assert _seen(qf.run(variant.root)) == whole, variant.path  # the engine's way in
            found += len(whole)
    assert found  # some document has matches


def test_a_span_is_where_the_rarest_anchor_of_each_pattern_is() -> None:
    doc = Document("x.ts", b"let a1 = 1;\nfoo(a1);\nbar(b2);\nfoo(c3);\n", "typescript")
    root = doc.root
    assert anchors.span(((b"foo", b"a1"),), root) == (4, 18)  # a1 from 4 to 18, foo from 12 to 33
    assert anchors.span(((b"bar",), (b"c3",)), root) == (21, 36)
    assert anchors.span(((b"nothere",), (b"bar",)), root) == (21, 24)  # a pattern that cannot match adds nothing
    assert anchors.span(((b"bar", b"nothere"),), root) == anchors.NOWHERE


def _query(source: str, language: str = "typescript") -> tuple[Query, list[str]]:
    patterns = [text for _, text in queries.patterns_of(source)]
    return Query(grammars.language(language), "\n\n".join(patterns)), patterns


@pytest.mark.parametrize("source", [
    '((identifier) @a (#inside? @a "function_declaration" "f") (#eq? @a "x"))',  # a predicate of ours first
    '((call_expression function: (identifier) @a)? @c (#eq? @a "x"))',  # not rooted
    '(call_expression function: (identifier)? @a (#eq? @a "x"))',  # the capture may be missing
    '(call_expression [(identifier) @a (member_expression)] (#eq? @a "x"))',  # in one branch only
    '(arguments (identifier)* @a (#eq? @a "x"))',
    '((identifier) @a (#eq? @a "x\\"y"))',  # an escape
    '((identifier) @a (#eq? @a ""))',
    '((identifier) @a (#not-eq? @a "x"))',
    '((identifier) @a (#any-eq? @a "x"))',
    '((identifier) @a (#eq? @a @a))',
    '((identifier) @a ( #eq? @a "x"))',  # a spelling the reader leaves alone
    '((identifier) @a (#eq? @a "x")) ((number) @n)',  # one pattern without: the whole query runs whole
])
def test_a_pattern_without_a_sure_anchor_leaves_the_query_whole(source: str) -> None:
    query, patterns = _query(source)
    assert anchors.of(query, patterns) is None


def test_anchors_are_the_eq_literals_before_any_predicate_of_ours() -> None:
    query, patterns = _query(
        '((call_expression function: (identifier) @f arguments: (arguments (identifier)+ @a)) @c'
        ' (#eq? @f "foo") (#match? @f "o") ; (#eq? @f "commented")\n'
        ' (#eq? @a "bar") (#inside? @c "function_declaration" "g") (#eq? @f "later"))')
    assert anchors.of(query, patterns) == ((b"foo", b"bar"),)


def test_a_predicate_error_is_the_same_anchored_or_whole() -> None:
    """A misused predicate of ours raises when a candidate reaches it; a candidate outside the
    searched bytes fails its anchor first, in the whole tree too."""
    query, patterns = _query('((identifier) @a (#eq? @a "needle") (#inside? @a))')
    found = anchors.of(query, patterns)
    assert found == ((b"needle",),)
    quiet = Document("x.ts", b"const hay = other;\n", "typescript").root
    assert queries.run(query, quiet) == queries.run(query, quiet, found) == []
    loud = Document("x.ts", b"const hay = other;\nneedle();\n", "typescript").root
    for given in (None, found):
        with pytest.raises(PredicateError):
            queries.run(query, loud, given)


def test_a_node_below_the_root_is_searched_whole() -> None:
    qf_source = '((identifier) @a (#eq? @a "x"))'
    query, patterns = _query(qf_source)
    found = anchors.of(query, patterns)
    doc = Document("x.ts", b"function f() { return x + y; }\nx;\n", "typescript")
    body = doc.root.named_children[0]
    assert _seen(queries.run(query, body, found)) == _seen(queries.run(query, body))
    assert len(queries.run(query, doc.root, found)) == 2

