"""Drift over a first-parent history: transitions at the right commits, cached by object id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.app.catalogue import registry
from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.drift.cache import ResultCache
from fluxer_patcher.drift.walk import walk
from fluxer_patcher.engine import run as run_module
from fluxer_patcher.engine.primitives import Answer, Apply, Drift, Edit, EditContext, Present, Registry, primitive
from fluxer_patcher.git.history import first_parent_range
from fluxer_patcher.git.repo import open_repo
from fluxer_patcher.source import WorkTree
from fluxer_patcher.syntax import grammars
from tests.conftest import check_ids
from tests.gitrepos import FIXTURES, History, git
from tests.primitive_case import engine as Engine
from tests.primitive_case import step_patch

CATALOGUE = load()
USER = "packages/api/src/models/User.tsx"
MOVED_USER = "packages/api/src/users/User.tsx"
ROOT = "fluxer_app/src/router/components/RootComponent.tsx"


def fixture_statuses(name: str) -> dict[str, str]:
    """What `check` says on a fixture tree: the statuses a walk must find at its commit."""
    results = Engine(WorkTree(FIXTURES / name)).run(CATALOGUE.patches)
    return {r.patch.id: r.status(False) for r in results}


@dataclass
class Upstream:
    history: History
    shas: dict[str, str]  # label -> commit
    order: list[str]  # labels, oldest first
    expected: dict[str, dict[str, str]]  # label -> fix id -> status

    @property
    def repo(self):  # type: ignore[no-untyped-def]
        return open_repo(self.history.path)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Upstream:
    h = History(tmp_path_factory.mktemp("upstream") / "repo")
    shas: dict[str, str] = {}
    expected: dict[str, dict[str, str]] = {}
    order: list[str] = []

    def add(label: str, sha: str, statuses: dict[str, str]) -> None:
        shas[label] = sha
        order.append(label)
        expected[label] = dict(statuses)

    h.unrelated()
    add("base", h.shape("refactor-2026-02"), fixture_statuses("refactor-2026-02"))
    for i, sha in enumerate(h.unrelated(2)):
        add(f"docs{i}", sha, expected["base"])
    add("guide", h.shape("guide-2026-02-26"), fixture_statuses("guide-2026-02-26"))
    add("docs2", h.unrelated()[0], expected["guide"])
    add("fork", h.shape("fork-hand-patched"), fixture_statuses("fork-hand-patched"))
    add("later", h.shape("upstream-later"), fixture_statuses("upstream-later"))
    for i, sha in enumerate(h.unrelated(3)):
        add(f"docs{3 + i}", sha, expected["later"])
    add("moved", h.move(USER, MOVED_USER, "refactor: move the user model"), expected["later"])
    expected["moved"]["sso-users-not-unclaimed"] = "drifted"
    add("back", h.shape("refactor-2026-02", "revert to the refactor shapes"), expected["base"])
    add(
        "renamed",
        h.edit(ROOT, "isStandaloneRoute", "isStandalonePath", "refactor: rename isStandaloneRoute"),
        expected["base"],
    )
    expected["renamed"]["sso-standalone-route"] = "drifted"
    return Upstream(h, shas, order, expected)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths the engine parses, in order (snippets the primitives build are not counted)."""
    seen: list[str] = []

    class Counting(run_module.Document):
        @cached_property
        def tree(self):  # type: ignore[no-untyped-def]
            seen.append(self.path)
            return grammars.parse(self.language, self.data)

    monkeypatch.setattr(run_module, "Document", Counting)
    return seen


def _walk(up: Upstream, since: str, rev: str, explain: bool = True, cache: ResultCache | None = None,  # type: ignore[no-untyped-def]
          patches: tuple[Patch, ...] = CATALOGUE.patches):
    repo = up.repo
    span = first_parent_range(repo, up.shas[rev], since=up.shas[since])
    return walk(repo, patches, span, registry(), explain=explain, cache=cache)


