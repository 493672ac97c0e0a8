"""The series as numbered patch files: ``git format-patch``-style mails or a quilt series.

``git``: ``0001-<fix id>.patch`` … mails that ``git am`` applies on the revision (``From``
line with the zero commit id, as ``format-patch --zero-commit`` writes; full blob ids in
the ``index`` lines so ``git am -3`` can fall back to a three-way merge).
``quilt``: the same names plus a ``series`` file; each patch opens with DEP-3 headers
(Description, Author, Origin, Bug, Forwarded, Last-Update) and applies with ``quilt push -a``
or ``patch -p1``.  Last-Update is the revision's commit date, so the output depends only on
the revision and the fixes.

Before anything is written, every patch is parsed back with unidiff and applied in memory on
the revision's text, then applied in order with ``git apply`` in a scratch repository (for
``git`` mails, ``git mailinfo`` must also give back the commit message).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher import __version__
from fluxer_patcher.catalogue.manifest import Patch, ref_url
from fluxer_patcher.errors import BadInput
from fluxer_patcher.git.plumbing import GitError, Identity, Plumbing
from fluxer_patcher.model import FileChange
from fluxer_patcher.output import diffs, messages
from fluxer_patcher.output.series import Series, SeriesStep
from fluxer_patcher.profile import FLUXER, Profile
from fluxer_patcher.record import dataclass

if TYPE_CHECKING:
    from unidiff.patch import PatchedFile

FORMATS = ("git", "quilt")
_ZERO_COMMIT = "0" * 40


class ExportError(BadInput):
    """The series cannot be exported; ``str()`` is one line."""


@dataclass(frozen=True)
class PatchFile:
    name: str
    text: str
    step: SeriesStep | None  # None for the quilt ``series`` file


def file_name(number: int, step: SeriesStep) -> str:
    return f"{number:04d}-{step.patch.id}.patch"


def _blob_id(data: bytes, algorithm: str) -> str:
    return hashlib.new(algorithm, b"blob %d\0" % len(data) + data).hexdigest()


def _header(value: str) -> str:
    """A mail header value: as is when ASCII, RFC 2047 encoded otherwise."""
    return value if value.isascii() else Header(value, "utf-8").encode()


def _ident_date(git: Plumbing, identity: Identity) -> datetime:
    """The author date, read back through ``git var`` (which parses every date form git accepts)."""
    ident = git.out("var", "GIT_AUTHOR_IDENT", env=identity.env())
    stamp, zone = ident.rsplit(" ", 2)[-2:]
    sign = -1 if zone.startswith("-") else 1
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    return datetime.fromtimestamp(int(stamp), timezone(offset))


def _diffstat(changes: tuple[FileChange, ...]) -> str:
    rows = [(c.path, *diffs.counts(c)) for c in changes]
    width = max(len(path) for path, _, _ in rows)
    most = max(added + removed for _, added, removed in rows)
    scale = min(1.0, 50 / most) if most else 1.0
    lines = []
    for path, added, removed in rows:
        plus, minus = round(added * scale) or (1 if added else 0), round(removed * scale) or (1 if removed else 0)
        lines.append(f" {path.ljust(width)} | {added + removed} {'+' * plus}{'-' * minus}".rstrip())
    added = sum(a for _, a, _ in rows)
    removed = sum(r for _, _, r in rows)
    summary = f" {len(rows)} file{'s' if len(rows) != 1 else ''} changed"
    if added:
        summary += f", {added} insertion{'s' if added != 1 else ''}(+)"
    if removed:
        summary += f", {removed} deletion{'s' if removed != 1 else ''}(-)"
    return "\n".join([*lines, summary]) + "\n"


def _git_diff(change: FileChange, mode: int, algorithm: str) -> str:
    old, new = _blob_id(change.before, algorithm), _blob_id(change.after, algorithm)
    head = f"diff --git a/{change.path} b/{change.path}\nindex {old}..{new} 100{mode:o}\n"
    return head + diffs.unified(change)


def render_git(series: Series, git: Plumbing, identity: Identity, profile: Profile = FLUXER) -> list[PatchFile]:
    algorithm = git.out("rev-parse", "--show-object-format") or "sha1"
    date = format_datetime(_ident_date(git, identity))
    author = identity.author
    sender = f"{_header(author.name)} <{author.email}>"
    total = len(series.steps)
    files = []
    for number, step in enumerate(series.steps, 1):
        subject, _, rest = step.message.partition("\n\n")
        prefix = f"[PATCH {number}/{total}]" if total > 1 else "[PATCH]"
        diff = "".join(
            _git_diff(c, series.revision.mode(c.path) or 0o644, algorithm) for c in step.changes
        )
        text = (
            f"From {_ZERO_COMMIT} Mon Sep 17 00:00:00 2001\n"
            f"From: {sender}\n"
            f"Date: {date}\n"
            f"Subject: {_header(f'{prefix} {subject}')}\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=UTF-8\n"
            "Content-Transfer-Encoding: 8bit\n"
            "\n"
            f"{rest.rstrip()}\n"
            "---\n"
            f"{_diffstat(step.changes)}\n"
            f"{diff}"
            "-- \n"
            f"{profile.tool} {__version__}\n\n"
        )
        files.append(PatchFile(file_name(number, step), text, step))
    return files


def _dep3_description(step: SeriesStep, profile: Profile) -> str:
    lines = [f"Description: {step.patch.title}"]
    for paragraph in messages.body(step.patch, profile).split("\n\n"):
        if len(lines) > 1:
            lines.append(" .")
        lines.extend(f" {line}" for line in paragraph.splitlines())
    return "\n".join(lines)


def _dep3_origin(patch: Patch, profile: Profile) -> str:
    """DEP-3 ``Origin``: one URL (after the optional ``other, `` category), as the spec asks:
    the guide, or the first reference of a fix past the guide.  The guide's section and any
    further references are in the Description (the commit body)."""
    if patch.gotchas or not patch.refs:
        return f"Origin: other, {profile.guide_url}"
    return f"Origin: other, {ref_url(patch.refs[0])}"


def render_quilt(series: Series, identity: Identity, git: Plumbing, profile: Profile = FLUXER) -> list[PatchFile]:
    updated = _ident_date(git, identity).date().isoformat()
    files = []
    for number, step in enumerate(series.steps, 1):
        patch = step.patch
        headers = [
            _dep3_description(step, profile),
            f"Author: {identity.author}",
            _dep3_origin(patch, profile),
            f"Bug: {patch.bug}",
            "Forwarded: no",
            f"Last-Update: {updated}",
            f"{profile.patch_trailer}: {patch.id}",
            f"{profile.upstream_trailer}: {series.upstream}",
        ]
        text = "\n".join(headers) + "\n---\n" + diffs.unified_all(step.changes)
        files.append(PatchFile(file_name(number, step), text, step))
    names = "".join(f"{f.name}\n" for f in files)
    return [*files, PatchFile("series", names, None)]


# verification ------------------------------------------------------------------------------


def _apply_hunks(before: bytes, patched: PatchedFile) -> bytes:
    """``before`` with the hunks of one unidiff ``PatchedFile`` applied (exact context)."""
    from unidiff.constants import LINE_TYPE_ADDED, LINE_TYPE_NO_NEWLINE, LINE_TYPE_REMOVED

    lines = diffs.lines_of(before)
    out: list[str] = []
    pos = 0
    for hunk in patched:
        start = hunk.source_start - 1 if hunk.source_length else hunk.source_start
        if start < pos:
            raise ExportError("hunks overlap or are out of order")
        out.extend(lines[pos:start])
        pos = start
        previous = ""
        for line in hunk:
            kind = line.line_type
            if kind == LINE_TYPE_NO_NEWLINE:
                # the line before has no newline: drop the one the diff format added to it
                if previous == LINE_TYPE_ADDED and out[-1].endswith("\n"):
                    out[-1] = out[-1][:-1]
                continue
            previous = kind
            if kind == LINE_TYPE_ADDED:
                out.append(line.value)
                continue
            # context or removed: must be the revision's line at this position
            if pos >= len(lines) or lines[pos].rstrip("\n") != line.value.rstrip("\n"):
                raise ExportError(f"hunk @@ -{hunk.source_start} does not match the revision at line {pos + 1}")
            if kind != LINE_TYPE_REMOVED:
                out.append(lines[pos])
            pos += 1
    out.extend(lines[pos:])
    return "".join(out).encode("utf-8")


def _check_parsed(pf: PatchFile) -> None:
    """Parse the patch back with unidiff and apply it in memory on the revision's text."""
    from unidiff.errors import UnidiffParseError
    from unidiff.patch import PatchSet

    assert pf.step is not None
    try:
        parsed = PatchSet(pf.text)
    except UnidiffParseError as exc:
        raise ExportError(f"{pf.name}: unidiff cannot parse it back ({exc})") from None
    expected = {c.path: c for c in pf.step.changes}
    found = {p.path: p for p in parsed}
    if set(found) != set(expected):
        raise ExportError(f"{pf.name}: names files {sorted(found)}, expected {sorted(expected)}")
    for path, change in expected.items():
        if _apply_hunks(change.before, found[path]) != change.after:
            raise ExportError(f"{pf.name}: {path}: applying the parsed hunks does not give the fixed text")


