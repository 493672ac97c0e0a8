"""Manifests and queries: the bundled catalogue is valid, broken ones are named precisely."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import default_root, registry
from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.catalogue.manifest import CatalogueError
from fluxer_patcher.syntax import queries
from fluxer_patcher.syntax.document import Document

ROOT = default_root()
GOOD = """id = "x-fix"
gotchas = [4]
title = "t"
symptom = "s"
fix = "f"
guide = "g"

[[steps]]
file = "a.mjs"
language = "javascript"
query = "javascript/cdn-endpoint.scm"
looking_for = "it"
edit = "replace-node"
params = { with = "1" }
"""


def test_bundled_catalogue_loads_and_every_query_compiles() -> None:
    catalogue = load()
    assert catalogue.ids() and len(set(catalogue.ids())) == len(catalogue.ids())
    for patch in catalogue.patches:
        assert patch.manifest.name[:2].isdigit(), "manifests are named NN-<id>.toml (NN: gotcha)"
        assert patch.id in patch.manifest.name
        for step in patch.steps:
            if step.query is not None and step.language is not None:
                for path in (step.query, step.present):
                    if path is not None:
                        query_file = queries.compile_query(step.language, path)
                        assert query_file.landmark_query is not None or path == step.present


def _catalogue(tmp_path: Path, manifest: str) -> Path:
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    (tmp_path / "patches").mkdir()
    (tmp_path / "patches" / "01-x.toml").write_text(manifest)
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("edit = \"replace-node\"", "edit = \"rewrite\""), "unknown edit 'rewrite'"),
        (("params = { with = \"1\" }", "params = {}"), "parameters: missing ['with']"),
        (("params = { with = \"1\" }", "params = { with = \"1\", x = 2 }"), "parameters: unknown ['x']"),
        (("looking_for = \"it\"\n", "looking_for = \"it\"\nexpect = \"one\"\n"), "`expect` must be a count"),
        (("javascript/cdn-endpoint.scm", "javascript/nope.scm"), "queries/javascript/nope.scm does not exist"),
        (("gotchas = [4]", "gotchas = []"), "a fix needs `gotchas` (the guide's numbers) or `refs`"),
        (("gotchas = [4]", "gotchas = [true]"), "`gotchas` must be a list of guide gotcha numbers"),
        (("gotchas = [4]", "gotchas = [4]\nrefs = [\"a\\nb\"]"), "`refs` must be a list of one-line references"),
        (("gotchas = [4]", "gotchas = [4]\ndefault = \"no\""), "`default` must be true or false"),
        (("id = \"x-fix\"", "id = \"X Fix\""), "must be lowercase words"),
        (("language = \"javascript\"", "language = \"cobol\""), "unknown language 'cobol'"),
        (("title = \"t\"", "title = "), "invalid TOML"),
        (("language = \"javascript\"\nquery = \"javascript/cdn-endpoint.scm\"\n",
          "present = \"javascript/cdn-endpoint.scm\"\n"), "a step with a query needs a `language`"),
        (("query = \"javascript/cdn-endpoint.scm\"\n", "where = { key = \"x\" }\n"), "this step has no `query`"),
        (("looking_for = \"it\"\n", "looking_for = \"it\"\nwhere = { key = 1 }\n"), "`where` must be a table"),
        (("[[steps]]", "steps = [\"a\"]\n[[nothing]]"), "only tables"),
        (("[[steps]]", "examples = [1]\n[[steps]]"), "`examples` must be [[examples]] tables"),
    ],
)
def test_broken_manifest_is_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    root = _catalogue(tmp_path, GOOD.replace(*change))
    with pytest.raises(CatalogueError) as caught:
        load(root)
    assert caught.value.args[0].startswith("patches/01-x.toml")
    assert message in str(caught.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    root = _catalogue(tmp_path, GOOD)
    (root / "patches" / "02-y.toml").write_text(GOOD)
    with pytest.raises(CatalogueError, match=re.escape("also used by 01-x.toml")):
        load(root)


def test_cli_reports_a_broken_catalogue_in_one_line(tmp_path: Path, run_cli) -> None:
    root = _catalogue(tmp_path, GOOD.replace("edit = \"replace-node\"", "edit = \"rewrite\""))
    result = run_cli("list", "--catalogue", str(root))
    assert result.exit_code == 2
    assert result.stderr.startswith("fluxer-patch: patches/01-x.toml step 1: unknown edit")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_stray_predicate_is_a_query_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.scm"
    bad.write_text('(identifier) @a (#eq? @a "x")\n')
    with pytest.raises(queries.QueryError, match=re.escape("bad.scm:1: pattern captures nothing")):
        queries.compile_query("javascript", bad)


def test_invalid_query_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.scm"
    bad.write_text("(identifer) @target\n")
    message = "bad.scm:1:2: invalid javascript query: Invalid node type (did you mean identifier"
    with pytest.raises(queries.QueryError, match=re.escape(message)):
        queries.compile_together([queries.compile_query("javascript", bad)])


def test_inside_predicate_pins_the_enclosing_method(tmp_path: Path) -> None:
    q = tmp_path / "q.scm"
    q.write_text('((call_expression) @target (#inside? @target "method_definition" "b"))\n')
    doc = Document("x.ts", b"class C { a() { f(); } b() { g(); } }", "typescript")
    targets = queries.targets(queries.compile_query("typescript", q).run(doc.root))
    assert [doc.text(m.target) for m in targets] == ["g()"]


def test_each_query_file_runs_its_own_patterns(tmp_path: Path) -> None:
    a, b = tmp_path / "a.scm", tmp_path / "b.scm"
    a.write_text('((identifier) @target (#eq? @target "x"))\n')
    b.write_text('((number) @target)\n((identifier) @target (#eq? @target "y"))\n')
    qa, qb = queries.compile_query("javascript", a), queries.compile_query("javascript", b)
    queries.compile_together([qa, qb])
    assert qa.query.pattern_count == 1 and qb.query.pattern_count == 2
    doc = Document("x.js", b"x + y + 1;", "javascript")
    assert [doc.text(m.target) for m in qa.run(doc.root)] == ["x"]
    assert [(m.pattern, doc.text(m.target)) for m in qb.run(doc.root)] == [(1, "y"), (0, "1")]


def test_a_bad_file_among_others_is_named(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.scm", tmp_path / "bad2.scm"
    good.write_text("((identifier) @target)\n")
    bad.write_text("((no_such_node) @target)\n")
    files = [queries.compile_query("javascript", good), queries.compile_query("javascript", bad)]
    with pytest.raises(queries.QueryError, match=re.escape("bad2.scm:1:3: invalid javascript query")):
        queries.compile_together(files)


def test_cli_reports_a_broken_query_in_one_line(tmp_path: Path, run_cli) -> None:
    shutil.copytree(ROOT / "patches", tmp_path / "patches")
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    broken = tmp_path / "queries" / "typescript" / "user-is-unclaimed.scm"
    broken.write_text(broken.read_text() + "\n((no_such_node) @target)\n")
    tree = Path(__file__).resolve().parent.parent / "upstream-fixtures" / "refactor-2026-02"
    result = run_cli("check", str(tree), "--catalogue", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("user-is-unclaimed.scm:" + str(
        broken.read_text().splitlines().index("((no_such_node) @target)") + 1
    ) + ":3: invalid tsx query: Invalid node type")
    assert len(result.stderr.strip().splitlines()) == 1


def _manifest(path: Path, patch_id: str, after: str = "") -> None:
    path.write_text(
        f'id = "{patch_id}"\ngotchas = [1]\ntitle = "t"\nsymptom = "s"\nfix = "f"\nguide = "g"\n{after}\n'
        '[[steps]]\nfile = ".dockerignore"\nedit = "dockerignore-admit"\nlooking_for = "it"\n'
        'params = { paths = ["x"], why = "y" }\n'
    )


def test_after_orders_fixes_whatever_their_file_names(tmp_path: Path) -> None:
    (tmp_path / "patches").mkdir()
    (tmp_path / "queries").mkdir()
    _manifest(tmp_path / "patches" / "01-late.toml", "late", 'after = ["early"]')
    _manifest(tmp_path / "patches" / "02-early.toml", "early")
    _manifest(tmp_path / "patches" / "03-free.toml", "free")
    assert load(tmp_path).ids() == ["early", "late", "free"]


@pytest.mark.parametrize(
    ("late_after", "early_after", "message"),
    [
        ('after = ["nobody"]', "", "`after` names unknown fix 'nobody'"),
        ('after = ["early"]', 'after = ["late"]', "`after` makes a cycle: late -> early -> late"),
    ],
)
def test_after_names_known_fixes_without_cycles(tmp_path: Path, late_after: str, early_after: str,
                                                message: str) -> None:
    (tmp_path / "patches").mkdir()
    (tmp_path / "queries").mkdir()
    _manifest(tmp_path / "patches" / "01-late.toml", "late", late_after)
    _manifest(tmp_path / "patches" / "02-early.toml", "early", early_after)
    with pytest.raises(CatalogueError, match=message.replace("?", "\\?")):
        load(tmp_path)


def test_the_bundled_order_puts_the_build_context_check_after_the_docker_fixes() -> None:
    ids = load().ids()
    assert ids.index("compose-nats-services") < ids.index("config-nats-urls")
    assert ids[-1] == "docker-build-context"


def test_an_example_may_hold_several_files(tmp_path: Path) -> None:
    from fluxer_patcher.catalogue.loader import load_patch

    (tmp_path / "patches").mkdir()
    path = tmp_path / "patches" / "01-x.toml"
    _manifest(path, "x")
    path.write_text(path.read_text() + (
        '[[examples]]\nname = "two files"\nbefore = { ".dockerignore" = "x\\n", "b.txt" = "1" }\n'
        'after = { ".dockerignore" = "# y\\n# x\\n" }\n'
    ))
    [example] = load_patch(tmp_path, path, registry(), "https://example.org/bug").examples
    assert example.before == {".dockerignore": "x\n", "b.txt": "1"}
    assert example.after == {".dockerignore": "# y\n# x\n"}


PAST_GUIDE = GOOD.replace("gotchas = [4]\n", 'refs = ["fluxerapp/fluxer#722"]\ndefault = false\n').replace(
    'guide = "g"\n', ""
)


def test_a_fix_past_the_guide_carries_refs_and_may_be_optional(tmp_path: Path) -> None:
    catalogue = load(_catalogue(tmp_path, PAST_GUIDE))
    (patch,) = catalogue.patches
    assert patch.gotchas == () and patch.refs == ("fluxerapp/fluxer#722",) and patch.guide == ""
    assert patch.gotcha_label == "fluxerapp/fluxer#722" and patch.origin == "fluxerapp/fluxer#722"
    assert catalogue.select() == [], "an optional fix runs only when named"
    assert catalogue.select(only=["x-fix"]) == [patch]


def test_refs_reach_list_commit_messages_and_dep3_headers(tmp_path: Path, run_cli) -> None:
    from fluxer_patcher.output import messages
    from fluxer_patcher.output.patchfiles import _dep3_origin
    from fluxer_patcher.profile import FLUXER

    (patch,) = load(_catalogue(tmp_path, PAST_GUIDE)).patches
    text = messages.message(patch, "abc123")
    assert "see fluxerapp/fluxer#722" in text and "Gotcha" not in text
    assert "Refs: https://github.com/fluxerapp/fluxer/issues/722" in text.splitlines()
    assert _dep3_origin(patch, FLUXER) == "Origin: other, https://github.com/fluxerapp/fluxer/issues/722"
    listing = run_cli("list", "--catalogue", str(tmp_path))
    row = next(line for line in listing.stdout.splitlines() if line.startswith("x-fix"))
    assert "fluxerapp/fluxer#722" in row and "(optional: --only)" in row
