"""Queries compiled shallow (parent node types checked in Python) match exactly what the
queries as written match; matches are computed once per query and tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Query

from fluxer_patcher.app.catalogue import default_root
from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.formats.builtin import registry
from fluxer_patcher.syntax import grammars, queries, shallow
from fluxer_patcher.syntax.document import Document
from fluxer_patcher.syntax.predicates import PredicateError

ROOT = default_root()
FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"
SUFFIXES = {
    "tsx": (".tsx",), "typescript": (".ts", ".tsx"), "javascript": (".js", ".mjs", ".cjs"),
    "yaml": (".yaml", ".yml"), "json": (".json",), "erlang": (".erl",),
}


def _bundled() -> list[tuple[str, Path]]:
    """Every (language, query file) the bundled catalogue names: steps, present, recognisers."""
    registry()  # the file kinds' predicates (#stage? ...): a catalogue kept validated imports no format
    found: dict[tuple[str, Path], None] = {}
    for patch in load().patches:
        for step in patch.steps:
            for path in (step.query, step.present):
                if path is not None and step.language is not None:
                    found[(step.language, path)] = None
        for recogniser in patch.fixed_upstream:
            if recogniser.query is not None and recogniser.language is not None:
                found[(recogniser.language, recogniser.query)] = None
    return list(found)


def _documents(language: str) -> list[Document]:
    docs = []
    for path in sorted(FIXTURES.rglob("*")):
        kind = "dockerfile" if path.name.startswith("Dockerfile") else None
        if path.is_file() and (kind == language or path.suffix in SUFFIXES.get(language, ())):
            docs.append(Document(str(path), path.read_bytes(), language))
    return docs


def _seen(query: Query, root: object) -> list[tuple[int, list[tuple[str, list[tuple[int, int]]]]]]:
    return [(m.pattern, sorted((name, [n.byte_range for n in nodes]) for name, nodes in m.captures.items()))
            for m in queries.run(query, root)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("language", "path"), _bundled(), ids=lambda v: str(v).rsplit("/", 2)[-1])
def test_a_bundled_query_matches_the_same_compiled_shallow_and_as_written(language: str, path: Path) -> None:
    grammar = grammars.language(language)
    source = path.read_text()
    as_written = Query(grammar, source)  # tree-sitter's own checks, impossible patterns included
    fast = Query(grammar, "\n\n".join(shallow.shallow(grammar, text) for _, text in queries.patterns_of(source)))
    assert fast.pattern_count == as_written.pattern_count
    docs = _documents(language)
    assert docs, f"no fixture file in {language}"
    for doc in docs:
        assert _seen(fast, doc.root) == _seen(as_written, doc.root), doc.path


def test_parents_below_the_root_become_wildcards_checked_by_type() -> None:
    js = grammars.language("javascript")
    pattern = '((call_expression function: (member_expression object: (identifier) @o)) @target (#eq? @o "a"))'
    assert shallow.shallow(js, pattern) == (
        '(((call_expression function: (_ object: (identifier) @o) @__type.0) @target (#eq? @o "a"))\n'
        ' (#type? @__type.0 "member_expression"))'
    )
    # the root, a leaf, an unknown type (tree-sitter names it), a child among several keep theirs
    for kept in ("(call_expression (identifier) @target)", "((no_such_node (identifier)) @target)",
                 "(statement_block (expression_statement (call_expression)) (if_statement (_)) @target)"):
        assert shallow.shallow(js, kept) == kept


def test_private_captures_are_not_in_the_matches(tmp_path: Path) -> None:
    q = tmp_path / "q.scm"
    q.write_text("(call_expression function: (member_expression property: (property_identifier) @p)) @target\n")
    doc = Document("x.js", b"a.b(); c(); d.e.f();", "javascript")
    found = queries.compile_query("javascript", q).run(doc.root)
    assert [(doc.text(m.target), sorted(m.captures)) for m in found] == [
        ("a.b()", ["p", "target"]), ("d.e.f()", ["p", "target"])]


def test_a_query_runs_once_per_tree_and_each_caller_gets_its_own_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = tmp_path / "q.scm"
    q.write_text("((identifier) @target)\n")
    query_file = queries.compile_query("javascript", q)
    doc = Document("x.js", b"x + y;", "javascript")
    runs: list[object] = []
    real = queries.run
    monkeypatch.setattr(queries, "run", lambda query, root, *rest: runs.append(root) or real(query, root, *rest))
    first = query_file.run(doc.root)
    first[0].captures["target"].append(first[1].target)  # a caller merging captures ...
    again = query_file.run(doc.root)
    assert len(runs) == 1 and [[doc.text(n) for n in m.captures["target"]] for m in again] == [["x"], ["y"]]
    other = Document("x.js", b"x + z;", "javascript")  # another tree
    assert [other.text(m.target) for m in query_file.run(other.root)] == ["x", "z"]
    query_file.run(doc.root.child(0))  # a node below the root runs each time
    assert len(runs) == 3  # other's tree once, the node below the root


def test_type_predicate_checks_its_arguments(tmp_path: Path) -> None:
    q = tmp_path / "q.scm"
    q.write_text('((identifier) @target (#type? @target))\n')
    doc = Document("x.js", b"x;", "javascript")
    with pytest.raises(PredicateError, match="#type\\? takes pairs"):
        queries.compile_query("javascript", q).run(doc.root)
