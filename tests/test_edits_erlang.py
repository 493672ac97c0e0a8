"""The Erlang edit primitives: before → after, and the unchanged case; the grammar loads lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.primitive_case import PrimitiveRunner

FILE = "src/m.erl"
CASE = "((case_expr) @target)"
TRY = "((try_expr) @target)"
CLAUSE = "_ ->\n    {error, unknown, internal_error}"


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    return PrimitiveRunner(tmp_path, FILE, "erlang")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "f(X) ->\n    case X of\n        a -> 1;\n        b -> 2\n    end.\n",
            "f(X) ->\n    case X of\n        a -> 1;\n        b -> 2;\n        _ ->\n"
            "            {error, unknown, internal_error}\n    end.\n",
        ),
        (
            "f(X) ->\n\tcase X of\n\t\ta -> 1\n\tend.\n",
            "f(X) ->\n\tcase X of\n\t\ta -> 1;\n\t\t_ ->\n\t\t\t{error, unknown, internal_error}\n\tend.\n",
        ),
        (
            "f(X) ->\r\n  case X of\r\n    a -> 1 % the one\r\n  end.\r\n",
            "f(X) ->\r\n  case X of\r\n    a -> 1; % the one\r\n    _ ->\r\n"
            "      {error, unknown, internal_error}\r\n  end.\r\n",
        ),
    ],
)
def test_add_clause(run: PrimitiveRunner, before: str, after: str) -> None:
    outcome, text, _ = run(before, CASE, "add-clause", {"clause": CLAUSE})
    assert (outcome, text) == ("changed", after)
    assert run(after, CASE, "add-clause", {"clause": CLAUSE})[0] == "already-applied"


def test_add_clause_to_try_of_leaves_catch_clauses(run: PrimitiveRunner) -> None:
    before = "f() ->\n    try g() of\n        ok -> 1\n    catch\n        _:_ -> 2\n    end.\n"
    outcome, text, _ = run(before, TRY, "add-clause", {"clause": "_ -> 3"})
    assert outcome == "changed"
    assert text == "f() ->\n    try g() of\n        ok -> 1;\n        _ -> 3\n    catch\n        _:_ -> 2\n    end.\n"


@pytest.mark.parametrize("catch_all", ["_ -> error", "Other -> {error, Other}", "_Reply ->\n            x"])
def test_add_clause_any_catch_all_is_present(run: PrimitiveRunner, catch_all: str) -> None:
    before = f"f(X) ->\n    case X of\n        a -> 1;\n        {catch_all}\n    end.\n"
    assert run(before, CASE, "add-clause", {"clause": CLAUSE})[0] == "already-applied"


def test_add_clause_guarded_variable_is_not_a_catch_all(run: PrimitiveRunner) -> None:
    before = "f(X) ->\n    case X of\n        Y when is_map(Y) -> 1\n    end.\n"
    assert run(before, CASE, "add-clause", {"clause": CLAUSE})[0] == "changed"


def test_add_clause_refused_catch_all_is_a_conflict(run: PrimitiveRunner) -> None:
    before = "f(X) ->\n    case X of\n        a -> 1;\n        _ -> {ok, #{}}\n    end.\n"
    result = run.result(before, CASE, "add-clause", {"clause": CLAUSE, "refuse": r"->\s*\{ok\b"})
    assert result.outcome == "drifted"
    assert result.reason.kind.value == "conflict"
    assert "src/m.erl:4:9" in result.reason.text


def test_add_clause_on_one_line_is_drift(run: PrimitiveRunner) -> None:
    outcome, _, reason = run("f(X) -> case X of a -> 1; b -> 2 end.\n", CASE, "add-clause", {"clause": "_ -> 3"})
    assert outcome == "drifted"
    assert "share a line" in reason


def test_erlang_grammar_is_loaded_only_when_needed() -> None:
    code = (
        "import sys; from fluxer_patcher import load_catalogue; "
        "from fluxer_patcher.syntax import grammars; "
        "load_catalogue(); grammars.parse('json', b'{}'); "
        "print('tree_sitter_language_pack' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


EXPORT = "((export_attribute) @target)"
MODULE = "((source_file) @target)"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("-export([a/0]).\na() -> ok.\nb() -> ok.\n", "-export([a/0, b/0]).\na() -> ok.\nb() -> ok.\n"),
        ("-export([\n\ta/0\n]).\na() -> ok.\nb() -> ok.\n", "-export([\n\ta/0,\n\tb/0\n]).\na() -> ok.\nb() -> ok.\n"),
    ],
)
def test_add_export(run: PrimitiveRunner, before: str, after: str) -> None:
    outcome, text, _ = run(before, EXPORT, "add-export", {"function": "b/0"})
    assert (outcome, text) == ("changed", after)
    assert run(after, EXPORT, "add-export", {"function": "b/0"})[0] == "already-applied"


def test_add_export_present_in_another_attribute_or_missing_function(run: PrimitiveRunner) -> None:
    source = "-export([a/0]).\n-export([b/0]).\na() -> ok.\nb() -> ok.\n"
    assert run(source, "((export_attribute (fa fun: (atom) @_f (#eq? @_f \"a\"))) @target)", "add-export",
               {"function": "b/0"})[0] == "already-applied"
    outcome, _, reason = run("-export([a/0]).\na() -> ok.\n", EXPORT, "add-export", {"function": "b/0"})
    assert (outcome, "defines no `b/0`" in reason) == ("drifted", True)


BEFORE_SUP = "((match_expr) @target)"


def test_insert_expression_before(run: PrimitiveRunner) -> None:
    before = "start() ->\n    a:init(),\n    {ok, P} = sup:start_link(),\n    {ok, P}.\n"
    after = "start() ->\n    a:init(),\n    b:init(),\n    {ok, P} = sup:start_link(),\n    {ok, P}.\n"
    outcome, text, _ = run(before, BEFORE_SUP, "insert-expression-before", {"expression": "b:init()"})
    assert (outcome, text) == ("changed", after)
    assert run(after, BEFORE_SUP, "insert-expression-before", {"expression": "b:init( )"})[0] == "already-applied"


CLAUSE_Q = "((function_clause name: (atom) @_n (#eq? @_n \"f\")) @target)"


def test_replace_function_clause(run: PrimitiveRunner) -> None:
    before = "-spec f(x) -> y.\nf(X) ->\n    old(X).\n"
    new = "f(X) ->\n    case X of\n        a -> b\n    end"
    after = "-spec f(x) -> y.\nf(X) ->\n\tcase X of\n\t\ta -> b\n\tend.\n"
    params = {"with": new, "expect": r"old\("}
    outcome, text, _ = run(before.replace("    ", "\t"), CLAUSE_Q, "replace-function-clause", params)
    assert (outcome, text) == ("changed", after)
    assert run(after, CLAUSE_Q, "replace-function-clause", params)[0] == "already-applied"
    result = run.result("f(X) ->\n    mine(X).\n", CLAUSE_Q, "replace-function-clause", params)
    assert (result.outcome, result.reason.kind.value) == ("drifted", "conflict")


def test_remove_unused_function(run: PrimitiveRunner) -> None:
    before = "a() -> ok.\n\n-spec g(x) -> y.\ng(X) ->\n    X.\n\nb() -> ok.\n"
    outcome, text, _ = run(before, MODULE, "remove-unused-function", {"function": "g/1"})
    assert (outcome, text) == ("changed", "a() -> ok.\n\nb() -> ok.\n")
    assert run(text, MODULE, "remove-unused-function", {"function": "g/1"})[0] == "already-applied"
    outcome, _, reason = run("a() -> g(1).\ng(X) -> X.\n", MODULE, "remove-unused-function", {"function": "g/1"})
    assert (outcome, "still used" in reason) == ("already-applied", True)