def test_the_fixture_shapes_differ_where_the_tests_expect() -> None:
    later = fixture_statuses("upstream-later")
    assert later["rspack-cdn-endpoint"] == "drifted"
    assert later["sso-users-not-unclaimed"] == "already-applied"
    refactor = fixture_statuses("refactor-2026-02")
    assert {s for i, s in refactor.items() if i not in check_ids()} == {"pending"}
    assert {refactor[i] for i in check_ids()} == {"already-applied"}  # the checks pass on the fixed result


def test_transitions_are_found_at_the_commits_that_change_the_status(upstream: Upstream) -> None:
    result = _walk(upstream, "base", upstream.order[-1])
    labels = {sha: label for label, sha in upstream.shas.items()}
    for fix in result.fixes:
        statuses = [upstream.expected[label][fix.patch.id] for label in upstream.order]
        wanted = [
            (upstream.order[i], statuses[i - 1], statuses[i])
            for i in range(1, len(statuses))
            if statuses[i] != statuses[i - 1]
        ]
        found = [(labels[t.commit.sha], t.before, t.after) for t in fix.transitions]
        assert found == wanted, fix.patch.id
        assert fix.baseline == statuses[0]
        assert fix.status == statuses[-1]
    assert result.commits == len(upstream.order) - 1
    assert result.rev.sha == upstream.shas[upstream.order[-1]]
    assert result.base is not None and result.base.sha == upstream.shas["base"]


def test_a_transition_carries_the_commit_and_the_files_it_changed(upstream: Upstream) -> None:
    result = _walk(upstream, "base", "later")
    cdn = next(f for f in result.fixes if f.patch.id == "rspack-cdn-endpoint")
    broke = cdn.transitions[-1]
    assert (broke.before, broke.after) == ("pending", "drifted")  # the fork's nested copy would be collapsed
    assert broke.commit.sha == upstream.shas["later"]
    assert broke.commit.subject == "upstream shape: upstream-later"
    assert broke.commit.author == "Upstream Dev"
    assert broke.commit.date.startswith("2026-02-01T")
    assert broke.files == ("fluxer_app/rspack.config.mjs",)
    assert "CDN_ENDPOINT" in broke.reason.text
    assert cdn.breaking is broke


def test_unrelated_commits_are_not_parsed(upstream: Upstream, parses: list[str]) -> None:
    _walk(upstream, "base", "base")
    at_base = len(parses)
    assert at_base > 0
    parses.clear()
    result = _walk(upstream, "base", "docs1")
    assert result.commits == 2
    assert len(parses) == at_base  # the base itself, nothing for the two docs commits
    assert all(not f.touched for f in result.fixes)


def _contents(up: Upstream, label: str, paths: list[str]) -> tuple[str | None, ...]:
    listing = set(up.history.git("ls-tree", "-r", "--name-only", up.shas[label]).splitlines())
    return tuple(up.history.git("rev-parse", f"{up.shas[label]}:{p}") if p in listing else None for p in paths)


def _inputs(patch: Patch) -> list[str]:
    """The files a fix reads: its own, and those it consults (a lockfile that may make it unnecessary)."""
    engine = Engine(WorkTree(FIXTURES / "refactor-2026-02"))
    engine.run_patch(patch, record=True)
    return sorted(set(patch.files) | set(engine.last_reads))


def test_cost_grows_with_changed_files_not_commits(upstream: Upstream, parses: list[str]) -> None:
    # The build-context check reads more than its own file (.dockerignore, the COPY sources),
    # so the count below, made from each fix's files, holds for the fixes that edit.
    patches = tuple(p for p in CATALOGUE.patches if p.id not in check_ids())
    result = _walk(upstream, "base", upstream.order[-1], explain=False, patches=patches)
    # One run per fix and distinct content of its files; commits that leave them alone, and
    # commits that bring back content seen before (the revert), cost nothing.
    inputs = {p.id: _inputs(p) for p in patches}
    distinct = sum(len({_contents(upstream, label, inputs[p.id]) for label in upstream.order}) for p in patches)
    assert result.runs == distinct
    assert result.runs < len(patches) * 4 < len(patches) * len(upstream.order)
    assert set(parses) <= {f for p in patches for f in inputs[p.id]}


