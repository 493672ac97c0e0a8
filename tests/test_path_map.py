"""Renamed trees: a fork that keeps ``fluxer_app/`` at ``apps/web/`` and ``fluxer_server/`` at
``brand_server/`` (``upstream-fixtures/fork-renamed``), with a path map (``--path-map``, or
``[paths]`` in its ``.fluxer-patch.toml``) and without one (hints that name the map)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue
from fluxer_patcher.catalogue.pathmap import PathMap
from fluxer_patcher.engine import locate
from fluxer_patcher.errors import BadInput
from fluxer_patcher.source.worktree import WorkTree
from fluxer_patcher.syntax import queries
from fluxer_patcher.syntax.document import Document
from tests.conftest import snapshot
from tests.gitrepos import git, hermetic_git, make_repo

assert hermetic_git  # a fixture, used by name

MAP = ["--path-map", "fluxer_app=apps/web", "--path-map", "fluxer_server=brand_server"]
CONFIG = '[paths]\n"fluxer_app" = "apps/web"\n"fluxer_server" = "brand_server"\n'
RENAMED = {"fluxer_app": "apps/web", "fluxer_server": "brand_server"}
FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"


def _statuses(result) -> dict[str, tuple[str, str]]:
    return {p["id"]: (p["status"], p["reason"]) for p in json.loads(result.stdout)["patches"]}


def _renamed(path: str) -> str:
    return PathMap.of(RENAMED.items()).path(path)


def test_the_renamed_fork_applies_as_the_refactor_tree_does_with_a_path_map(fixture_tree, run_cli) -> None:
    upstream, fork = fixture_tree("refactor-2026-02"), fixture_tree("fork-renamed")
    want = _statuses(run_cli("apply", str(upstream), "--format", "json"))
    result = run_cli("apply", str(fork), *MAP, "--format", "json")
    assert result.exit_code == 0, result.output
    got = _statuses(result)
    assert {i: s for i, (s, _) in got.items()} == {i: s for i, (s, _) in want.items()}
    # every file the fixes changed upstream changed at its renamed path, and only those
    before = snapshot(FIXTURES / "fork-renamed")
    after = snapshot(fork)
    changed = {p for p in after if p in before and after[p][0] != before[p][0]} | (set(after) - set(before))
    upstream_before, upstream_after = snapshot(FIXTURES / "refactor-2026-02"), snapshot(upstream)
    upstream_changed = {p for p in upstream_after if upstream_after[p][0] != upstream_before.get(p, (None,))[0]}
    assert changed == {_renamed(p) for p in upstream_changed}
    # what the fixes wrote names the fork's directories, and the fork's own service names stay
    dockerfile = (fork / "brand_server/Dockerfile").read_text()
    assert "COPY fluxer_app" not in dockerfile and "cd fluxer_app" not in dockerfile
    assert re.search(r"^ENTRYPOINT .*brand_server", dockerfile, re.M), dockerfile
    assert "!apps/web/scripts/build" in (fork / ".dockerignore").read_text()
    compose = (fork / "compose.yaml").read_text()
    assert "brand_server/Dockerfile" in compose and "fluxer_server:" in compose
    again = run_cli("check", str(fork), *MAP, "--format", "json")
    assert {s for s, _ in _statuses(again).values()} == {"already-applied"}


def test_the_map_in_the_checkouts_config_file_is_the_same_as_on_the_command_line(fixture_tree, run_cli) -> None:
    fork = fixture_tree("fork-renamed")
    by_flag = run_cli("check", str(fork), *MAP, "--format", "json").stdout
    (fork / ".fluxer-patch.toml").write_text(CONFIG)
    assert run_cli("check", str(fork), "--format", "json").stdout == by_flag
    # the command line wins for the names it maps
    other = run_cli("check", str(fork), "--path-map", "fluxer_app=nowhere", "--format", "json")
    assert _statuses(other)["rspack-cdn-endpoint"][0] == "drifted"
    assert "nowhere/rspack.config.mjs" in other.stdout


def test_the_config_files_skip_leaves_fixes_out_unless_only_names_them(fixture_tree, run_cli) -> None:
    fork = fixture_tree("fork-renamed")
    (fork / ".fluxer-patch.toml").write_text('skip = ["compose-build-server"]\n' + CONFIG)
    ids = _statuses(run_cli("check", str(fork), "--format", "json"))
    assert "compose-build-server" not in ids and "compose-nats-services" in ids
    only = _statuses(run_cli("check", str(fork), "--only", "compose-build-server", "--format", "json"))
    assert list(only) == ["compose-build-server"]


def test_run_from_a_subdirectory_the_config_file_marks_the_root(fixture_tree, run_cli, monkeypatch) -> None:
    fork = fixture_tree("fork-renamed")
    (fork / ".fluxer-patch.toml").write_text(CONFIG)
    monkeypatch.chdir(fork / "apps/web")
    result = run_cli("check", "--format", "json")
    assert result.exit_code == 0, result.output
    assert _statuses(result)["rspack-cdn-endpoint"][0] == "pending"


def test_without_a_map_the_renamed_files_are_hinted_with_the_map_to_pass_and_nothing_is_edited(
        fixture_tree, run_cli) -> None:
    fork = fixture_tree("fork-renamed")
    before = snapshot(fork)
    result = run_cli("apply", str(fork), "--format", "json")
    got = _statuses(result)
    for fix in ("rspack-cdn-endpoint", "sso-standalone-route", "sso-callback-clear-timeout"):
        status, reason = got[fix]
        assert status == "drifted" and "moved to apps/web/" in reason and "--path-map fluxer_app=apps/web" in reason
    for fix in ("deps-package-list", "admin-build-css", "csp-allow-fluxerstatic"):
        assert "--path-map fluxer_server=brand_server" in got[fix][1], got[fix]
    # a query that names the renamed directory itself, and ENTRYPOINT (another service's
    # Dockerfile has one too), find the file once the renames the others show are applied
    for fix in ("app-build-rust-toolchain", "app-build-config", "entrypoint-server-start"):
        assert "moved to brand_server/Dockerfile? (the fix's query matches at" in got[fix][1], got[fix]
        assert "fluxer_app_proxy" not in got[fix][1]
    # the fixes of files that were not renamed applied; nothing under a guessed path changed
    after = snapshot(fork)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert changed and not [p for p in changed if p.startswith(("apps/", "brand_server/"))], changed
    text = run_cli("check", str(fork)).stdout
    assert '[paths]\n  "fluxer_server" = "brand_server"\n  "fluxer_app" = "apps/web"' in text


def test_check_rev_reads_the_forks_committed_config(tmp_path, hermetic_git, run_cli) -> None:
    repo = make_repo(tmp_path / "fork", "fork-renamed")
    (repo / ".fluxer-patch.toml").write_text(CONFIG)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "map our directories")
    by_rev = _statuses(run_cli("check", "--repo", str(repo), "--rev", "HEAD", "--format", "json"))
    on_disk = _statuses(run_cli("check", str(repo), "--format", "json"))
    assert by_rev == on_disk
    assert by_rev["rspack-cdn-endpoint"][0] == "pending"


@pytest.mark.parametrize(("config", "message"), [
    ("[paths\n", ".fluxer-patch.toml: not valid TOML"),
    ('colour = "red"\n', ".fluxer-patch.toml: unknown key `colour`"),
    ('[paths]\n"fluxer_app" = "../elsewhere"\n', "is not a relative path of plain names"),
    ('[paths]\n"fluxer_app" = ".git/x"\n', "is inside .git/"),
    ('[paths]\n"fluxer_app" = 3\n', "[paths] maps directories to directories"),
    ('skip = "compose-build-server"\n', "`skip` is a list of fix ids"),
    ('skip = ["no-such-fix"]\n', "skip names unknown fix id 'no-such-fix'"),
])
def test_a_bad_config_file_is_one_line_naming_it(fixture_tree, run_cli, config, message) -> None:
    fork = fixture_tree("fork-renamed")
    (fork / ".fluxer-patch.toml").write_text(config)
    result = run_cli("check", str(fork))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["fluxer_app", "=apps/web", "fluxer_app=/abs", "a=b/../c"])
def test_a_bad_path_map_flag_is_bad_input(value) -> None:
    with pytest.raises(BadInput):
        PathMap.parse([value])


@pytest.mark.parametrize(("text", "mapped"), [
    ("COPY fluxer_app/ ./fluxer_app/", "COPY apps/web/ ./apps/web/"),
    ("RUN cd fluxer_app && pnpm build", "RUN cd apps/web && pnpm build"),
    ("/fluxer_app/src/data/emojis.json", "/apps/web/src/data/emojis.json"),
    ("!fluxer_app/dist/**", "!apps/web/dist/**"),
    ("WORKDIR /usr/src/app/fluxer_server", "WORKDIR /usr/src/app/brand_server"),
    ("^['\"]?(\\./)?fluxer_server/Dockerfile['\"]?$", "^['\"]?(\\./)?brand_server/Dockerfile['\"]?$"),
    # not paths of the renamed directories: other names, nested directories, hosts
    ("fluxer_app_proxy/Dockerfile", "fluxer_app_proxy/Dockerfile"),
    ("packages/fluxer_app/x", "packages/fluxer_app/x"),
    ("http://fluxer_server:8080/api/webhooks/livekit", "http://fluxer_server:8080/api/webhooks/livekit"),
])
def test_paths_in_text_are_mapped_as_whole_path_prefixes(text, mapped) -> None:
    assert PathMap.of(RENAMED.items()).text(text) == mapped


def test_any_of_lists_in_queries_keep_the_original_names() -> None:
    source = '((name) @n (#any-of? @n "fluxer_server" "fluxer-server"))\n((x) @t (#runs-in? @t "fluxer_app"))'
    assert PathMap.of(RENAMED.items()).query_source(source) == (
        '((name) @n (#any-of? @n "fluxer_server" "fluxer-server" "brand_server"))\n((x) @t (#runs-in? @t "apps/web"))'
    )


def test_the_longest_old_prefix_wins() -> None:
    pm = PathMap.of([("fluxer_app", "apps/web"), ("fluxer_app/src", "apps/web/source")])
    assert pm.path("fluxer_app/src/x.ts") == "apps/web/source/x.ts"
    assert pm.path("fluxer_app/rspack.config.mjs") == "apps/web/rspack.config.mjs"
    assert pm.text("COPY fluxer_app/src/x ./y") == "COPY apps/web/source/x ./y"


def test_on_the_refactor_tree_every_target_a_query_finds_has_all_its_landmarks() -> None:
    """A moved? hint names a file only where the fix's query and every landmark match: a
    landmark upstream's file lacks (an alternative form) would hide the real file."""
    tree = WorkTree(FIXTURES / "refactor-2026-02")
    lacking = []
    for patch in load_catalogue().patches:
        for step in patch.steps:
            if step.query is None or step.language is None or not tree.is_file(step.file):
                continue
            doc = Document(step.file, tree.read(step.file), step.language)
            if locate.located(step, doc):
                found = queries.landmarks(queries.compile_query(step.language, step.query), doc.root)
                lacking += [f"{patch.id} {step.file}: {name}" for name, nodes in found.items() if not nodes]
    assert lacking == []


