"""`check --repo/--rev`, `drift` and `--fetch` from the command line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fluxer_patcher.cli import cli
from tests.conftest import check_ids, editing_ids, missing_in
from tests.gitrepos import FIXTURES, History, clone_bare, git


@dataclass
class Repo:
    history: History
    root: str  # a commit holding only docs/
    base: str  # refactor-2026-02: every fix pending
    docs: str
    later: str  # upstream-later: the CDN fix drifted

    @property
    def path(self) -> str:
        return str(self.history.path)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    h = History(tmp_path_factory.mktemp("cli") / "upstream")
    root = h.unrelated()[0]
    base = h.shape("refactor-2026-02")
    docs = h.unrelated()[0]
    later = h.shape("upstream-later", "feat: serve assets from the public path")
    return Repo(h, root, base, docs, later)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def rows(output: str) -> list[dict[str, object]]:
    return json.loads(output)["patches"]  # type: ignore[no-any-return]


# -- check --rev ------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["refactor-2026-02", "upstream-later", "fork-hand-patched"])
def test_check_rev_reports_what_check_path_reports(tmp_path: Path, shape: str) -> None:
    h = History(tmp_path / "repo")
    h.shape(shape)
    on_disk = run("check", str(FIXTURES / shape), "--format", "json")
    from_objects = run("check", "--repo", str(h.path), "--rev", "HEAD", "--format", "json")
    assert from_objects.exit_code == on_disk.exit_code
    disk, objects = rows(on_disk.output), rows(from_objects.output)
    for a, b in zip(disk, objects, strict=True):
        keys = ("id", "gotchas", "status", "files")
        assert {k: a[k] for k in keys} == {k: b[k] for k in keys}
        assert str(b["reason"]).startswith(str(a["reason"]))  # drift reasons may gain hints
    doc = json.loads(from_objects.output)
    assert set(doc) >= {"tool", "version", "target", "patches", "summary"}
    assert doc["target"].endswith("@" + h.git("rev-parse", "HEAD")[:12])


def test_check_rev_next_steps_read_the_files_at_the_revision(tmp_path: Path) -> None:
    """A revision where the fixes are in: the docker build command with the build arguments its
    Dockerfile declares, and compose's BASE_DOMAIN, as `check PATH` would say them."""
    h = History(tmp_path / "repo")
    h.shape("refactor-2026-02")
    assert run("apply", str(h.path)).exit_code == 0
    h.commit("the fixes")
    out = run("check", "--repo", str(h.path), "--rev", "HEAD").output
    assert '--build-arg BASE_DOMAIN="<your domain>"' in out and '--build-arg FLUXER_CDN_ENDPOINT=""' in out
    assert "stops without BASE_DOMAIN" in out
    assert out.split("next:", 1)[1] == run("check", str(h.path)).output.split("next:", 1)[1]


def test_check_rev_reads_objects_only(repo: Repo) -> None:
    status = repo.history.git("status", "--porcelain", "--ignored")
    result = run("check", "--repo", repo.path, "--rev", repo.later)
    assert result.exit_code == 1, result.output
    assert "drifted          rspack-cdn-endpoint" in result.output
    assert repo.history.git("status", "--porcelain", "--ignored") == status
    assert repo.history.git("rev-parse", "HEAD") == repo.later