def test_a_revert_is_answered_from_the_cache(upstream: Upstream, parses: list[str]) -> None:
    cache = ResultCache(registry())
    _walk(upstream, "base", "later", cache=cache)
    runs = cache.runs
    parses.clear()
    result = _walk(upstream, "later", "back", explain=False, cache=cache)
    assert {f.patch.id: f.status for f in result.fixes} == upstream.expected["back"]
    assert cache.runs - runs == 1  # the moved User.tsx; the revert to the base shapes costs nothing
    assert parses == []  # a missing file is not parsed


def test_a_moved_file_is_reported_with_where_it_went(upstream: Upstream) -> None:
    result = _walk(upstream, "later", "moved")
    user = next(f for f in result.fixes if f.patch.id == "sso-users-not-unclaimed")
    assert user.status == "drifted"
    assert f"{USER}: file not found" in user.reason.text
    assert f"moved to {MOVED_USER}?" in user.reason.text
    assert "same file name" in user.reason.text
    assert f"the fix's query matches at {MOVED_USER}:" in user.reason.text
    assert user.transitions[-1].commit.subject == "refactor: move the user model"


def test_a_renamed_declaration_is_named_in_the_reason(upstream: Upstream) -> None:
    result = _walk(upstream, "back", "renamed")
    route = next(f for f in result.fixes if f.patch.id == "sso-standalone-route")
    assert route.status == "drifted"
    assert "`isStandaloneRoute` is gone; similar here: `isStandalonePath` at " in route.reason.text
    assert f"{ROOT}:7:" in route.reason.text


def test_last_n_starts_after_the_nth_commit(upstream: Upstream) -> None:
    repo = upstream.repo
    span = first_parent_range(repo, upstream.shas["guide"], last=3)
    assert [c.sha for c in span.commits] == [upstream.shas[k] for k in ("docs0", "docs1", "guide")]
    assert span.base == upstream.shas["base"]
    everything = first_parent_range(repo, upstream.shas["guide"], last=1000)
    assert everything.base is None
    assert len(everything.commits) == 5  # the first docs commit, base, docs0, docs1, guide