def _check_applies(files: list[PatchFile], fmt: str, series: Series) -> None:
    """Apply the patches in order with ``git apply`` in a scratch repository holding the
    revision's version of every touched file; each step must give exactly the fixed text."""
    steps = [f for f in files if f.step is not None]
    with tempfile.TemporaryDirectory(prefix="fluxer-patch-export-") as scratch:
        root = Path(scratch)
        git = Plumbing(root / ".git", work_tree=root)
        git.run("init", "--quiet")
        seeded: set[str] = set()
        for pf in steps:
            assert pf.step is not None
            for change in pf.step.changes:
                if change.path not in seeded:
                    target = root / change.path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(change.before)
                    seeded.add(change.path)
        for pf in steps:
            assert pf.step is not None
            patch_path = root / ".git" / pf.name
            patch_path.write_text(pf.text, encoding="utf-8")
            try:
                git.run("apply", "--whitespace=nowarn", str(patch_path))
            except GitError as exc:
                raise ExportError(f"{pf.name}: does not apply on {series.upstream[:12]}: {exc}") from None
            for change in pf.step.changes:
                if (root / change.path).read_bytes() != change.after:
                    raise ExportError(f"{pf.name}: {change.path}: git apply gives other text than the fix")
            if fmt == "git":
                info = git.run("mailinfo", "-u", str(root / ".git" / "msg"), str(root / ".git" / "diff"),
                               input=pf.text.encode("utf-8"))
                subject = next(
                    (ln[len("Subject: "):] for ln in info.stdout.decode().splitlines() if ln.startswith("Subject: ")),
                    "",
                )
                msg = (root / ".git" / "msg").read_text(encoding="utf-8")
                if f"{subject}\n\n{msg}" != pf.step.message:
                    raise ExportError(f"{pf.name}: git am would not recover the commit message")


