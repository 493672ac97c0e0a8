"""``wrap-argument-in-object`` and ``add-condition-conjunct``: before → after, and the
unchanged cases; what :mod:`fluxer_patcher.formats.js.conditions` reads a guard to mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxer_patcher.formats.js import conditions
from fluxer_patcher.formats.js.structure import parse_expression
from fluxer_patcher.syntax.document import Document, walk
from tests.primitive_case import PrimitiveRunner


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    return PrimitiveRunner(tmp_path, "src/a.tsx", "tsx")


# -- wrap-argument-in-object ---------------------------------------------------------------

NEW = '((new_expression constructor: (identifier) @_c (#eq? @_c "E")) @target)'


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("f(new E('open'));", "f(new E({message: 'open'}));"),
        ('f(new E("open"));', 'f(new E({message: "open"}));'),
        ("f(new E(`open ${n}`));", "f(new E({message: `open ${n}`}));"),
        # the file writes one-line objects with spaces inside the braces: so does the fix
        ("g({ a: 1 }, { b: 2 });\nf(new E('open'));", "g({ a: 1 }, { b: 2 });\nf(new E({ message: 'open' }));"),
        ("g({a: 1});\nf(new E('open' /* why */));", "g({a: 1});\nf(new E({message: 'open'} /* why */));"),
    ],
)
def test_wrap_argument_in_object(run, before: str, after: str) -> None:
    outcome, text, reason = run(before, NEW, "wrap-argument-in-object", {})
    assert (outcome, text) == ("changed", after), reason
    assert run(after, NEW, "wrap-argument-in-object", {})[0] == "already-applied"


@pytest.mark.parametrize(
    "source",
    ["f(new E({message: 'open'}));", "f(new E({'message': 'x', code: 'C'}));", "f(new E({code, message}));"],
)
def test_wrap_argument_in_object_present(run, source: str) -> None:
    assert run(source, NEW, "wrap-argument-in-object", {})[:2] == ("already-applied", source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("f(new E('a', {cause}));", "passes 2 arguments"),
        ("f(new E({code: 'C'}));", "passes an object without `message`"),
        ("f(new E(text));", "passes a identifier, not a string literal"),
        ("f(new E('a' + b));", "not a string literal"),
    ],
)
def test_wrap_argument_in_object_drifts_on_other_shapes(run, source: str, message: str) -> None:
    outcome, text, reason = run(source, NEW, "wrap-argument-in-object", {})
    assert (outcome, text) == ("drifted", source)
    assert message in reason


def test_wrap_argument_in_object_without_an_argument_is_present_with_a_note(run) -> None:
    outcome, text, reason = run("f(new E());", NEW, "wrap-argument-in-object", {})
    assert (outcome, text) == ("already-applied", "f(new E());")
    assert "passes no argument: nothing to wrap" in reason


def test_wrap_argument_in_object_other_key(run) -> None:
    outcome, text, _ = run("f(new E('x'));", NEW, "wrap-argument-in-object", {"key": "reason"})
    assert (outcome, text) == ("changed", "f(new E({reason: 'x'}));")


# -- add-condition-conjunct ----------------------------------------------------------------

CREATE = ("((call_expression function: (member_expression object: (identifier) @_o (#eq? @_o \"S\")"
          " property: (property_identifier) @_p (#eq? @_p \"create\")) arguments: (arguments . (_) @config))"
          " @target)")
KEYS = {"condition": "{{config}}.keys.length > 0"}


def _fn(body: str) -> str:
    return "async function f() {\n" + body + "}\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "\tif (!s && C.b.enabled) {\n\t\ts = await S.create(C.b, kv);\n\t}\n",
            "\tif (!s && C.b.enabled && C.b.keys.length > 0) {\n\t\ts = await S.create(C.b, kv);\n\t}\n",
        ),
        (  # a single condition, a statement without a block
            "\tif (C.b.enabled) s = S.create(C.b);\n",
            "\tif (C.b.enabled && C.b.keys.length > 0) s = S.create(C.b);\n",
        ),
        (  # an OR: parenthesised, so that the new condition binds to all of it
            "\tif (a || C.b.enabled) {\n\t\ts = S.create(C.b);\n\t}\n",
            "\tif ((a || C.b.enabled) && C.b.keys.length > 0) {\n\t\ts = S.create(C.b);\n\t}\n",
        ),
        (  # one operand per line, operators at line ends: the new one follows suit
            "\tif (\n\t\t!s &&\n\t\tC.b.enabled\n\t) {\n\t\ts = S.create(C.b);\n\t}\n",
            "\tif (\n\t\t!s &&\n\t\tC.b.enabled &&\n\t\tC.b.keys.length > 0\n\t) {\n\t\ts = S.create(C.b);\n\t}\n",
        ),
        (  # a guard that mentions the keys but does not require one
            "\tif (C.b.enabled && C.b.keys.length >= 0) {\n\t\ts = S.create(C.b);\n\t}\n",
            "\tif (C.b.enabled && C.b.keys.length >= 0 && C.b.keys.length > 0) {\n\t\ts = S.create(C.b);\n\t}\n",
        ),
    ],
)
def test_add_condition_conjunct(run, before: str, after: str) -> None:
    outcome, text, reason = run(_fn(before), CREATE, "add-condition-conjunct", KEYS)
    assert (outcome, text) == ("changed", _fn(after)), reason
    assert run(_fn(after), CREATE, "add-condition-conjunct", KEYS)[0] == "already-applied"


@pytest.mark.parametrize(
    "body",
    [
        "\tif (C.b.keys.length !== 0 && C.b.enabled) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tif (C.b.enabled && 0 < C.b.keys.length) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tif (C.b.enabled && C.b.keys.length >= 1) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tif (C.b.enabled && C.b.keys.length > 2) {\n\t\ts = S.create(C.b);\n\t}\n",  # implies > 0
        "\tif (C.b.enabled && !!C.b.keys.length) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tif (C.b.enabled && Boolean(C.b.keys.length)) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tif (C.b.enabled) {\n\t\tif (C.b.keys.length) {\n\t\t\ts = S.create(C.b);\n\t\t}\n\t}\n",
        # the else of a test for no keys
        "\tif (C.b.keys.length === 0) {\n\t\twarn();\n\t} else {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tif (!C.b.enabled || C.b.keys.length < 1) {\n\t\twarn();\n\t} else {\n\t\ts = S.create(C.b);\n\t}\n",
        # an earlier exit
        "\tif (C.b.keys.length === 0) {\n\t\twarn();\n\t\treturn null;\n\t}\n\ts = S.create(C.b);\n",
        "\tif (!C.b.keys.length) throw new Error('no keys');\n\ts = S.create(C.b);\n",
        # aliases declared before: a const, a destructured const
        "\tconst b = C.b;\n\tif (b.enabled && b.keys.length > 0) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tconst {keys} = C.b;\n\tif (keys.length > 0) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tconst {keys: signing} = C.b;\n\tif (signing.length) {\n\t\ts = S.create(C.b);\n\t}\n",
    ],
)
def test_add_condition_conjunct_recognises_the_guard_by_meaning(run, body: str) -> None:
    outcome, text, reason = run(_fn(body), CREATE, "add-condition-conjunct", KEYS)
    assert (outcome, text) == ("already-applied", _fn(body)), reason


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("\ts = S.create(C.b);\n", "is not guarded by an `if`"),
        ("\tif (!C.b.enabled) {\n\t\twarn();\n\t} else {\n\t\ts = S.create(C.b);\n\t}\n", "in the else branch"),
        ("\tif (C.b.enabled) {\n\t\tlog();\n\t\ts = S.create(C.b);\n\t}\n", "also runs 1 other statement"),
        # a guard outside the callback does not guard the callback's later runs
        ("\tif (C.b.enabled) {\n\t\tsetup(() => S.create(C.b));\n\t}\n", "is not guarded by an `if`"),
    ],
)
def test_add_condition_conjunct_drifts_where_an_edit_would_change_more(run, body: str, message: str) -> None:
    outcome, text, reason = run(_fn(body), CREATE, "add-condition-conjunct", KEYS)
    assert (outcome, text) == ("drifted", _fn(body))
    assert message in reason


@pytest.mark.parametrize(
    "body",
    [
        # an exit that only some runs take, or a test of the keys of something else
        "\tif (C.b.keys.length === 0) {\n\t\twarn();\n\t}\n\tif (C.b.enabled) {\n\t\ts = S.create(C.b);\n\t}\n",
        "\tif (C.other.keys.length > 0 && C.b.enabled) {\n\t\ts = S.create(C.b);\n\t}\n",
        # `b` is rebound in the function: not an alias of C.b there
        "\tconst b = C.b;\n\tfunction g(b) {\n\t\tif (b.keys.length > 0) {\n\t\t\ts = S.create(C.b);\n\t\t}\n\t}\n",
        "\tlet b = C.b;\n\tif (b.keys.length > 0) {\n\t\ts = S.create(C.b);\n\t}\n",
    ],
)
def test_add_condition_conjunct_is_not_fooled_by_similar_guards(run, body: str) -> None:
    assert run(_fn(body), CREATE, "add-condition-conjunct", KEYS)[0] == "changed"


# -- conditions ----------------------------------------------------------------------------


def _implies(fact: str, holds: bool, wanted: str) -> bool:
    fact_doc, fact_node = parse_expression("tsx", fact)
    want_doc, want_node = parse_expression("tsx", wanted)
    return conditions.implies(
        conditions.Condition(fact_doc, fact_node, conditions.Terms(fact_doc)),
        holds,
        conditions.Condition(want_doc, want_node, conditions.Terms(want_doc)),
    )


@pytest.mark.parametrize(
    ("fact", "holds", "wanted", "expected"),
    [
        ("x.length > 0", True, "x.length !== 0", True),
        ("x.length === 0", False, "x.length > 0", True),
        ("x.length == 0", True, "x.length > 0", False),
        ("x.size >= 3", True, "x.size > 1", True),
        ("x.size > 1", True, "x.size >= 3", False),
        ("!x.length", False, "x.length >= 1", True),
        ("1 <= x.length", True, "x.length > 0", True),
        ("x.count > 0", True, "x.count !== 0", False),  # not a count the module knows
        ("!ready", False, "ready", True),
        ("ready", False, "ready", False),
        ("a.b", True, "a . b", True),
    ],
)
def test_implies(fact: str, holds: bool, wanted: str, expected: bool) -> None:
    assert _implies(fact, holds, wanted) is expected


def test_facts_at_stop_at_the_enclosing_function() -> None:
    doc = Document("a.ts", b"if (a) { if (b) { const f = () => { if (c) { go(); } }; } }", "typescript")
    call = next(n for n in walk(doc.root) if n.type == "call_expression")
    assert [doc.text(f.condition) for f in conditions.facts_at(call)] == ["c"]