def test_branch_and_drift_use_the_config_committed_at_the_revision(tmp_path, hermetic_git, run_cli) -> None:
    repo = make_repo(tmp_path / "fork", "fork-renamed")
    (repo / ".fluxer-patch.toml").write_text(CONFIG)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "map our directories")
    result = run_cli("branch", "--repo", str(repo), "--onto", "HEAD", "--branch", "patched", "--format", "json")
    assert result.exit_code == 0, result.output
    touched = git(repo, "diff", "--name-only", "HEAD", "patched").splitlines()
    assert "apps/web/rspack.config.mjs" in touched and "brand_server/Dockerfile" in touched
    assert not [p for p in touched if p.startswith(("fluxer_app/", "fluxer_server/"))]
    drift = run_cli("drift", "--repo", str(repo), "--rev", "HEAD", "--last", "2", "--format", "json")
    assert drift.exit_code == 0, drift.output
    statuses = {p["id"]: p["status"] for p in json.loads(drift.stdout)["patches"]}
    assert statuses["rspack-cdn-endpoint"] == "pending" and "drifted" not in statuses.values(), statuses


def test_a_revision_of_the_renamed_fork_gets_the_same_hints_as_its_work_tree(tmp_path, hermetic_git, run_cli) -> None:
    repo = make_repo(tmp_path / "fork", "fork-renamed")
    by_rev = _statuses(run_cli("check", "--repo", str(repo), "--rev", "HEAD", "--format", "json"))
    on_disk = _statuses(run_cli("check", str(repo), "--format", "json"))
    assert by_rev == on_disk
    assert "moved to brand_server/Dockerfile? (the fix's query matches at" in by_rev["entrypoint-server-start"][1]
