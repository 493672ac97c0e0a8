"""The response-header primitives (`formats/js/headers.py`): before / after / unchanged, and drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxer_patcher.model import Outcome
from tests.primitive_case import PrimitiveRunner

ROOT = Path(__file__).resolve().parent.parent
SETS = (ROOT / "queries/typescript/media-responses.scm").read_text()
HELPER = (ROOT / "queries/typescript/media-set-headers.scm").read_text()
BY_BODY = {
    "header": "Content-Length",
    "buffer": r"toBodyData|Buffer\.from",
    "stream": r"toWebReadableStream|Readable\.toWeb",
    "helper": "setHeaders",
    "suppress": "{contentLength: false}",
    "position": "3",
}
GUARD = {"header": "Content-Length", "parameter": "{contentLength = true}: {contentLength?: boolean} = {}",
         "condition": "contentLength", "position": "2"}


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    return PrimitiveRunner(tmp_path, "src/Controller.tsx", "tsx")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "const f = async (c) => {\n\tc.header('Content-Length', n);\n\treturn c.body(toBodyData(b));\n};\n",
            "const f = async (c) => {\n\treturn c.body(toBodyData(b));\n};\n",
            id="direct set before a buffer: removed",
        ),
        pytest.param(
            "const f = (c) => {\n\tsetHeaders(c, n);\n\tconst x = 1;\n\treturn c.body(Buffer.from(x));\n};\n",
            "const f = (c) => {\n\tsetHeaders(c, n, undefined, {contentLength: false});\n\tconst x = 1;\n"
            "\treturn c.body(Buffer.from(x));\n};\n",
            id="helper before a buffer: the option, earlier optional arguments as undefined",
        ),
        pytest.param(
            "const f = (c) => {\n\ttry {\n\t\tsetHeaders(c, n, t);\n\t\treturn c.text('x');\n\t} catch {}\n};\n",
            "const f = (c) => {\n\ttry {\n\t\tsetHeaders(c, n, t, {contentLength: false});\n\t\treturn c.text('x');\n"
            "\t} catch {}\n};\n",
            id="a string body is buffered",
        ),
    ],
)
def test_header_by_body_edits_buffered_responses(run: PrimitiveRunner, before: str, after: str) -> None:
    outcome, text, reason = run(before, SETS, "header-by-body", BY_BODY, expect="1+")
    assert (outcome, text) == (Outcome.CHANGED, after), reason
    if "setHeaders" in after:  # a removed direct set leaves nothing to find
        again, text, reason = run(after, SETS, "header-by-body", BY_BODY, expect="1+")
        assert (again, text) == (Outcome.PRESENT, after), reason


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("const f = (c) => {\n\tc.header('content-length', n);\n\treturn c.body(null);\n};\n", id="HEAD"),
        pytest.param("const f = (c) => {\n\tsetHeaders(c, n);\n\treturn new Response(toWebReadableStream(s));\n};\n",
                     id="stream"),
        pytest.param("const f = (c) => {\n\tc.header('Content-Length', n);\n\tif (x) {\n\t\ty();\n\t}\n"
                     "\treturn c.body(undefined);\n};\n", id="HEAD after an if"),
    ],
)
def test_header_by_body_keeps_the_header_for_streams_and_null_bodies(run: PrimitiveRunner, source: str) -> None:
    outcome, text, reason = run(source, SETS, "header-by-body", BY_BODY, expect="1+")
    assert (outcome, text) == (Outcome.PRESENT, source), reason


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("const f = (c) => {\n\tc.header('Content-Length', n);\n"
                     "\tif (s) return c.body(toWebReadableStream(s));\n\treturn c.body(toBodyData(b));\n};\n",
                     "runs before a buffered and a stream response",
                     id="shared by a stream and a buffer"),
        pytest.param("const f = (c) => {\n\tsetHeaders(c, n);\n\treturn c.body(payload);\n};\n",
                     "body kind is unknown (`payload` at", id="unknown body"),
        pytest.param("function h(c) {\n\tc.header('Content-Length', n);\n}\n", "runs before no response",
                     id="no response"),
        pytest.param("const f = (c) => {\n\tsetHeaders(c, n, d, {contentLength: false});\n"
                     "\treturn new Response(toWebReadableStream(s));\n};\n", "before a response that is not buffered",
                     id="suppressed before a stream"),
        pytest.param("const f = (c) => {\n\tsetHeaders(c, n, d, {other: 1});\n\treturn c.body(toBodyData(b));\n};\n",
                     "is passed where `{contentLength: false}` should go", id="another argument there"),
    ],
)
def test_header_by_body_drifts_rather_than_guessing(run: PrimitiveRunner, source: str, message: str) -> None:
    outcome, text, reason = run(source, SETS, "header-by-body", BY_BODY, expect="1+")
    assert outcome is Outcome.DRIFTED and text == source
    assert message in reason


def test_header_by_body_respects_the_line_width(run: PrimitiveRunner) -> None:
    source = "const f = (c) => {\n\tsetHeaders(c, n);\n\treturn c.body(toBodyData(b));\n};\n"
    outcome, _, reason = run(source, SETS, "header-by-body", {**BY_BODY, "line_width": "30"}, expect="1+")
    assert outcome is Outcome.DRIFTED and "over the formatter's 30" in reason


HELPER_BEFORE = """export function setHeaders(
	ctx: Context,
	size: number,
) {
	if (range) {
		ctx.header('Content-Length', String(end - start));
		ctx.header('Content-Range', 'x');
	} else {
		ctx.header('Content-Length', String(size));
	}
}
"""
HELPER_AFTER = """export function setHeaders(
	ctx: Context,
	size: number,
	{contentLength = true}: {contentLength?: boolean} = {},
) {
	if (range) {
		if (contentLength) ctx.header('Content-Length', String(end - start));
		ctx.header('Content-Range', 'x');
	} else if (contentLength) {
		ctx.header('Content-Length', String(size));
	}
}
"""


def test_guard_header_with_option(run: PrimitiveRunner) -> None:
    outcome, text, reason = run(HELPER_BEFORE, HELPER, "guard-header-with-option", GUARD)
    assert (outcome, text) == (Outcome.CHANGED, HELPER_AFTER), reason
    again, text, reason = run(HELPER_AFTER, HELPER, "guard-header-with-option", GUARD)
    assert (again, text) == (Outcome.PRESENT, HELPER_AFTER), reason


def test_guard_header_with_option_single_line_parameters(run: PrimitiveRunner) -> None:
    source = "function setHeaders(ctx, size) {\n\tctx.header('Content-Length', size);\n}\n"
    outcome, text, _ = run(source, HELPER, "guard-header-with-option", GUARD)
    assert outcome is Outcome.CHANGED
    assert text == ("function setHeaders(ctx, size, {contentLength = true}: {contentLength?: boolean} = {}) {\n"
                    "\tif (contentLength) ctx.header('Content-Length', size);\n}\n")


def test_guard_header_with_option_drifts_when_the_signature_moved(run: PrimitiveRunner) -> None:
    source = HELPER_BEFORE.replace("\tsize: number,\n", "\tsize: number,\n\ttype: string,\n")
    outcome, _, reason = run(source, HELPER, "guard-header-with-option", GUARD)
    assert outcome is Outcome.DRIFTED and "takes 3 parameters where the fix expects 2" in reason


def test_guard_header_with_option_without_the_header_is_drift(run: PrimitiveRunner) -> None:
    outcome, _, reason = run("function setHeaders(ctx, size) {\n\tctx.status(200);\n}\n", HELPER,
                             "guard-header-with-option", GUARD)
    assert outcome is Outcome.DRIFTED and "sets no `Content-Length` header" in reason


def test_fixed_by_the_dependency_is_said_once_for_the_whole_fix() -> None:
    from fluxer_patcher.app.catalogue import load_catalogue
    from fluxer_patcher.source import MemoryTree
    from tests.primitive_case import engine

    patch = next(p for p in load_catalogue().patches if p.id == "media-content-length-once")
    example = next(e for e in patch.examples if "fixed by the dependency" in e.name)
    result = engine(MemoryTree({**example.tree, **example.before})).run_patch(patch)
    assert result.status(written=True) == "already-applied"
    assert result.reason.text.count("@hono/node-server is at 1.19.11 or later") == 1  # seven steps, one note
