"""The lock and the journal of a run that writes a checkout.

* The **lock** (``fcntl.flock`` on ``fluxer-patch.lock`` in the checkout's ``.git/``, or
  ``.fluxer-patch.lock`` at its root when it has no ``.git`` directory) serialises runs: a
  second ``apply`` on the same checkout is refused while the first one holds it.
* The **journal** (``fluxer-patch.journal`` beside the lock) is written, and synced, before
  the first temporary file is created.  It names every target (its path, its old bytes, a
  hash of its new bytes) and the temporary file meant for it, so a run stopped by SIGKILL or
  a power cut is undone by the next one: files that hold the new bytes get their old bytes
  back, files someone edited since are left alone, the temporary files are removed, and the
  run says what it did.

The journal is JSON (version 2): each file's old bytes as a string of the code points 0-255
(Latin-1, so any bytes round-trip and a text file stays readable), the hash of its new bytes
a BLAKE2b digest (:mod:`fluxer_patcher.digests`).  It is written without importing
:mod:`json`, :mod:`hashlib` or :mod:`base64` (an apply replay writes through here): strings
by the standard library's own JSON string encoder.  A version 1 journal (base64, SHA-256),
left by an earlier release, is still read and undone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator

from fluxer_patcher import digests
from fluxer_patcher.errors import Refused
from fluxer_patcher.output.statepaths import journal_path as journal_path  # the writer names it here
from fluxer_patcher.output.statepaths import lock_path
from fluxer_patcher.output.statepaths import pending_note as pending_note  # read-only commands ask it here
from fluxer_patcher.record import dataclass

JOURNAL_VERSION = 2

try:  # the encoder json.dumps uses for a string (json.encoder.encode_basestring_ascii)
    from _json import encode_basestring_ascii as _string
except ImportError:  # pragma: no cover - a Python without the C accelerator
    from json.encoder import py_encode_basestring_ascii as _string


class Busy(Refused):
    """Another run holds the lock on the checkout."""


class JournalError(Refused):
    """The journal of an interrupted run cannot be read or acted on."""


def digest(data: bytes) -> str:
    """The hash a journal names a file's new bytes by."""
    return digests.digest(data)


@contextlib.contextmanager
def locked(root: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the checkout's lock; :class:`Busy` when another run (or another holder in this
    process) has it."""
    path = lock_path(os.path.realpath(root))
    fd = _acquire(path)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _acquire(path: str) -> int:
    for _ in range(10):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise Refused(f"{path}: cannot take the lock ({exc.strerror or exc}); nothing written") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                who = f" (pid {holder})" if holder else ""
                raise Busy(f"another fluxer-patch run is writing this checkout{who}, lock {path}; "
                           "nothing written (run again when it is done)") from None
            raise Refused(f"{path}: cannot take the lock ({exc.strerror or exc}); nothing written") from None
        # The holder before us may have removed the file after we opened it: lock the file
        # that is at the path now, or try again.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)
    raise Refused(f"{path}: cannot take the lock (it keeps changing); nothing written")


def _read_pid(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        text = os.pread(fd, 32, 0).decode("ascii").strip()
        if text.isdigit():
            return text
    return ""


# -- the journal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One target of a run: where it is (relative to the real root), its old bytes, a hash of
    its new bytes, and the name of the temporary file beside it."""

    path: str
    before: bytes
    after_digest: str
    temp: str
    scheme: str = "blake2b"  # the hash of after_digest ("sha256": a version 1 journal)


def write_journal(root: str, entries: list[Entry]) -> None:
    """Write the journal atomically and durably (before anything else is written)."""
    path = journal_path(root)
    data = _encode(entries).encode("ascii")
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _sync_dir(os.path.dirname(path))


def _encode(entries: list[Entry]) -> str:
    """The journal as ``json.dumps`` of its document would spell it."""
    files = ", ".join(
        f'{{"path": {_string(e.path)}, "before": {_string(e.before.decode("latin-1"))}, '
        f'"after_blake2b": {_string(e.after_digest)}, "temp": {_string(e.temp)}}}'
        for e in entries)
    return f'{{"version": {JOURNAL_VERSION}, "pid": {os.getpid()}, "files": [{files}]}}'


def remove_journal(root: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal_path(root))
    _sync_dir(os.path.dirname(journal_path(root)))


def read_journal(root: str) -> list[Entry] | None:
    """The entries of an interrupted run's journal, ``None`` when there is none."""
    path = journal_path(root)
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise JournalError(f"{path}: not a regular file; remove it by hand")
    import json

    try:
        with open(path, "rb") as stream:
            raw = json.loads(stream.read())
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        version = raw.get("version")
        if version == JOURNAL_VERSION:
            return [Entry(_text(f["path"]), _text(f["before"]).encode("latin-1"), _text(f["after_blake2b"]),
                          _text(f["temp"])) for f in raw["files"]]
        if version == 1:
            return [_entry_v1(f) for f in raw["files"]]
        raise ValueError("unknown version")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JournalError(f"{path}: unreadable journal of an interrupted run ({exc}); "
                           "check the files it names and remove it by hand") from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {type(value).__name__}")
    return value


def _entry_v1(f: dict[str, object]) -> Entry:
    import base64

    return Entry(_text(f["path"]), base64.b64decode(_text(f["before"]), validate=True), _text(f["after_sha256"]),
                 _text(f["temp"]), "sha256")


def holds_after(entry: Entry, data: bytes) -> bool:
    """Whether ``data`` are the new bytes the journal's hash names."""
    if entry.scheme == "sha256":  # a version 1 journal
        import hashlib

        return hashlib.sha256(data).hexdigest() == entry.after_digest
    return digest(data) == entry.after_digest


def _sync_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