def test_last_n_lists_the_base_as_describe_does(upstream: Upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    from fluxer_patcher.drift import walk as walking
    from fluxer_patcher.git.history import describe

    repo = upstream.repo
    span = first_parent_range(repo, upstream.shas["guide"], last=3)
    assert span.base is not None and span.base_commit == describe(repo, span.base)
    assert first_parent_range(repo, upstream.shas["guide"], last=1000).base_commit is None  # from the root
    since = first_parent_range(repo, upstream.shas["guide"], since=upstream.shas["base"])
    assert since.base_commit is None and since.commits == span.commits
    asked: list[str] = []
    monkeypatch.setattr(walking, "describe", lambda repo, sha: asked.append(sha) or describe(repo, sha))
    assert walk(repo, CATALOGUE.patches, since, registry()).base == walk(repo, CATALOGUE.patches, span, registry()).base
    assert asked == [span.base]  # only the walk given --since asked git again


def test_a_walk_leaves_the_collector_as_it_found_it(upstream: Upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from fluxer_patcher.drift import walk as walking

    frozen: list[int] = []
    real = walking._walk
    monkeypatch.setattr(walking, "_walk", lambda *args: frozen.append(gc.get_freeze_count()) or real(*args))
    before = gc.get_freeze_count()
    walk(upstream.repo, CATALOGUE.patches[:2], first_parent_range(upstream.repo, upstream.shas["guide"], last=2),
         registry())
    assert frozen and frozen[0] > before  # what existed was set aside during the walk
    assert gc.get_freeze_count() == before


def test_a_history_from_the_root_has_a_first_status_without_a_before(upstream: Upstream) -> None:
    repo = upstream.repo
    result = walk(repo, CATALOGUE.patches, first_parent_range(repo, upstream.shas["base"], last=1000), registry())
    for fix in result.fixes:
        assert fix.baseline is None
        first = fix.transitions[0]
        assert first.before is None
        assert first.after == "drifted"  # the root commit holds only docs/
        assert "no other file named" in first.reason.text


def test_walking_leaves_the_repository_untouched(upstream: Upstream, tmp_path: Path) -> None:
    before = upstream.history.git("status", "--porcelain", "--ignored")
    head = upstream.history.git("rev-parse", "HEAD")
    _walk(upstream, "base", upstream.order[-1])
    assert upstream.history.git("status", "--porcelain", "--ignored") == before
    assert upstream.history.git("rev-parse", "HEAD") == head


@primitive("test-needs-package-b")
def _needs_package_b(ctx: EditContext) -> Answer:
    """Test-only: drifted until packages/ has a `b` directory (reads a listing, not files)."""
    return Present() if "b" in ctx.source.list_dir("packages") else Drift("packages/b missing")


def test_a_listed_directory_reruns_a_fix_only_when_its_names_change(tmp_path: Path) -> None:
    with_test_primitive = Registry([*registry().specs.values(), _needs_package_b])
    patch = step_patch("package.json", "test-needs-package-b", patch_id="lists-packages", looking_for="packages/b",
                       registry=with_test_primitive)
    h = History(tmp_path / "repo")
    (h.path / "packages" / "a").mkdir(parents=True)
    (h.path / "package.json").write_text("{}\n")
    (h.path / "packages" / "a" / "x.ts").write_text("1\n")
    base = h.commit("base")
    (h.path / "packages" / "a" / "x.ts").write_text("2\n")
    h.commit("a file under packages/a changes: same names in packages/")
    (h.path / "packages" / "b").mkdir()
    (h.path / "packages" / "b" / "y.ts").write_text("3\n")
    added = h.commit("packages/b appears")
    repo = open_repo(h.path)
    result = walk(repo, [patch], first_parent_range(repo, added, since=base), with_test_primitive)
    [fix] = result.fixes
    assert result.runs == 2
    assert [(t.commit.sha, t.before, t.after, t.files) for t in fix.transitions] == [
        (added, "drifted", "already-applied", ("packages/",))
    ]


def _same_walk_without_skipping(
    monkeypatch: pytest.MonkeyPatch,
    repo_path: Path,
    since: str,
    rev: str,
    patches: Sequence[Patch] = CATALOGUE.patches,
    table: Registry | None = None,
) -> tuple[int, int]:
    """Walk ``since..rev`` as it is and with every commit opened and every fix looked up
    again there; assert the same answer, and return how many commits the walk did not open
    and how many fix look-ups it left out in the commits it opened."""
    from fluxer_patcher.drift import walk as walk_module

    opened: list[str] = []
    looked_up: list[str] = []

    class Counting(walk_module.GitRevision):
        def __init__(self, repo, rev, objects=None, **known):  # type: ignore[no-untyped-def]
            opened.append(rev)
            super().__init__(repo, rev, objects, **known)

    observe = ResultCache.observe

    def counting_observe(self: ResultCache, patch: Patch, overlay):  # type: ignore[no-untyped-def]
        looked_up.append(patch.id)
        return observe(self, patch, overlay)

    monkeypatch.setattr(walk_module, "GitRevision", Counting)
    monkeypatch.setattr(ResultCache, "observe", counting_observe)
    repo = open_repo(repo_path)
    span = first_parent_range(repo, rev, since=since)
    skipping = walk(repo, patches, span, table or registry())
    opened_commits = len(set(opened))
    skipped = len(span.commits) + 1 - opened_commits
    left_out = opened_commits * len(patches) - len(looked_up)
    monkeypatch.setattr(walk_module._Watched, "touched_by", lambda self, changes: True)
    looked_up.clear()
    assert walk(repo, patches, span, table or registry()) == skipping
    assert len(looked_up) == (len(span.commits) + 1) * len(patches)  # the check above re-ran them all
    return skipped, left_out


def test_commits_that_touch_no_input_are_not_opened_and_the_answer_is_the_same(
    upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipped, left_out = _same_walk_without_skipping(monkeypatch, upstream.history.path, upstream.shas["base"],
                                                    upstream.shas[upstream.order[-1]])
    assert skipped == sum(label.startswith("docs") for label in upstream.order)
    assert left_out > 0  # e.g. moving User.tsx leaves the fixes of other files alone


def test_inputs_reached_through_symlinks_are_watched_where_they_lead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = History(tmp_path / "repo")
    h.shape("refactor-2026-02")
    models = h.path / "packages/api/src/models"
    real = h.path / "packages/api/src/real-models"
    models.rename(real)
    models.symlink_to("real-models")  # a symlinked directory on the way to User.tsx
    base = h.commit("models through a symlinked directory")
    h.unrelated()
    (real / "User.tsx").write_text((FIXTURES / "fork-hand-patched" / USER).read_text())
    h.commit("the file the link leads to changes")
    h.unrelated()
    (h.path / "elsewhere").mkdir()
    (h.path / "elsewhere" / "User.tsx").write_text((FIXTURES / "upstream-later" / USER).read_text())
    (real / "User.tsx").unlink()
    (real / "User.tsx").symlink_to("../../../../elsewhere/User.tsx")  # now a symlinked file, elsewhere
    h.commit("User.tsx becomes a symlink")
    h.unrelated()
    (h.path / "elsewhere" / "User.tsx").write_text((FIXTURES / "refactor-2026-02" / USER).read_text())
    h.commit("the symlink's target changes")
    models.unlink()
    models.symlink_to("missing-models")
    h.commit("the directory link goes nowhere")
    (h.path / "packages/api/src/missing-models").mkdir()
    (h.path / "packages/api/src/missing-models/User.tsx").write_text((FIXTURES / "refactor-2026-02" / USER).read_text())
    head = h.commit("where it leads appears")
    assert _same_walk_without_skipping(monkeypatch, h.path, base, head)[0] == 3


@primitive("test-copy-config")
def _copy_config(ctx: EditContext) -> Answer:
    """Test-only: the file becomes a copy of config.txt (its edit depends on another file)."""
    config = ctx.source.read("config.txt")
    return Present() if ctx.doc.data == config else Apply((Edit(0, len(ctx.doc.data), config),))


@primitive("test-says-yes")
def _says_yes(ctx: EditContext) -> Answer:
    """Test-only: present when the file says yes (and reads notes.txt, its own input)."""
    ctx.source.is_file("notes.txt")
    return Present() if b"yes" in ctx.doc.data else Drift("the file does not say yes")


def test_a_fix_is_looked_up_again_when_an_earlier_fix_restages_what_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Registry([*registry().specs.values(), _copy_config, _says_yes])
    copy = step_patch("target.txt", "test-copy-config", patch_id="copies-config", registry=table)
    says = step_patch("target.txt", "test-says-yes", patch_id="says-yes", registry=table)
    h = History(tmp_path / "repo")
    (h.path / "config.txt").write_text("no\n")
    (h.path / "target.txt").write_text("empty\n")
    base = h.commit("base")
    (h.path / "config.txt").write_text("yes\n")
    yes = h.commit("only config.txt changes: says-yes reads the text copies-config stages from it")
    (h.path / "notes.txt").write_text("a note\n")
    h.commit("notes.txt appears: only says-yes is looked up again")
    (h.path / "config.txt").write_text("yes, still\n")
    head = h.commit("config.txt changes, what it stages still says yes")
    assert _same_walk_without_skipping(monkeypatch, h.path, base, head, [copy, says], table) == (0, 1)
    repo = open_repo(h.path)
    result = walk(repo, [copy, says], first_parent_range(repo, head, since=base), table)
    assert [(t.commit.sha, t.before, t.after) for t in result.fixes[1].transitions] == [
        (yes, "drifted", "already-applied")
    ]


@primitive("test-looks-at-sub")
def _looks_at_sub(ctx: EditContext) -> Answer:
    """Test-only: present when sub/ is a directory holding target.txt (reads the directory
    itself and its listing, never the file)."""
    there = not ctx.source.is_file("sub") and "target.txt" in ctx.source.list_dir("sub")
    return Present() if there else Drift("no sub/target.txt")


def test_restaging_a_file_looks_up_again_only_the_fixes_that_read_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Registry([*registry().specs.values(), _copy_config, _looks_at_sub, _says_yes])
    copy = step_patch("sub/target.txt", "test-copy-config", patch_id="copies-config", registry=table)
    looks = step_patch("other.txt", "test-looks-at-sub", patch_id="looks-at-sub", registry=table)
    says = step_patch("sub/target.txt", "test-says-yes", patch_id="says-yes", registry=table)
    h = History(tmp_path / "repo")
    (h.path / "sub").mkdir()
    (h.path / "config.txt").write_text("no\n")
    (h.path / "other.txt").write_text("other\n")
    (h.path / "sub" / "target.txt").write_text("empty\n")
    base = h.commit("base")
    (h.path / "config.txt").write_text("yes\n")
    h.commit("copies-config restages sub/target.txt: says-yes reads it, looks-at-sub only sub and sub/")
    (h.path / "config.txt").write_text("yes, again\n")
    head = h.commit("and again")
    patches = [copy, looks, says]
    assert _same_walk_without_skipping(monkeypatch, h.path, base, head, patches, table) == (0, 2)
    repo = open_repo(h.path)
    result = walk(repo, patches, first_parent_range(repo, head, since=base), table)
    assert [f.status for f in result.fixes] == ["pending", "already-applied", "already-applied"]


def test_a_commit_worked_out_once_touches_the_same_watches_as_its_changes() -> None:
    import random

    from fluxer_patcher.drift.walk import _Touch, _Watched
    from fluxer_patcher.git.history import Changes

    names = ["", "a", "a/b", "a/b/c", "a/c", "b", "b/a", "c/d/e"]
    rng = random.Random(15)
    for _ in range(2000):
        paths = {p for p in names if p and rng.random() < 0.3}
        changes = Changes(frozenset(paths), frozenset(p for p in paths if rng.random() < 0.5))
        watch = _Watched([p for p in names if rng.random() < 0.2], [p for p in names if rng.random() < 0.2])
        assert watch.touched_by(_Touch.of(changes)) == watch.touched_by(changes), (watch.paths, changes)


def test_a_fix_answered_the_same_through_a_moved_symlink_watches_where_it_now_leads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Registry([*registry().specs.values(), _says_yes])
    says = step_patch("target.txt", "test-says-yes", patch_id="says-yes", registry=table)
    h = History(tmp_path / "repo")
    (h.path / "one.txt").write_text("yes\n")
    (h.path / "two.txt").write_text("yes\n")
    (h.path / "target.txt").symlink_to("one.txt")
    base = h.commit("base")
    (h.path / "target.txt").unlink()
    (h.path / "target.txt").symlink_to("two.txt")
    h.commit("the link moves to the same text: the same observation")
    (h.path / "two.txt").write_text("no\n")
    head = h.commit("where it now leads changes")
    assert _same_walk_without_skipping(monkeypatch, h.path, base, head, [says], table) == (0, 0)
    repo = open_repo(h.path)
    [fix] = walk(repo, [says], first_parent_range(repo, head, since=base), table).fixes
    assert [(t.commit.sha, t.after) for t in fix.transitions] == [(head, "drifted")]


def test_the_listing_of_a_range_gives_each_commits_root_tree(upstream: Upstream) -> None:
    repo = upstream.repo
    span = first_parent_range(repo, upstream.shas[upstream.order[-1]], since=upstream.shas["base"])
    assert span.commits
    assert [c.tree for c in span.commits] == [upstream.history.git("rev-parse", f"{c.sha}^{{tree}}")
                                              for c in span.commits]


def test_a_commits_changed_directories_come_with_their_new_trees(upstream: Upstream) -> None:
    from fluxer_patcher.git.history import changed_paths

    repo = upstream.repo
    span = first_parent_range(repo, upstream.shas[upstream.order[-1]], since=upstream.shas["base"])
    for commit, changes in zip(span.commits, changed_paths(repo, span), strict=True):
        assert changes is not None
        tree = dict(changes.trees)
        assert not tree.keys() & changes.paths  # directories are not changed paths
        for path in changes.paths:
            for at in [i for i, c in enumerate(path) if c == "/"]:
                now = git(upstream.history.path, "rev-parse", "--verify", "-q", f"{commit.sha}:{path[:at]}",
                          check=False)
                assert tree.get(path[:at]) == (now or None)  # a directory that went has no new tree
        blobs = dict(changes.blobs)
        for path in changes.paths:  # the new blob of each changed file the commit holds
            now = git(upstream.history.path, "rev-parse", "--verify", "-q", f"{commit.sha}:{path}", check=False)
            assert blobs.get(path) == (now or None)


def test_prefetched_trees_are_the_trees_read_one_by_one(upstream: Upstream) -> None:
    from fluxer_patcher.drift.walk import _Objects
    from fluxer_patcher.git.objects import ObjectCache

    repo = upstream.repo
    head = upstream.shas[upstream.order[-1]]
    ids = [bytes.fromhex(git(upstream.history.path, "rev-parse", f"{head}:{d}"))
           for d in ("", "packages", "fluxer_app")]
    objects = _Objects(repo)
    try:
        objects.prefetch([*ids, b"\0" * 20, ids[0]])  # a missing id is left to tree()
        one_by_one = ObjectCache(repo)
        assert [objects._trees[i] for i in ids] == [one_by_one.tree(i) for i in ids]
        assert b"\0" * 20 not in objects._trees
    finally:
        objects.close()


def test_prefetched_blobs_are_the_blobs_read_one_by_one(upstream: Upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    from fluxer_patcher.drift.walk import _Objects
    from fluxer_patcher.git.objects import ObjectCache

    repo = upstream.repo
    head = upstream.shas[upstream.order[-1]]
    ids = [bytes.fromhex(git(upstream.history.path, "rev-parse", f"{head}:{f}")) for f in (ROOT, "package.json")]
    objects = _Objects(repo)
    try:
        objects.prefetch([], [*ids, b"\0" * 20])  # a missing id is left to blob(), which says so
        assert b"\0" * 20 not in objects._blobs
        one_by_one = [ObjectCache(repo).blob(i) for i in ids]
        monkeypatch.setattr(repo, "read", lambda binsha: pytest.fail("read again"))
        assert [objects.blob(i) for i in ids] == one_by_one
    finally:
        objects.close()


def test_the_files_the_fixes_name_and_a_listed_directorys_subtrees_are_read_ahead(
    upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fluxer_patcher.drift.walk import _Objects
    from fluxer_patcher.source.revision import GitRevision

    repo = upstream.repo
    head = upstream.shas[upstream.order[-1]]
    objects = _Objects(repo)
    try:
        revision = GitRevision(repo, head, objects)
        files = [USER, ROOT, "package.json", "no/such/file.ts", f"{USER}/not-below-a-file"]
        objects.prefetch_paths(revision.root, files)
        monkeypatch.setattr(repo, "read", lambda binsha: pytest.fail("read one by one"))
        assert [revision.read(f) for f in files[:3]] == [(upstream.history.path / f).read_bytes() for f in files[:3]]
        assert not revision.is_file("no/such/file.ts")
        packages = revision.list_dir("packages")  # read already on the way to USER
        monkeypatch.undo()
        assert packages
        listed = GitRevision(repo, head, objects).list_dir("fluxer_app")  # its subtrees: one round trip
        monkeypatch.setattr(repo, "read", lambda binsha: pytest.fail("read one by one"))
        for name in listed:
            revision.list_dir(f"fluxer_app/{name}")
    finally:
        objects.close()


def test_the_objects_of_the_commits_ahead_are_read_in_one_round_trip(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from fluxer_patcher.drift import walk as walking
    from fluxer_patcher.git.history import changed_paths
    from fluxer_patcher.git.runner import BatchReader
    from fluxer_patcher.source.revision import GitRevision

    h = History(tmp_path / "repo")
    h.shape("refactor-2026-02")
    for n in range(5):
        h.unrelated()
        (h.path / ROOT).write_text((h.path / ROOT).read_text() + f"// {n}\n")
        h.commit(f"root component {n}")
    repo = open_repo(h.path)
    span = first_parent_range(repo, "HEAD", last=10)
    assert span.base is not None
    changes = changed_paths(repo, span)
    base = GitRevision(repo, span.base)
    patches = [p for p in CATALOGUE.patches if p.id == "sso-standalone-route"]
    watched = walking._Watched.at(base, walking.observe_all(patches, base, ResultCache(registry())))
    rounds: list[int] = []
    real = BatchReader.read_many
    monkeypatch.setattr(BatchReader, "read_many", lambda self, names: rounds.append(len(names)) or real(self, names))
    objects = walking._Objects(repo)
    try:
        assert walking._prefetch_ahead(objects, span.commits, changes, 0, watched) == len(span.commits)
        assert len(rounds) == 1
        touching = [i for i, c in enumerate(changes) if watched.touched_by(c)]
        assert len(touching) == 5
        for i in touching:
            trees, blobs = walking._objects_to_watched(changes[i], watched, bytes.fromhex(span.commits[i].tree or ""))
            assert trees and blobs
            assert all(t in objects._trees for t in trees) and all(b in objects._blobs for b in blobs)
            objects.prefetch(trees, blobs)  # an opened commit's own prefetch: nothing left to read
        assert len(rounds) == 1
    finally:
        objects.close()


def test_a_commit_that_changes_only_what_an_obsolete_condition_searched_is_looked_up_again(tmp_path: Path) -> None:
    """`config-sqlite-path-absolute` is obsolete on the later layout while no file under
    fluxer_api/ or packages/ names sqlite; a commit that adds one there (no file the fix names)
    makes it not obsolete: the walk must see that, as a check of that commit does."""
    from fluxer_patcher.drift.walk import check_revision
    from fluxer_patcher.source.revision import GitRevision

    fix = "config-sqlite-path-absolute"
    h = History(tmp_path / "repo")
    h.shape("later-layout")
    h.unrelated()
    evidence = h.path / "packages" / "db" / "Sqlite.ts"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_text("export const sqlite = true;\n")
    h.commit("feat: a sqlite backend again")
    h.unrelated()
    repo = open_repo(h.path)
    patches = [p for p in load().patches if p.id == fix]
    drift = walk(repo, patches, first_parent_range(repo, "HEAD", last=3), registry())
    at_head = check_revision(patches, GitRevision(repo, "HEAD"), registry())[0].status(False)
    assert drift.fixes[0].status == at_head != "obsolete"
    assert [(t.before, t.after) for t in drift.fixes[0].transitions] == [("obsolete", at_head)]
