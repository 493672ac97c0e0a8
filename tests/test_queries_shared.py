"""Query files that share one compiled query (``compile_together``) match exactly what each
file's own query matches: its patterns, numbered from 0, the same nodes, in the same order;
errors and the match limit are those of the file alone."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from fluxer_patcher.formats.builtin import registry
from fluxer_patcher.syntax import queries
from fluxer_patcher.syntax.document import Document
from fluxer_patcher.syntax.predicates import PredicateError
from tests.test_queries_shallow import _bundled, _documents


def _by_language() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = defaultdict(list)
    for language, path in _bundled():
        found[language].append(path)
    return dict(found)


def _seen(matches: list[queries.Match]) -> list[tuple[int, list[tuple[str, list[tuple[int, int]]]]]]:
    """Pattern numbers and captured ranges, captures in the order the match has them."""
    return [(m.pattern, [(name, [n.byte_range for n in nodes]) for name, nodes in m.captures.items()])
            for m in matches]


@pytest.mark.parametrize("language", sorted(_by_language()))
def test_every_bundled_query_matches_the_same_in_one_query_with_all_of_its_language(language: str) -> None:
    registry()  # the file kinds' predicates (the Dockerfile's #stage? ...)
    paths = _by_language()[language]
    shared = [queries.QueryFile(language, path) for path in paths]
    alone = [queries.QueryFile(language, path) for path in paths]
    # every file of the language in one query, whatever compile_together would choose
    assert queries._share(shared)
    for qf in alone:
        qf._compile_alone()
    docs = _documents(language)
    assert docs, f"no fixture file in {language}"
    renumbered = 0
    for doc in docs:
        for one, own in zip(shared, alone, strict=True):
            got, expected = _seen(one.run(doc.root)), _seen(own.run(doc.root))
            assert got == expected, (one.path.name, doc.path)
            renumbered += len(got) if one._first else 0
        assert all(qf._query is None for qf in shared), "the shared query answered every run"
    if len(paths) > 1:
        assert renumbered, "no match of a file after the first: the test would miss a wrong renumbering"


def _files(tmp_path: Path, **sources: str) -> list[queries.QueryFile]:
    out = []
    for name, source in sources.items():
        path = tmp_path / f"{name}.scm"
        path.write_text(source)
        out.append(queries.QueryFile("javascript", path))
    return out


def test_files_of_a_language_share_one_query_and_keep_their_own_pattern_numbers(tmp_path: Path) -> None:
    a, b, c = _files(tmp_path, a='((identifier) @target (#eq? @target "x"))\n',
                     b='((number) @target)\n((identifier) @target (#eq? @target "y"))\n', c="((string) @target)\n")
    queries.compile_together([a, b, c])
    assert a._shared is not None and a._shared is b._shared is c._shared
    assert (a._first, b._first, c._first) == (0, 1, 3)
    doc = Document("x.js", b"x + y + 1 + 'z';", "javascript")
    assert [(m.pattern, doc.text(m.target)) for m in a.run(doc.root)] == [(0, "x")]
    assert [(m.pattern, doc.text(m.target)) for m in b.run(doc.root)] == [(1, "y"), (0, "1")]
    assert [(m.pattern, doc.text(m.target)) for m in c.run(doc.root)] == [(0, "'z'")]
    assert b.query.pattern_count == 2 and b._query is not None  # .query: the file's own


def test_one_run_of_the_shared_query_per_tree_serves_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _files(tmp_path, a="((identifier) @target)\n", b="((number) @target)\n")
    queries.compile_together([a, b])
    runs: list[object] = []
    real = queries.run
    monkeypatch.setattr(queries, "run",
                        lambda query, root, anchors=None: runs.append(root) or real(query, root, anchors))
    doc = Document("x.js", b"x + 1;", "javascript")
    first = a.run(doc.root)
    first[0].captures["target"].append(doc.root)  # a caller changing its matches ...
    assert [doc.text(m.target) for m in b.run(doc.root)] == ["1"]
    assert [m.captures["target"] for m in a.run(doc.root)] == [[first[0].target]]  # ... changes no one else's
    assert len(runs) == 1


def test_a_malformed_file_among_shared_ones_is_named_with_its_own_line_and_column(tmp_path: Path) -> None:
    good, bad, later = _files(tmp_path, good="((identifier) @target)\n",
                              bad="((identifier) @target)\n\n((no_such_node) @target)\n", later="((number) @target)\n")
    with pytest.raises(queries.QueryError, match=re.escape("bad.scm:3:3: invalid javascript query: Invalid node type")):
        queries.compile_together([good, bad, later])
    assert good._query is not None and good._shared is None  # compiled alone, as before the error


def test_of_two_malformed_files_in_two_languages_the_first_given_is_named(tmp_path: Path) -> None:
    js_good, js_bad = _files(tmp_path, js_good="((identifier) @target)\n", js_bad="((no_js_node) @target)\n")
    (tmp_path / "ts.scm").write_text("((type_identifier) @target)\n")
    (tmp_path / "ts_bad.scm").write_text("((no_ts_node) @target)\n")
    ts_good, ts_bad = (queries.QueryFile("typescript", tmp_path / name) for name in ("ts.scm", "ts_bad.scm"))
    with pytest.raises(queries.QueryError, match=re.escape("ts_bad.scm:1:3: invalid typescript query")):
        queries.compile_together([ts_good, js_good, ts_bad, js_bad])


def test_a_shared_run_past_the_match_limit_runs_each_file_alone(tmp_path: Path) -> None:
    combinatorial = "(arguments (identifier)* @a (identifier)* @b (identifier)* @target) @x\n"
    slow, plain = _files(tmp_path, slow=combinatorial, plain="((identifier) @target)\n")
    assert queries._share([slow, plain])  # (compile_together keeps such a pattern apart)
    doc = Document("x.js", ("f(" + ",".join(["a"] * 200) + ");").encode(), "javascript")
    assert len(plain.run(doc.root)) == 201  # all of them: its own query, within the limit
    with pytest.raises(queries.MatchLimit, match=re.escape(f"{slow.path}: more than {queries.MATCH_LIMIT} matches")):
        slow.run(doc.root)


def test_a_predicate_error_in_another_file_leaves_a_shared_file_its_matches(tmp_path: Path) -> None:
    wrong, right = _files(tmp_path, wrong="((identifier) @target (#type? @target))\n", right="((number) @target)\n")
    queries.compile_together([wrong, right])
    assert wrong._shared is not None and wrong._shared is right._shared
    doc = Document("x.js", b"x + 1;", "javascript")
    assert [doc.text(m.target) for m in right.run(doc.root)] == ["1"]
    with pytest.raises(PredicateError, match="#type\\? takes pairs"):
        wrong.run(doc.root)


def test_each_call_shares_among_its_own_files_and_kinds_apart(tmp_path: Path) -> None:
    a, b, c, d, e = _files(tmp_path, a="((identifier) @target)\n", b="((number) @target)\n", c="((string) @target)\n",
                           d="((identifier) @present)\n", e="((number) @present)\n")
    queries.compile_together([a])  # an --only run: one file, its own query
    assert a._query is not None and a._shared is None
    kinds = {a: "document", b: "document", c: "document", d: "target", e: "target"}
    queries.compile_together(kinds, kinds.__getitem__)  # a is compiled already
    assert a._shared is None and b._shared is not None and b._shared is c._shared
    assert d._shared is e._shared is not None and d._shared is not b._shared
    doc = Document("x.js", b"x + 1 + 'z';", "javascript")
    assert [doc.text(m.target) for qf in (a, b, c) for m in qf.run(doc.root)] == ["x", "1", "'z'"]
    assert [doc.text(m.node("present")) for qf in (d, e) for m in qf.run(doc.root)] == ["x", "1"]


def test_a_path_maps_rewrite_shares_a_query_with_the_file_it_rewrites(tmp_path: Path) -> None:
    (original,) = _files(tmp_path, original='((string) @target (#eq? @target "\'fluxer_app\'"))\n')
    name = queries.rewritten(original.path, '((string) @target (#eq? @target "\'apps/web\'"))\n')
    mapped = queries.QueryFile("javascript", name)
    queries.compile_together([original, mapped])
    assert mapped.path == original.path and mapped._shared is original._shared is not None
    doc = Document("x.js", b"f('fluxer_app', 'apps/web');", "javascript")
    assert [doc.text(m.target) for m in original.run(doc.root)] == ["'fluxer_app'"]
    assert [doc.text(m.target) for m in mapped.run(doc.root)] == ["'apps/web'"]


def test_a_pattern_whose_root_pairs_its_children_and_a_small_grammar_keep_their_own_query(tmp_path: Path) -> None:
    pairing, other, third = _files(tmp_path, pairing="(statement_block (lexical_declaration) (if_statement) @target)\n",
                                   other="((identifier) @target)\n", third="((number) @target)\n")
    (tmp_path / "d1.scm").write_text("((from_instruction) @target)\n")
    (tmp_path / "d2.scm").write_text("((run_instruction) @target)\n")
    d1, d2 = (queries.QueryFile("dockerfile", tmp_path / name) for name in ("d1.scm", "d2.scm"))
    queries.compile_together([pairing, other, third, d1, d2])
    assert pairing._shared is None and pairing._query is not None
    assert other._shared is not None and other._shared is third._shared
    assert d1._shared is None and d2._shared is None


@pytest.mark.parametrize(("pattern", "pairs"), [
    ("(statement_block (lexical_declaration) (expression_statement))", True),
    ("((statement_block (a) @x (#eq? @x \"(\") ; (\n (b)) @target)", True),
    ("(statement_block . (a) (b) .)", True),
    ("(s (a) key: (k) (b))", True),
    ("(s (a) \"+\")", True),
    ("(_ (a) _)", True),
    ("(statement_block (a) . (b))", False),
    ("((call_expression function: (identifier) arguments: (arguments (a) (b))) @target)", False),
    ("(pair key: (a) (b))", False),
    ("(s !body (a))", False),
    ("[(a) (b)] @x", False),
    ("((identifier) @x)", False),
])
def test_a_root_pairs_its_children_when_two_have_no_field_and_no_anchor_between(pattern: str, pairs: bool) -> None:
    assert queries._pairs_children(pattern) is pairs


def test_the_sso_callbacks_queries_pair_children_and_most_bundled_ones_do_not() -> None:
    apart = {path.name for language, path in _bundled() if queries.QueryFile(language, path).pairs_children}
    # the SSO callback's patterns took 12-15 ms on a large TSX file they never target
    assert {"sso-callback-early-returns.scm", "sso-callback-error.scm", "sso-callback-success.scm"} <= apart
    assert not apart & {"csp-directives.scm", "media-responses.scm", "sso-token-body.scm", "compose-file.scm"}
