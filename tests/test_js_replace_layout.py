"""replace-node's recognition (template holes, accepted forms, a nested duplicate collapsed)
and the wrapping of long lines as biome would (``formats/js/template.py``, ``layout.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxer_patcher.formats.js import layout
from fluxer_patcher.source.memory import MemoryTree
from tests.primitive_case import PrimitiveRunner

FILE = "app/rspack.config.mjs"
DECL = ("(program (lexical_declaration (variable_declarator name: (identifier) @_n (#eq? @_n \"CDN\") "
        "value: (_) @target)))")
DECL_URL = ("(program (lexical_declaration (variable_declarator name: (identifier) @_n (#eq? @_n \"CDN\") "
            "value: (string) @url @target)))")
WITH = "'K' in process.env ? process.env.K : {{url}}"
BIOME = '{\n\t// upstream-like\n\t"formatter": {"indentStyle": "tab", "lineWidth": 60,},\n}\n'


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    return PrimitiveRunner(tmp_path, FILE, "javascript")


def test_any_default_in_the_hole_is_the_fix(run: PrimitiveRunner) -> None:
    before = "const CDN = \"K\" in process.env ? (process.env.K) : computeDefault();\n"
    assert run(before, DECL, "replace-node", {"with": WITH})[0] == "already-applied"


def test_a_nested_exact_duplicate_is_collapsed_as_present_twice(run: PrimitiveRunner) -> None:
    once = "'K' in process.env ? process.env.K : 'u'"
    thrice = f"'K' in process.env ? process.env.K : 'K' in process.env ? process.env.K : {once}"
    result = run.result(f"const CDN = {thrice};\n", DECL, "replace-node", {"with": WITH})
    assert result.outcome == "changed" and result.reason.kind == "present-twice"
    assert "3 times" in result.reason.text
    assert result.changes[0].after.decode() == f"const CDN = {once};\n"
    assert run(f"const CDN = {once};\n", DECL, "replace-node", {"with": WITH})[0] == "already-applied"


@pytest.mark.parametrize("default", [
    "'K' in process.env ? process.env.OTHER : 'u'",  # the condition again, another value
    "process.env.K || 'u'",  # the fix's value again, as a fallback
])
def test_less_certain_duplicates_are_drift(run: PrimitiveRunner, default: str) -> None:
    before = f"const CDN = 'K' in process.env ? process.env.K : {default};\n"
    outcome, after, reason = run(before, DECL, "replace-node", {"with": WITH})
    assert outcome == "drifted" and after == before and "applied twice in another form?" in reason


def test_an_accepted_form_is_the_fix(run: PrimitiveRunner) -> None:
    params = {"with": WITH, "accept": ["''"]}
    outcome, _, reason = run('const CDN = "";\n', DECL_URL, "replace-node", params)
    assert outcome == "already-applied" and "accepted form" in reason
    assert run("const CDN = 'x';\n", DECL_URL, "replace-node", params)[0] == "changed"


def test_without_biome_config_nothing_is_wrapped(run: PrimitiveRunner) -> None:
    outcome, after, _ = run("const CDN = 'https://cdn.example.org/a/b';\n", DECL_URL, "replace-node", {"with": WITH})
    assert outcome == "changed" and after.count("\n") == 1


def test_a_collapsed_duplicate_is_wrapped_too(run: PrimitiveRunner) -> None:
    once = "'K' in process.env ? process.env.K : 'https://c.ex'"
    before = f"\tconst CDN = 'K' in process.env ? process.env.K : {once};\n"
    result = run.result(before, DECL, "replace-node", {"with": WITH}, tree={"biome.json": BIOME})
    assert result.outcome == "changed" and result.reason.kind == "present-twice"
    assert result.changes[0].after.decode() == f"\tconst CDN =\n\t\t{once};\n"


def test_wrapped_after_the_operator_then_the_conditional(run: PrimitiveRunner) -> None:
    tree = {"biome.json": BIOME}
    outcome, after, reason = run("\tconst CDN = 'https://c.ex';\n", DECL_URL, "replace-node", {"with": WITH},
                                 tree=tree)
    assert outcome == "changed" and "lineWidth 60 of biome.json" in reason
    assert after == "\tconst CDN =\n\t\t'K' in process.env ? process.env.K : 'https://c.ex';\n"
    outcome, after, _ = run("const CDN = 'https://cdn.example.org/some/long/path';\n", DECL_URL, "replace-node",
                            {"with": WITH}, tree=tree)
    assert after == ("const CDN =\n\t'K' in process.env\n\t\t? process.env.K\n\t\t: 'https://cdn.example.org/some/long/path';\n")


def test_a_shape_not_modelled_is_left_long_with_a_note(run: PrimitiveRunner) -> None:
    query = "(call_expression arguments: (arguments (string) @url @target))"
    before = "use('https://cdn.example.org/some/long/path/for/the/test');\n"
    outcome, after, reason = run(before, query, "replace-node", {"with": WITH}, tree={"biome.json": BIOME})
    assert outcome == "changed" and "\n" not in after.rstrip("\n") and "not wrapped" in reason


def test_style_reads_the_nearest_config_and_its_root() -> None:
    tree = MemoryTree({
        "biome.json": '{"formatter": {"lineWidth": 120, "indentStyle": "space", "indentWidth": 4}}',
        "app/biome.jsonc": '{"root": false, "javascript": {"formatter": {"lineWidth": 100}}}',
        "off/biome.json": '{"formatter": {"enabled": false}}',
    })
    style = layout.style(tree, "app/src/a.ts")
    assert style is not None and (style.line_width, style.indent, style.config) == (100, "    ", "app/biome.jsonc")
    assert layout.style(tree, "off/a.ts") is None
    assert layout.style(MemoryTree({}), "a.ts") is None
    root = layout.style(tree, "a.ts")
    assert root is not None and root.width("\tx") == 5


# -- a Dockerfile RUN that seds the file at build time (issue 10 item 8) ----------------------

BUILT = {"with": WITH, "accept": ["''"], "built_by": "Dockerfile", "accept_built": ["'${K}'"]}


def _dockerfile(run_line: str) -> dict[str, str]:
    return {"Dockerfile": f"FROM node:24 AS app-build\nARG K=\"\"\n{run_line}\nRUN pnpm build\n"}


@pytest.mark.parametrize("run_line", [
    "RUN sed -i \"s|'https://c.example'|'${K}'|\" app/rspack.config.mjs",
    "RUN cd app && CI=1 sed -i -e \"s/'https:\\/\\/c\\.example'/'${K}'/\" rspack.config.mjs",
    "RUN sed -E -i \"s#(const CDN = )'[^']*'#\\\\1''#\" /usr/src/app/app/rspack.config.mjs",
    "RUN sed -i \"s|https://c.example||\" app/rspack.config.mjs",
    "RUN sh -c \"cd app && sed -i 's|https://c.example||' rspack.config.mjs\"",
])
def test_a_build_sed_that_reaches_the_goal_is_the_fix(run: PrimitiveRunner, run_line: str) -> None:
    before = "const CDN = 'https://c.example';\n"
    outcome, after, reason = run(before, DECL_URL, "replace-node", BUILT, tree=_dockerfile(run_line))
    assert (outcome, after) == ("already-applied", before), reason
    assert reason.startswith("Dockerfile:3:1: RUN ") and "defeat that sed" in reason


def test_a_build_sed_with_its_own_value_is_a_conflict_naming_the_run(run: PrimitiveRunner) -> None:
    tree = _dockerfile("RUN sed -i 's/c\\.example/cdn.fork.example/g' app/rspack.config.mjs")
    result = run.result("const CDN = 'https://c.example';\n", DECL_URL, "replace-node", BUILT, tree=tree)
    assert result.outcome == "drifted" and result.reason.kind == "conflict"
    assert result.reason.text.startswith("Dockerfile:3:1: RUN sed -i s/c\\.example/cdn.fork.example/g")
    assert "`'https://cdn.fork.example'`" in result.reason.text


def test_a_build_sed_not_modelled_is_a_conflict_not_a_guess(run: PrimitiveRunner) -> None:
    tree = _dockerfile("RUN sed -i '/CDN/d' app/rspack.config.mjs")
    result = run.result("const CDN = 'https://c.example';\n", DECL_URL, "replace-node", BUILT, tree=tree)
    assert result.outcome == "drifted" and result.reason.kind == "conflict" and "not modelled" in result.reason.text


@pytest.mark.parametrize("run_line", [
    "RUN sed -i 's/other/thing/' app/rspack.config.mjs",  # matches nothing here
    "RUN sed 's/c\\.example/x/' app/rspack.config.mjs > /tmp/out.mjs",  # not in place
    "RUN sed -i 's/c\\.example/x/' app/other.mjs",  # another file
    "RUN [\"sed\", \"-i\", \"s/c/x/\", \"app/rspack.config.mjs\"]",  # exec form: not modelled, not read
])
def test_other_seds_do_not_stand_in_the_way(run: PrimitiveRunner, run_line: str) -> None:
    outcome, after, _ = run("const CDN = 'https://c.example';\n", DECL_URL, "replace-node", BUILT,
                            tree=_dockerfile(run_line))
    assert outcome == "changed" and "'K' in process.env" in after
