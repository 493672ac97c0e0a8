"""The JavaScript/TypeScript edit primitives: before → after, and the unchanged case."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import registry
from fluxer_patcher.engine.primitives import Answer, Apply, Edit, EditContext, Registry, Spec
from tests.primitive_case import PrimitiveRunner

FILE = "src/a.tsx"


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    """Run one primitive over ``source`` with a query written on the fly."""
    return PrimitiveRunner(tmp_path, FILE, "tsx")


ARRAY = "((pair key: (property_identifier) @_k (#eq? @_k \"src\") value: (array) @target))"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = {src: ['a']};", "x = {src: ['a', 'b']};"),
        ("x = {src: ['a',]};", "x = {src: ['a', 'b',]};"),
        ("x = {src: []};", "x = {src: ['b']};"),
        ('x = {src: ["a"]};', 'x = {src: ["a", "b"]};'),
        ("x = {src: [\n\t'a',\n\t'c',\n]};", "x = {src: [\n\t'a',\n\t'c',\n\t'b',\n]};"),
        ("x = {src: [\n  'a',\n  'c'\n]};", "x = {src: [\n  'a',\n  'c',\n  'b'\n]};"),
    ],
)
def test_add_array_element(run, before: str, after: str) -> None:
    outcome, text, _ = run(before, ARRAY, "add-array-element", {"element": "'b'"})
    assert (outcome, text) == ("changed", after)
    assert run(after, ARRAY, "add-array-element", {"element": "'b'"})[0] == "already-applied"


def test_add_array_element_keeps_crlf(run) -> None:
    _outcome, text, _ = run("x = {src: [\r\n\t'a',\r\n]};\r\n", ARRAY, "add-array-element", {"element": "'b'"})
    assert text == "x = {src: [\r\n\t'a',\r\n\t'b',\r\n]};\r\n"


CHAIN = "((lexical_declaration (variable_declarator name: (identifier) @_n (#eq? @_n \"ok\") value: (_) @target)))"


@pytest.mark.parametrize(
    ("before", "params", "after"),
    [
        ("const ok = a || b;", {"after": "a"}, "const ok = a || c || b;"),
        ("const ok = a || b;", {}, "const ok = a || b || c;"),
        ("const ok = a || b;", {"after": "zzz"}, "const ok = a || b || c;"),
        ("const ok = a;", {}, "const ok = a || c;"),
        ("const ok = (a || b);", {}, "const ok = (a || b || c);"),
        ("const ok =\n\ta ||\n\tb;", {"after": "a"}, "const ok =\n\ta ||\n\tc ||\n\tb;"),
        ("const ok =\n\ta\n\t|| b;", {"after": "a"}, "const ok =\n\ta\n\t|| c\n\t|| b;"),
        ("const ok =\n\ta\n\t|| b;", {}, "const ok =\n\ta\n\t|| b\n\t|| c;"),
    ],
)
def test_add_logical_operand(run, before: str, params: dict, after: str) -> None:
    params = {"operator": "||", "operand": "c", **params}
    outcome, text, reason = run(before, CHAIN, "add-logical-operand", params)
    assert (outcome, text) == ("changed", after), reason
    assert run(after, CHAIN, "add-logical-operand", params)[0] == "already-applied"


@pytest.mark.parametrize(
    ("before", "op", "message"),
    [
        ("const ok = a || b;", "&&", "would change its meaning"),
        ("const ok = a ? b : d;", "&&", "would change its meaning"),
        ("const ok = a ?? b;", "||", "would change its meaning"),
    ],
)
def test_add_logical_operand_refuses_to_change_precedence(run, before: str, op: str, message: str) -> None:
    outcome, text, reason = run(before, CHAIN, "add-logical-operand", {"operator": op, "operand": "c"})
    assert (outcome, text) == ("drifted", before)
    assert message in reason


def test_add_logical_operand_duplicate_anchor_is_drift(run) -> None:
    outcome, _, reason = run("const ok = a || a;", CHAIN, "add-logical-operand",
                             {"operator": "||", "operand": "c", "after": "a"})
    assert outcome == "drifted" and "appears 2 times" in reason


def test_present_is_structural_not_textual(run) -> None:
    params = {"operator": "||", "operand": "p.startsWith('/x/')"}
    # Other quotes, other spacing, a comment: still the same operand.
    assert run('const ok = a || p.startsWith( "/x/" /* sso */ );', CHAIN, "add-logical-operand", params)[0] == (
        "already-applied"
    )
    # The same text inside a string or another call is not the operand.
    outcome, _text, _ = run("const ok = a || log(\"p.startsWith('/x/')\");", CHAIN, "add-logical-operand", params)
    assert outcome == "changed"


CALL = '((call_expression function: (member_expression property: (property_identifier) @_m (#eq? @_m "get"))) @target)'


def test_add_argument(run) -> None:
    params = {"argument": "{secret: true}"}
    assert run("x.get();", CALL, "add-argument", params)[1] == "x.get({secret: true});"
    assert run("x.get({ secret: true, });", CALL, "add-argument", params)[0] == "already-applied"
    outcome, _, reason = run("x.get(other);", CALL, "add-argument", params)
    assert outcome == "drifted" and "already passes other arguments" in reason


NEW = "((new_expression) @target)"


def test_append_call(run) -> None:
    params = {"method": "toString"}
    assert run("const b = new P({a});", NEW, "append-call", params)[1] == "const b = new P({a}).toString();"
    assert run("const b = new P({a}).toString();", NEW, "append-call", params)[0] == "already-applied"
    outcome, _, reason = run("const b = new P;", NEW, "append-call", params)
    assert outcome == "drifted" and "without parentheses" in reason


STMT = "((expression_statement (call_expression function: (identifier) @_f (#eq? @_f \"go\"))) @target)"


def test_insert_statement_before(run) -> None:
    params = {"statement": "stop(t);"}
    before = "function f() {\n\tprep();\n\tgo();\n}\n"
    after = "function f() {\n\tprep();\n\tstop(t);\n\tgo();\n}\n"
    assert run(before, STMT, "insert-statement-before", params)[1] == after
    assert run(after, STMT, "insert-statement-before", params)[0] == "already-applied"
    # A call of the same function elsewhere (another block) does not count.
    other = "function f() {\n\tgo();\n}\nfunction g() {\n\tstop(t);\n}\n"
    assert run(other, STMT, "insert-statement-before", params)[0] == "changed"
    outcome, _, reason = run("function f() { prep(); go(); }\n", STMT, "insert-statement-before", params)
    assert outcome == "drifted" and "shares its line" in reason


DECL = "((variable_declarator name: (identifier) @_n (#eq? @_n \"u\") value: (_) @target))"


# @url is declared (a string value), so a value of another shape lacks it: drift, not error.
DECL_URL = DECL + "\n((variable_declarator name: (identifier) @_n (#eq? @_n \"u\") value: (string) @url @target))"


def test_replace_node_missing_capture_is_drift(run) -> None:
    params = {"with": "g({{url}})"}
    outcome, _, reason = run("const u = f();", DECL_URL, "replace-node", params, language="javascript")
    assert outcome == "drifted" and "found `f()` but not its {{url}} part" in reason


def test_match_counts_are_explicit(run) -> None:
    two = "const a = {src: ['x']};\nconst b = {src: ['y']};\n"
    outcome, _, reason = run(two, ARRAY, "add-array-element", {"element": "'b'"})
    assert outcome == "drifted"
    assert "2 matches where 1 expected" in reason and "src/a.tsx:1:17, src/a.tsx:2:17" in reason
    outcome, text, _ = run(two, ARRAY, "add-array-element", {"element": "'b'"}, expect="1+")
    assert outcome == "changed" and text.count("'b'") == 2
    outcome, _, reason = run("const a = 1;", ARRAY, "add-array-element", {"element": "'b'"})
    assert outcome == "drifted" and "not found: the test target" in reason


def test_an_edit_that_breaks_the_syntax_is_refused(tmp_path: Path) -> None:
    def vandal(ctx: EditContext) -> Answer:
        return Apply((Edit(ctx.target.start_byte, ctx.target.start_byte, b"{{{"),))

    spec = registry()["add-array-element"]
    specs = [Spec(s.name, vandal, s.params, s.languages) if s is spec else s for s in registry().specs.values()]
    run = PrimitiveRunner(tmp_path, FILE, "tsx", Registry(specs, registry().resolvers.values()))
    outcome, text, reason = run("x = {src: ['a']};", ARRAY, "add-array-element", {"element": "'b'"})
    assert outcome == "error" and "would leave syntax errors" in reason
    assert text == "x = {src: ['a']};"


def test_syntax_errors_before_patching_are_an_error(run) -> None:
    outcome, _, reason = run("x = {src: ['a']\n", ARRAY, "add-array-element", {"element": "'b'"})
    assert outcome == "error" and reason.startswith("syntax errors before patching at src/a.tsx:")


def test_a_placeholder_the_query_does_not_capture_is_an_error(run) -> None:
    params = {"statement": "stop({{t}});"}
    outcome, _, reason = run("function f() {\n\tgo();\n}\n", STMT, "insert-statement-before", params)
    assert outcome == "error" and "use {{t}}, which" in reason


@pytest.mark.parametrize(
    ("before", "query"),
    [
        ("const ok = a === b;", "((binary_expression operator: \"===\" right: (identifier) @target))"),
        ("const ok = !b;", "((unary_expression argument: (identifier) @target))"),
        ("const ok = (await b);", "((await_expression (identifier) @target))"),
    ],
)
def test_add_logical_operand_refuses_an_operand_of_a_tighter_operator(run, before: str, query: str) -> None:
    outcome, text, reason = run(before, query, "add-logical-operand", {"operator": "&&", "operand": "c"})
    assert (outcome, text) == ("drifted", before)
    assert "would change what binds to what" in reason


def test_insert_statement_before_refuses_a_statement_outside_a_block(run) -> None:
    query = "((return_statement) @target)"
    before = "function f() {\n\tif (!code)\n\t\treturn;\n}\n"
    outcome, text, reason = run(before, query, "insert-statement-before", {"statement": "stop(t);"})
    assert (outcome, text) == ("drifted", before)
    assert "not in a block of statements" in reason
