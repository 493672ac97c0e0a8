"""The Dockerfile model, its query predicates and the Docker edit primitives: before → after,
the unchanged case, and the shapes that must be drift or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.catalogue.manifest import CatalogueError, Patch
from fluxer_patcher.formats.docker import dockerfile
from fluxer_patcher.git.repo import open_repo
from fluxer_patcher.source import WorkTree
from fluxer_patcher.source.revision import GitRevision
from fluxer_patcher.syntax import grammars, queries
from fluxer_patcher.syntax.document import Document
from tests.gitrepos import make_repo
from tests.primitive_case import PrimitiveRunner
from tests.primitive_case import engine as Engine

FILE = "fluxer_server/Dockerfile"
FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"
CATALOGUE = load()

STAGED = """\
ARG VERSION=1
FROM node:24 AS base
RUN apt-get update && apt-get install -y \\
\tcurl \\
\tg++
FROM base AS Deps
COPY a ./
FROM deps AS app-build
RUN pnpm build
FROM node:24 AS production
ENTRYPOINT ["pnpm", "start"]
"""


def doc(text: str) -> Document:
    return Document(FILE, text.encode(), "dockerfile")


def by_id(patch_id: str) -> Patch:
    return next(p for p in CATALOGUE.patches if p.id == patch_id)


class DockerRunner(PrimitiveRunner):
    """The fifth argument is the rest of the tree."""

    def __call__(self, source, query, edit, params, tree=None):  # type: ignore[no-untyped-def,override]
        return super().__call__(source, query, edit, params, tree=tree)


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    """Run one primitive over ``source`` with a query written on the fly (None: no query)."""
    return DockerRunner(tmp_path, FILE, "dockerfile")


# -- the model -----------------------------------------------------------------------------


def test_stages_lineage_and_last_stage() -> None:
    d = doc(STAGED)
    stages = dockerfile.stages(d.root)
    assert [s.name for s in stages] == ["base", "deps", "app-build", "production"]
    assert [s.base for s in stages] == ["node:24", "base", "deps", "node:24"]
    app = stages[2]
    assert [s.name for s in dockerfile.lineage(stages, app)] == ["app-build", "deps", "base"]
    run = app.body[0]
    assert dockerfile.stage_of(run) == app
    assert dockerfile.stage_of(dockerfile.instructions(d.root)[0]) is None  # the ARG before FROM
    assert dockerfile.is_last_stage(dockerfile.instructions(d.root)[-1])
    assert not dockerfile.is_last_stage(run)


def test_stage_of_keeps_apart_trees_of_the_same_text() -> None:
    """The stages are remembered per tree: a second parse of the same text gets its own."""
    first = doc(STAGED)
    first.root  # noqa: B018 - parsed before the parse cache is emptied
    grammars.forget_trees()
    second = doc(STAGED)
    run_first, run_second = (dockerfile.stages(d.root)[2].body[0] for d in (first, second))
    stage_first, stage_second = dockerfile.stage_of(run_first), dockerfile.stage_of(run_second)
    assert stage_first is not None and stage_second is not None
    assert stage_first.start == dockerfile.instructions(first.root)[5]
    assert stage_second.start == dockerfile.instructions(second.root)[5]
    assert stage_first.start != stage_second.start


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ('ENV PATH="/root/.cargo/bin:${PATH}"', "ENV PATH=/root/.cargo/bin:$PATH", True),
        ("ARG X=''", 'ARG X=""', True),
        ("ARG X=1", "ARG X=2", False),
        ("RUN a  &&  \\\n\tb", "RUN a && b", True),
        ('ENTRYPOINT ["a",\n  "b"]', 'ENTRYPOINT ["a", "b"]', True),
        ("RUN apt-get install -y curl ca-certificates git", "RUN apt-get update && apt-get install ca-certificates",
         True),
        ("RUN apt-get install -y curl", "RUN apt-get install ca-certificates", False),
        # the superset rule only stands for a RUN that is just the apt chain
        ("RUN apt-get install -y curl ca-certificates", "RUN apt-get install ca-certificates && rustup default stable",
         False),
        ("RUN apt-get install -y curl ca-certificates",
         "RUN apt-get update && apt-get install -y --no-install-recommends \\\n\tca-certificates \\\n"
         "\t&& rm -rf /var/lib/apt/lists/*", True),
        ("RUN apt-get install -y a b", "RUN DEBIAN_FRONTEND=noninteractive apt-get -q install -y a; apt-get clean",
         True),
        ("COPY a b", "ADD a b", False),
    ],
)
def test_equivalent_instructions(a: str, b: str, same: bool) -> None:
    first = dockerfile.instructions(doc(a + "\n").root)[0]
    second = dockerfile.instructions(doc(b + "\n").root)[0]
    assert dockerfile.equivalent(first, second) is same


def test_layout_detection() -> None:
    assert dockerfile.continuation_indent(doc(STAGED)) == b"\t"
    assert dockerfile.continuation_indent(doc("RUN a \\\n    b \\\n    c\n")) == b"    "
    assert not dockerfile.separates_groups(doc(STAGED))  # blank lines only between stages would not count
    assert not dockerfile.separates_groups(doc("FROM a\nRUN x\n\nFROM b\nRUN y\n"))
    assert dockerfile.separates_groups(doc("FROM a\nRUN x\n\nRUN y\n"))


def test_copy_parts() -> None:
    node = dockerfile.instructions(doc("COPY --from=build --chown=1:1 a b ./c/\n").root)[0]
    parts = dockerfile.copy_parts(node)
    assert parts.flags == {"from": "build", "chown": "1:1"} and not parts.from_context
    assert [s.text for s in parts.sources] == [b"a", b"b"] and parts.destination is not None


def test_copy_parts_in_exec_form() -> None:
    """The grammar splits `["a b", "c", "/app/"]` at white space; the paths are the JSON strings."""
    text = 'FROM a\nCOPY --chown=1 ["a b", "c*", \\\n  "/app/"]\nCOPY [ab]c ./\n'
    d = doc(text)
    exec_form, shell_form = (dockerfile.copy_parts(n) for n in dockerfile.instructions(d.root)[1:])
    assert exec_form.flags == {"chown": "1"} and exec_form.sources == ()
    assert [p.text for p in exec_form.paths] == ["a b", "c*", "/app/"]
    assert [d.loc(p.start) for p in exec_form.source_paths] == [f"{FILE}:2:17", f"{FILE}:2:24"]
    assert d.loc(exec_form.paths[-1].start) == f"{FILE}:3:3"
    assert [p.text for p in shell_form.paths] == ["[ab]c", "./"]  # not JSON: a bracket wildcard


def test_stage_predicates(tmp_path: Path) -> None:
    d = doc(STAGED)
    q = tmp_path / "q.scm"
    q.write_text('((run_instruction) @target (#stage? @target "APP-BUILD"))\n')
    hits = queries.targets(queries.compile_query("dockerfile", q).run(d.root))
    assert [d.text(m.target) for m in hits] == ["RUN pnpm build"]
    q2 = tmp_path / "q2.scm"
    q2.write_text("((_) @target (#last-stage? @target))\n")
    hits = queries.targets(queries.compile_query("dockerfile", q2).run(d.root))
    assert {m.target.type for m in hits} >= {"entrypoint_instruction"}
    assert all(dockerfile.stage_of(m.target).name == "production" for m in hits)  # type: ignore[union-attr]
    bad = tmp_path / "bad.scm"
    bad.write_text('((run_instruction) @target (#stage? @target))\n')
    with pytest.raises(queries.QueryError, match="#stage\\? takes @capture"):
        queries.compile_query("dockerfile", bad).run(d.root)


# -- primitives ----------------------------------------------------------------------------

FROM_APP = '((from_instruction (image_alias) @s) @target (#eq? @s "app-build"))'
ENTRY = "((entrypoint_instruction) @target (#last-stage? @target))"


def test_insert_keeps_crlf_and_a_missing_final_newline(run) -> None:
    source = "FROM deps AS app-build\r\nRUN pnpm build"
    outcome, text, _ = run(source, FROM_APP, "insert-instructions",
                           {"position": "after", "instructions": "RUN a \\\n\tb\nENV X=1"})
    assert outcome == "changed"
    assert text == "FROM deps AS app-build\r\nRUN a \\\r\n\tb\r\nENV X=1\r\nRUN pnpm build"
    outcome, text, _ = run("FROM deps AS app-build", FROM_APP, "insert-instructions",
                           {"position": "after", "instructions": "ENV X=1"})
    assert text == "FROM deps AS app-build\nENV X=1\n"
    # The grammar knows no `\` + CRLF continuation; CRLF files parse as their LF twins.
    source = "FROM deps AS app-build\r\nRUN a \\\r\n  b\r\n"
    params = {"position": "after", "instructions": "ENV X=1"}
    outcome, text, reason = run(source, FROM_APP, "insert-instructions", params)
    assert outcome == "changed", reason
    assert text == "FROM deps AS app-build\r\nENV X=1\r\nRUN a \\\r\n  b\r\n"


def test_insert_reports_duplicates_and_refuses_bad_snippets(run) -> None:
    source = "FROM deps AS app-build\nENV X=1\nENV X=1\n"
    outcome, _, reason = run(source, FROM_APP, "insert-instructions", {"position": "after", "instructions": "ENV X=1"})
    assert outcome == "already-applied" and "there 2 times" in reason
    outcome, _, reason = run(source, FROM_APP, "insert-instructions", {"instructions": "# why\nENV Y=1"})
    assert outcome == "error" and "carry no comments" in reason
    with pytest.raises(CatalogueError, match="`position` must be one of 'before', 'after', not 'under'"):
        run(source, FROM_APP, "insert-instructions", {"instructions": "ENV Y=1", "position": "under"})


def test_set_exec_form_at_end_of_file_without_newline(run) -> None:
    outcome, text, _ = run('FROM n AS p\nENTRYPOINT ["pnpm", "start"]', ENTRY, "set-exec-form",
                           {"arguments": ["pnpm", "-F", "s", "start"], "replaces": ["pnpm", "start"]})
    assert outcome == "changed" and text == 'FROM n AS p\nENTRYPOINT ["pnpm", "-F", "s", "start"]'


def test_add_shell_command_respects_quotes(run) -> None:
    query = "((run_instruction) @target)"
    outcome, text, _ = run("FROM a\nRUN echo 'x && pnpm build' && pnpm build\n", query, "add-shell-command",
                           {"command": "pnpm lingui:compile", "before": "pnpm build"})
    assert outcome == "changed"
    assert text == "FROM a\nRUN echo 'x && pnpm build' && pnpm lingui:compile && pnpm build\n"
    outcome, _, reason = run("FROM a\nRUN pnpm build && pnpm lingui:compile\n", query, "add-shell-command",
                             {"command": "pnpm lingui:compile", "before": "pnpm build"})
    assert outcome == "drifted" and "runs after" in reason
    outcome, _, reason = run('FROM a\nRUN ["pnpm", "build"]\n', query, "add-shell-command",
                             {"command": "x", "before": "pnpm build"})
    assert outcome == "drifted" and "shell form" in reason


def test_grammar_gaps_do_not_block_an_edit_elsewhere(run) -> None:
    # tree-sitter-dockerfile 0.2.0 has an ERROR node for the valid `COPY --link`.
    source = "FROM deps AS app-build\nCOPY --link a b/\nRUN pnpm build\n"
    assert doc(source).syntax_errors()
    outcome, text, reason = run(source, FROM_APP, "insert-instructions",
                                {"position": "after", "instructions": "ENV X=1"})
    assert outcome == "changed", reason
    assert text == "FROM deps AS app-build\nENV X=1\nCOPY --link a b/\nRUN pnpm build\n"


def test_new_errors_are_told_apart_from_old_ones() -> None:
    before = doc("FROM a\nCOPY --link a b/\n")
    same = doc("FROM a\nENV X=1\nCOPY --link a b/\n")
    worse = doc("FROM a\nCOPY --link a b/\nCOPY --link c d/\n")
    assert same.new_errors(before) == []
    assert len(worse.new_errors(before)) == 1


# -- the build-context check ---------------------------------------------------------------

CHECK = {"ignore_file": ".dockerignore"}


def test_context_check_skips_what_does_not_come_from_the_context(run) -> None:
    source = (
        "FROM a AS b\nCOPY --from=build /x ./\nADD https://example.com/t.tgz /opt/\nCOPY . ./\n"
        "COPY ${DIR}/x ./\nCOPY missing* ./\n"
    )
    outcome, _, reason = run(source, None, "verify-build-context", CHECK)
    assert outcome == "already-applied"
    assert reason.startswith("1 build-context source checked") and "uses a build variable; not checked" in reason


def test_context_check_reports_a_bad_ignore_file(run) -> None:
    outcome, _, reason = run("FROM a\nCOPY x ./\n", None, "verify-build-context", CHECK,
                             {".dockerignore": "x\n!\n", "x": ""})
    assert outcome == "drifted" and reason == '.dockerignore: line 2: illegal exclusion pattern "!"'


def test_context_check_reads_the_exec_form(run) -> None:
    source = 'FROM a\nCOPY ["present.txt", "gone.txt", "*.md", "/app/"]\n'
    tree = {".dockerignore": "present.txt\n*.md\n", "present.txt": "", "README.md": ""}
    outcome, _, reason = run(source, None, "verify-build-context", CHECK, tree)
    assert outcome == "drifted"
    assert f"{FILE}:2:7: COPY present.txt: present.txt is excluded by .dockerignore:1 `present.txt`" in reason
    assert f"{FILE}:2:22: COPY gone.txt: no such file or directory in the build context" in reason
    assert "COPY *.md: README.md is excluded by .dockerignore:2 `*.md` (optional wildcard source)" in reason
    outcome, _, reason = run('FROM a\nCOPY ["present.txt", "/app/"]\n', None, "verify-build-context", CHECK,
                             {"present.txt": ""})
    assert outcome == "already-applied" and reason.startswith("1 build-context source checked")


def test_context_check_on_the_ignored_fixture() -> None:
    result = Engine(WorkTree(FIXTURES / "docker-context-ignored")).run_patch(by_id("docker-build-context"))
    assert result.outcome == "drifted"
    assert "config/config.production.template.json is excluded by .dockerignore:5 `config`" in result.reason.text
    assert "fluxer_media_proxy/data/model.onnx is excluded by .dockerignore:3 `**/*.onnx`" in result.reason.text


def test_context_check_sees_the_result_of_the_fixes_before_it() -> None:
    """Alone on the refactor tree, `COPY packages/app/package.json` fails the check; after the
    package-list fix in the same run, it passes."""
    tree = WorkTree(FIXTURES / "refactor-2026-02")
    alone = Engine(tree).run_patch(by_id("docker-build-context"))
    assert alone.outcome == "drifted" and "COPY packages/app/package.json: no such file" in alone.reason.text
    results = Engine(tree).run([by_id("deps-package-list"), by_id("dockerignore-lockfiles"),
                                by_id("docker-build-context")])
    assert [r.outcome for r in results] == ["changed", "changed", "already-applied"]


def test_context_check_names_the_lockfiles_lost_to_star_star_lock() -> None:
    """Issue 11 item 5: `**/*.lock` drops Cargo.lock (inside `COPY fluxer_app/`) and rebar.lock
    (through `rebar.lock*`): the check names both; after the lockfile fix it passes."""
    tree = WorkTree(FIXTURES / "refactor-2026-02")
    alone = Engine(tree).run([by_id("deps-package-list"), by_id("docker-build-context")])[1]
    assert alone.outcome == "drifted" and alone.reason.kind == "build-context"
    assert "COPY fluxer_app/: fluxer_app/crates/libfluxcore/Cargo.lock is excluded by .dockerignore:1" in (
        alone.reason.text
    )
    assert "COPY fluxer_gateway/rebar.lock*: fluxer_gateway/rebar.lock is excluded" in alone.reason.text


# -- a git revision as the source ----------------------------------------------------------


def test_package_list_and_context_check_read_a_git_revision(tmp_path: Path) -> None:
    import shutil

    repo = make_repo(tmp_path / "repo")
    shutil.rmtree(repo / "packages" / "kv_client")  # the working tree differs; the revision does not
    patches = [by_id("deps-package-list"), by_id("dockerignore-lockfiles"), by_id("docker-build-context")]
    from_git = Engine(GitRevision(open_repo(repo), "HEAD")).run(patches)
    from_disk = Engine(WorkTree(FIXTURES / "refactor-2026-02")).run(patches)
    assert [r.outcome for r in from_git] == ["changed", "changed", "already-applied"]
    assert from_git[0].changes == from_disk[0].changes
    assert "added cache, kv_client" in from_git[0].reason.text