def test_check_rev_on_a_bare_mirror_without_config(repo: Repo, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror.git"
    clone_bare(repo.path, mirror)
    (mirror / "config").unlink()
    result = run("check", "--repo", str(mirror), "--rev", "main", "--format", "json")
    assert result.exit_code == 1, result.output
    assert {r["id"]: r["status"] for r in rows(result.output)}["rspack-cdn-endpoint"] == "drifted"


def test_check_rev_markdown(repo: Repo) -> None:
    result = run("check", "--repo", repo.path, "--rev", repo.later, "--format", "markdown")
    assert result.exit_code == 1
    assert "| Fix | Gotcha/ref | Status | Reason |" in result.output
    assert "| `rspack-cdn-endpoint` | 4 | ⚠️ drifted |" in result.output
    assert "### What to do" in result.output


def test_check_path_markdown(repo: Repo) -> None:
    result = run("check", str(FIXTURES / "refactor-2026-02"), "--format", "markdown")
    assert result.exit_code == 0
    assert "| `sso-users-not-unclaimed` | 20 | 🟦 pending |  |" in result.output


def test_one_fix_is_counted_as_one_fix(repo: Repo) -> None:
    only = ("--only", "csp-allow-fluxerstatic")
    markdown = run("check", str(FIXTURES / "refactor-2026-02"), *only, "--format", "markdown")
    assert "\n1 fix: 1 pending.\n" in markdown.output
    drift = run("drift", "--repo", repo.path, "--rev", repo.later, "--last", "1", "--only", "rspack-cdn-endpoint")
    assert drift.exit_code == 1
    assert f"\n1 fix at {repo.later[:10]}: 1 drifted (" in drift.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", ".", "--rev", "HEAD"), "give PATH or --repo/--rev, not both"),
        (("check", "--repo", "/nonexistent/repo", "--rev", "HEAD"), "/nonexistent/repo: no such directory"),
        (("check", "--rev", "no-such-rev", "--repo", "{repo}"), "no-such-rev: unknown revision in"),
        (("check", "--rev", "{root}", "--repo", "{repo}"), "not a Fluxer checkout"),
        (("check", "--rev", "HEAD", "--repo", "{repo}", "--fetch", "nope"), "nope: no such remote"),
        (
            ("check", "--rev", "HEAD", "--repo", "{repo}", "--fetch", "/nonexistent/x.git"),
            "git fetch /nonexistent/x.git failed: '/nonexistent/x.git' does not appear to be a git repository",
        ),
        (
            ("check", "--rev", "HEAD", "--repo", "{repo}", "--fetch", "https://127.0.0.1:9/x.git"),
            "git fetch https://127.0.0.1:9/x.git failed: unable to access",
        ),
        (("drift", "--repo", "{repo}"), "give one of --since REV or --last N"),
        (("drift", "--repo", "{repo}", "--since", "HEAD~1", "--last", "2"), "give one of --since REV or --last N"),
        (("drift", "--repo", "{repo}", "--since", "{later}", "--rev", "{base}"), "is not an ancestor of"),
        (("drift", "--repo", "{repo}", "--last", "0"), "--last"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(repo: Repo, args: tuple[str, ...], message: str) -> None:
    filled = [a.format(repo=repo.path, root=repo.root, base=repo.base, later=repo.later) for a in args]
    result = run(*filled)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fluxer-patch: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_since_on_a_merged_branch_is_one_line_and_exit_2(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    base = h.shape("refactor-2026-02")
    h.git("checkout", "-q", "-b", "side")
    side = h.unrelated()[0]
    h.git("checkout", "-q", "main")
    h.unrelated()
    h.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    result = run("drift", "--repo", str(h.path), "--rev", "main", "--since", side)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"fluxer-patch: {side} is not on the first-parent history of main (a commit of a merged branch?); "
        "give a commit of that history"
    ]
    walked = run("drift", "--repo", str(h.path), "--rev", "main", "--since", base, "--format", "json")
    assert walked.exit_code == 0, walked.output
    assert json.loads(walked.output)["commits"] == 2  # the docs commit and the merge


def test_fetch_then_check_the_fetched_revision(repo: Repo, tmp_path: Path) -> None:
    local = tmp_path / "local.git"
    git(local.parent, "init", "-q", "--bare", str(local))
    git(local, "remote", "add", "upstream", str(repo.path))
    missing = run("check", "--repo", str(local), "--rev", "upstream/main")
    assert missing.exit_code == 2 and "unknown revision" in missing.stderr
    result = run("check", "--repo", str(local), "--fetch", "upstream", "--rev", "upstream/main", "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert json.loads(result.output)["target"].endswith("@" + repo.later[:12])


# -- drift reasons ----------------------------------------------------------------------

CSP = "fluxer_server/src/ServiceInitializer.tsx"
CONFIG = "config/config.production.template.json"


def _reason(path: Path, fix: str) -> str:
    result = run("check", "--repo", str(path), "--rev", "HEAD", "--format", "json")
    assert result.exit_code == 1, result.output
    return str(next(r for r in rows(result.output) if r["id"] == fix)["reason"])


def test_a_renamed_name_that_where_picks_is_named_in_the_reason(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.shape("refactor-2026-02")
    h.edit(CSP, "styleSrc", "styleSources", "refactor: rename styleSrc")
    reason = _reason(h.path, "csp-allow-fluxerstatic")
    assert reason.startswith(f"{CSP}: not found: the styleSrc array")
    # the query still matches the other directives; `where` names the one that is gone
    assert f"`styleSrc` is gone; similar here: `styleSources` at {CSP}:25:4 (renamed?)" in reason


def test_a_similar_name_is_located_by_bytes_after_non_ascii_text(tmp_path: Path) -> None:
    root = "fluxer_app/src/router/components/RootComponent.tsx"
    h = History(tmp_path / "repo")
    h.shape("refactor-2026-02")
    h.edit(root, "isStandaloneRoute", "isStandalonePath", "refactor: rename isStandaloneRoute")
    h.edit(root, "\tconst isStandalonePath", "\t/* routes — standalone */ const isStandalonePath", "docs: a note")
    reason = _reason(h.path, "sso-standalone-route")
    # the column counts bytes, like every other location: the dash is three of them
    assert f"`isStandaloneRoute` is gone; similar here: `isStandalonePath` at {root}:7:36 " in reason


def test_a_moved_file_that_is_not_utf8_is_named_not_searched(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.shape("refactor-2026-02")
    (h.path / CONFIG).unlink()
    moved = h.path / "deploy" / "config.production.template.json"
    moved.parent.mkdir()
    moved.write_bytes(b'{"services": {"caf\xe9": {}, "server": {}, "nats": {}}, "database": {}}\n')
    h.commit("refactor: move the config template")
    reason = _reason(h.path, "config-static-dir")
    assert f"{CONFIG}: file not found" in reason
    assert "moved to deploy/config.production.template.json? (same file name; not UTF-8 text" in reason


# -- drift --------------------------------------------------------------------------------


def test_drift_json(repo: Repo) -> None:
    result = run("drift", "--repo", repo.path, "--rev", repo.later, "--since", repo.base, "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert doc["rev"] == repo.later
    assert doc["since"] == repo.base
    assert doc["commits"] == 2
    cdn = next(p for p in doc["patches"] if p["id"] == "rspack-cdn-endpoint")
    assert cdn["gotchas"] == [4]
    assert cdn["status"] == "drifted"
    [t] = cdn["transitions"]
    assert set(t) >= {"commit", "date", "subject", "from", "to", "reason"}
    assert (t["commit"], t["from"], t["to"]) == (repo.later, "pending", "drifted")
    assert t["subject"] == "feat: serve assets from the public path"
    assert t["date"].startswith("2026-02-01T")
    assert "CDN_ENDPOINT" in t["reason"]
    user = next(p for p in doc["patches"] if p["id"] == "sso-users-not-unclaimed")
    assert [(t["from"], t["to"]) for t in user["transitions"]] == [("pending", "already-applied")]
    assert doc["summary"]["drifted"] == 1 + len(missing_in("upstream-later"))  # and the fixes of files it lacks


def test_drift_exit_0_when_nothing_drifted_at_rev(repo: Repo) -> None:
    result = run("drift", "--repo", repo.path, "--rev", repo.docs, "--last", "2")
    assert result.exit_code == 0, result.output
    # the fixes are pending; the build-context check passes on their result
    assert f"{len(editing_ids())} pending, {len(check_ids())} already-applied" in result.output


def test_drift_text(repo: Repo) -> None:
    result = run("drift", "--repo", repo.path, "--rev", repo.later, "--last", "2")
    assert result.exit_code == 1
    out = result.output
    assert f"from {repo.base[:10]} " in out
    assert "drifted          rspack-cdn-endpoint" in out
    assert f"{repo.later[:10]} 2026-02-01  rspack-cdn-endpoint: pending -> drifted" in out
    assert "feat: serve assets from the public path" in out


def test_drift_markdown(repo: Repo) -> None:
    result = run("drift", "--repo", repo.path, "--rev", repo.later, "--since", repo.base, "--format", "markdown")
    assert result.exit_code == 1
    md = result.output
    assert md.startswith("## fluxer-patch drift report")
    drifted = 1 + len(missing_in("upstream-later"))
    assert f"**{drifted} of {len(editing_ids()) + len(check_ids())} fixes no longer apply.**" in md
    assert f"| `rspack-cdn-endpoint` | 4 | ⚠️ drifted | `{repo.later[:10]}` 2026-02-01 feat: serve assets" in md
    assert "### `rspack-cdn-endpoint` (gotcha 4): drifted" in md
    assert "- **Files changed there:** `fluxer_app/rspack.config.mjs`" in md
    action = "Update `patches/04-rspack-cdn-endpoint.toml` and `queries/javascript/cdn-endpoint.scm`"
    assert f"- **Suggested action:** {action}" in md
    assert "`sso-users-not-unclaimed`: pending → already-applied" in md


def test_drift_fetches_first(repo: Repo, tmp_path: Path) -> None:
    local = tmp_path / "local.git"
    git(local.parent, "init", "-q", "--bare", str(local))
    git(local, "remote", "add", "upstream", str(repo.path))
    assert run("drift", "--repo", str(local), "--rev", "upstream/main", "--last", "1").exit_code == 2
    result = run("drift", "--repo", str(local), "--fetch", "upstream", "--rev", "upstream/main", "--last", "1")
    assert result.exit_code == 1, result.stderr
    assert "pending -> drifted" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--fetch", "--upload-pack=touch {marker}", "--rev", "main"),
        ("drift", "--fetch", "--upload-pack=touch {marker}.git", "--last", "1"),
        ("branch", "--onto", "main", "--branch", "fixed", "--push", "--receive-pack=touch {marker}"),
    ],
)
def test_values_that_look_like_options_never_reach_git(repo: Repo, tmp_path: Path, args: tuple[str, ...]) -> None:
    marker = tmp_path / "ran"
    result = run(*[a.format(marker=marker) for a in args], "--repo", str(repo.path))
    assert result.exit_code == 2 and "must not start with '-'" in result.output
    assert not marker.exists()