def verify(files: list[PatchFile], fmt: str, series: Series) -> None:
    for pf in files:
        if pf.step is not None:
            _check_parsed(pf)
    _check_applies(files, fmt, series)


# writing -----------------------------------------------------------------------------------


def _ours(path: Path, mark: str) -> bool:
    if path.name == "series":
        return True
    if path.suffix != ".patch" or not path.is_file():
        return False
    try:
        return mark in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write(outdir: Path, files: list[PatchFile], force: bool = False, profile: Profile = FLUXER) -> None:
    """Write the files into ``outdir`` (created when missing, with the mode ``mkdir`` gives;
    its parent must exist).

    A non-empty ``outdir`` is refused unless ``force``; then the patches an earlier export
    wrote there (and ``series``) are replaced and every other file is left alone."""
    if outdir.exists() and not outdir.is_dir():
        raise ExportError(f"{outdir}: exists and is not a directory")
    parent = outdir.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "no such directory"
        raise ExportError(f"{parent}: {what} (the parent of OUTDIR must exist)")
    try:
        existing = sorted(outdir.iterdir()) if outdir.is_dir() else []
        if existing and not force:
            raise ExportError(
                f"{outdir}: not empty; give a new directory, or --force to replace an earlier export there"
            )
        staging = Path(tempfile.mkdtemp(prefix=".fluxer-patch-export-", dir=parent))
    except OSError as exc:
        raise ExportError(f"{exc.filename or outdir}: {exc.strerror or exc}") from None
    try:
        for pf in files:
            (staging / pf.name).write_text(pf.text, encoding="utf-8", newline="\n")
        if not outdir.exists():
            # mkdtemp made the staging directory 0700; a new OUTDIR gets what mkdir would give
            staging.chmod(0o777 & ~_umask())
            os.replace(staging, outdir)
            return
        for old in existing:
            if _ours(old, f"{profile.patch_trailer}: "):
                old.unlink()
        for pf in files:
            os.replace(staging / pf.name, outdir / pf.name)
    except OSError as exc:
        raise ExportError(f"{exc.filename or outdir}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)


def export(series: Series, git: Plumbing, identity: Identity, fmt: str, outdir: Path, force: bool = False) -> list[
    PatchFile
]:
    """Render, verify, then write; nothing is written unless every check passed."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose git or quilt)")
    files = render_git(series, git, identity) if fmt == "git" else render_quilt(series, identity, git)
    verify(files, fmt, series)
    write(outdir, files, force)
    return files
