"""The journal an apply writes before it replaces files, and the flushing of its temporary
files (``output/journal.py``, ``output/writer.py``): any bytes round-trip, the document is
the JSON ``json.dumps`` would write, an earlier release's journal is still undone, and a
failed flush names the first file that failed."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
from pathlib import Path

import pytest

from fluxer_patcher.output import journal, writer
from fluxer_patcher.output.journal import Entry
from fluxer_patcher.source.worktree import WorkTree

ODD = bytes(range(256)) + "é\u2028\"\\\n\r\t".encode() + b"\xff\xfe"


def _entries() -> list[Entry]:
    return [
        Entry("a/b.txt", ODD, journal.digest(b"new"), "a/.b.txt.0a1b.fluxer-patch"),
        Entry('dir "quoted"/ünï.ts', b"", journal.digest(b""), 'dir "quoted"/.ünï.ts.ffff.fluxer-patch'),
        Entry("top", b"plain text\n", journal.digest(b"x"), ".top.1234.fluxer-patch"),
    ]


def test_any_bytes_and_names_round_trip_through_the_journal(tmp_path: Path) -> None:
    journal.write_journal(str(tmp_path), _entries())
    assert journal.read_journal(str(tmp_path)) == _entries()


def test_the_journal_is_the_json_document_json_dumps_writes(tmp_path: Path) -> None:
    journal.write_journal(str(tmp_path), _entries())
    written = Path(journal.journal_path(str(tmp_path))).read_bytes()
    document = {
        "version": 2,
        "pid": os.getpid(),
        "files": [{"path": e.path, "before": e.before.decode("latin-1"), "after_blake2b": e.after_digest,
                   "temp": e.temp} for e in _entries()],
    }
    assert written == json.dumps(document).encode("ascii")


def test_a_journal_of_the_wrong_shape_is_one_error_that_names_it(tmp_path: Path) -> None:
    path = Path(journal.journal_path(str(tmp_path)))
    for text in ('{"version": 2, "files": [{"path": 1, "before": "", "after_blake2b": "", "temp": ""}]}',
                 '{"version": 2, "files": [{"path": "a", "before": "\\u0100", "after_blake2b": "", "temp": ""}]}',
                 '{"version": 2, "files": [{"path": "a"}]}', '{"version": 9, "files": []}', "[1, 2", "[1, 2]", '"text"',
                 '{"version": 2, "files": {"a": 1}}'):
        path.write_text(text)
        with pytest.raises(journal.JournalError, match="unreadable journal"):
            journal.read_journal(str(tmp_path))


def test_a_version_1_journal_left_by_an_earlier_release_is_undone(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "patched.txt").write_bytes(b"after\n")  # holds the new bytes: put back
    (tmp_path / "edited.txt").write_bytes(b"the user's\n")  # edited since: left alone
    (tmp_path / ".patched.txt.0000.fluxer-patch").write_bytes(b"after\n")

    def v1(path: str, before: bytes, after: bytes) -> dict[str, str]:
        return {"path": path, "before": base64.b64encode(before).decode(), "temp": f".{path}.0000.fluxer-patch",
                "after_sha256": hashlib.sha256(after).hexdigest()}

    Path(journal.journal_path(str(tmp_path))).write_text(json.dumps({
        "version": 1, "pid": 1,
        "files": [v1("patched.txt", b"before\n", b"after\n"), v1("edited.txt", b"before\n", b"after\n")]}))
    notes = writer.recover(WorkTree(tmp_path))
    assert notes == ["an interrupted fluxer-patch run was undone: 1 file(s) restored (patched.txt), "
                     "1 temporary file(s) removed; changed since, left as they are: edited.txt"]
    assert (tmp_path / "patched.txt").read_bytes() == b"before\n"
    assert (tmp_path / "edited.txt").read_bytes() == b"the user's\n"
    assert journal.read_journal(str(tmp_path)) is None


def _flush(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int,
           failing: tuple[int, ...] = ()) -> tuple[list[str], list[str], OSError | None]:
    """``writer._sync_all`` over ``count`` files ``f<i>.tmp``, fsync failing for the indexes
    ``failing``: the names, those flushed, and the error raised."""
    names = [f"f{i}.tmp" for i in range(count)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    flushed: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        if int(name[1:-4]) in failing:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)
        flushed.append(name)

    monkeypatch.setattr(os, "fsync", fsync)
    dfd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        writer._sync_all([(dfd, n) for n in names])
    except OSError as exc:
        return names, flushed, exc
    finally:
        os.close(dfd)
    return names, flushed, None


@pytest.mark.parametrize("failing", [(1,), (6, 2), (9,), (0, 5)])
def test_a_failed_flush_names_the_first_file_that_failed_and_every_lane_finishes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: tuple[int, ...]) -> None:
    names, flushed, error = _flush(tmp_path, monkeypatch, 10, failing)
    assert error is not None
    assert error.filename == names[min(failing)]
    assert error.errno == errno.ENOSPC
    # a lane stops at its first failure; the others flush all of theirs
    lanes = writer._SYNC_LANES
    stops = {lane: min((j for j in failing if j % lanes == lane), default=len(names)) for lane in range(lanes)}
    assert sorted(flushed) == sorted(n for i, n in enumerate(names) if i < stops[i % lanes])


def test_every_file_is_flushed_when_none_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names, flushed, error = _flush(tmp_path, monkeypatch, 7)
    assert error is None
    assert sorted(flushed) == sorted(names)
    writer._sync_all([])  # nothing to flush: no lane started, nothing raised
