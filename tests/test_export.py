"""`fluxer-patch export`: numbered patch files that `git am` and `patch -p1` apply on REV."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from fluxer_patcher.app import series
from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.app.catalogue import registry
from fluxer_patcher.git.plumbing import Plumbing
from fluxer_patcher.git.repo import open_repo
from fluxer_patcher.output import messages as commits
from fluxer_patcher.output import patchfiles as export
from fluxer_patcher.profile import FLUXER
from fluxer_patcher.record import replace
from fluxer_patcher.source.revision import GitRevision
from tests.clirun import run_cli
from tests.conftest import editing_ids, missing_in
from tests.gitrepos import git, make_repo
from tests.gitrepos import hermetic_git as hermetic_git

pytestmark = pytest.mark.usefixtures("hermetic_git")
CATALOGUE = load()
EDITING = editing_ids()  # checks make no patch file


def _export(repo: Path, outdir: Path, fmt: str, *extra: str) -> tuple[int, str, str]:
    result = run_cli("export", "--repo", repo, "--rev", "main", outdir, "--format", fmt, *extra)
    return result.code, result.out, result.err


def _patches(outdir: Path) -> list[Path]:
    return sorted(outdir.glob("*.patch"))


def test_git_mails_round_trip_with_git_am(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    out = tmp_path / "out"
    code, text, err = _export(repo, out, "git")
    assert code == 0, err
    files = _patches(out)
    assert [f.name for f in files] == [f"{i:04d}-{pid}.patch" for i, pid in enumerate(EDITING, 1)]
    assert "parsed back and applied" in text
    assert run_cli("branch", "--repo", repo, "--onto", "main", "--branch", "fluxer").code == 0
    # a second clone at REV takes the mails with git am and ends at the branch's tree
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(repo), str(other))
    git(other, "am", "-q", *[str(f) for f in files])
    assert git(other, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "fluxer^{tree}")
    ours = git(repo, "log", "--format=%an <%ae> %ad%n%B%x00", "--date=raw", "main..fluxer")
    theirs = git(other, "log", "--format=%an <%ae> %ad%n%B%x00", "--date=raw", "origin/main..HEAD")
    assert theirs == ours  # subject, body, trailers, author and date survive the mail


def test_quilt_series_applies_with_patch_p1(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    out = tmp_path / "debian-patches"
    code, _, err = _export(repo, out, "quilt")
    assert code == 0, err
    names = (out / "series").read_text().split()
    assert names == [f.name for f in _patches(out)] and len(names) == len(EDITING)
    first = (out / names[0]).read_text()
    for header in ("Description: ", "Author: ", "Origin: other, ", "Forwarded: no", "Last-Update: 2026-02-"):
        assert header in first
    assert "Bug: https://github.com/fluxerapp/fluxer/issues/557" in first
    assert f"Fluxer-Patch: {EDITING[0]}" in first
    assert run_cli("branch", "--repo", repo, "--onto", "main", "--branch", "fluxer").code == 0
    target = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(repo), str(target))
    for name in names:
        if shutil.which("patch") is None:  # git apply stands in for patch(1) where it is missing
            git(target, "apply", str(out / name))
            continue
        with (out / name).open("rb") as handle:
            proc = subprocess.run(["patch", "-p1", "--quiet", "--forward"], stdin=handle, cwd=target, check=False)
        assert proc.returncode == 0, name
    git(target, "add", "-A")
    assert git(target, "write-tree") == git(repo, "rev-parse", "fluxer^{tree}")


def test_drift_exports_the_rest_and_exits_1(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", tree="upstream-later")
    code, text, _ = _export(repo, tmp_path / "out", "git")
    assert code == 1 and "drifted" in text
    # the CDN fix drifted, the SSO-user one is upstream, fixes of files the miniature lacks drifted
    assert len(_patches(tmp_path / "out")) == len(EDITING) - 2 - len(missing_in("upstream-later"))
    code, _, _ = _export(repo, tmp_path / "strict", "git", "--strict")
    assert code == 1 and not (tmp_path / "strict").exists()


def test_outdir_must_be_empty_unless_force(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    out = tmp_path / "out"
    assert _export(repo, out, "quilt")[0] == 0
    (out / "local-notes.txt").write_text("keep me\n")
    (out / f"0001-{EDITING[0]}.patch").write_text("stale " + FLUXER.patch_trailer + ": x\n")
    code, _, err = _export(repo, out, "quilt")
    assert code == 2 and "not empty" in err
    code, _, err = _export(repo, out, "git", "--force")
    assert code == 0, err
    assert (out / "local-notes.txt").read_text() == "keep me\n"
    assert not (out / "series").exists()  # the earlier quilt export's file went with it
    assert (out / f"0001-{EDITING[0]}.patch").read_text().startswith("From 0000000")


def test_an_outdir_whose_parent_is_missing_is_one_line_and_exit_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    code, _, err = _export(repo, tmp_path / "no" / "such" / "out", "git")
    assert code == 2
    assert err.strip().splitlines() == [f"fluxer-patch: {tmp_path / 'no' / 'such'}: no such directory "
                                        "(the parent of OUTDIR must exist)"]
    assert not (tmp_path / "no").exists()
    (tmp_path / "file").write_text("x\n")
    code, _, err = _export(repo, tmp_path / "file" / "out", "git")
    assert code == 2 and "is not a directory" in err and "Traceback" not in err


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_a_new_outdir_gets_the_mode_mkdir_would_give(tmp_path: Path, umask: int) -> None:
    repo = make_repo(tmp_path / "repo")
    old = os.umask(umask)
    try:
        code, _, err = _export(repo, tmp_path / "out", "quilt")
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o777 & ~umask


def _series(repo: Path) -> series.Series:
    return series.compute(GitRevision(open_repo(repo), "main"), CATALOGUE.patches, registry())


def test_a_patch_that_does_not_apply_is_never_written(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    s = _series(repo)
    git_ = Plumbing(repo / ".git")
    identity = commits.identity(git_.commit_date(s.upstream))
    files = export.render_quilt(s, identity, git_)
    # the first patch that removes a line (insert-only patches have no `-` line to spoil)
    k = next(i for i, f in enumerate(files) if "\n-" in f.text.split("\n@@", 1)[-1])
    lines = files[k].text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("-") and not line.startswith("---"))
    lines[at] = "-garbage" + lines[at][1:]
    broken = replace(files[k], text="".join(lines))
    with pytest.raises(export.ExportError, match="does not match the revision"):
        export.verify([*files[:k], broken, *files[k + 1 :]], "quilt", s)
    unparsable = replace(files[0], text=files[0].text.replace("@@ -", "@@ -x", 1))
    with pytest.raises(export.ExportError, match=files[0].name):
        export.verify([unparsable, *files[1:]], "quilt", s)


def test_the_message_check_catches_a_mail_git_am_would_misread(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    s = _series(repo)
    git_ = Plumbing(repo / ".git")
    files = export.render_git(s, git_, commits.identity(git_.commit_date(s.upstream)))
    # a body line "---" would end the commit message early in git am
    cut = replace(files[0], text=files[0].text.replace("\n\nSymptom:", "\n---\nSymptom:", 1))
    with pytest.raises(export.ExportError, match="commit message"):
        export.verify([cut, *files[1:]], "git", s)


def test_export_says_what_it_wrote_not_what_to_build_next(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    result = run_cli("export", "--repo", repo, "--rev", "main", tmp_path / "out")
    assert result.code == 0 and "exported " in result.out
    assert "docker build" not in result.out and "next:" not in result.out


def test_dep3_origin_is_one_url_and_the_guide_section_is_in_the_description(tmp_path: Path) -> None:
    import re

    from fluxer_patcher.catalogue.manifest import ref_url

    assert ref_url("fluxerapp/fluxer@7b1aa6ff") == "https://github.com/fluxerapp/fluxer/commit/7b1aa6ff"
    assert ref_url("fluxerapp/fluxer#557") == "https://github.com/fluxerapp/fluxer/issues/557"

    repo = make_repo(tmp_path / "repo")
    out = tmp_path / "debian-patches"
    assert _export(repo, out, "quilt")[0] == 0
    for patch in _patches(out):
        text = patch.read_text()
        [origin] = [line for line in text.splitlines() if line.startswith("Origin:")]
        assert re.fullmatch(r"Origin: (other, )?https://\S+", origin), origin
        description = " ".join(text.split("\n---\n")[0].split())
        assert re.search(r'Gotchas? [\d, ]+ of the Fluxer self-hosting guide \(".+?"\)', description) or \
            "Past the Fluxer self-hosting guide" in description, description
