"""Reading files the tool is given: regular files only, never blocking on a FIFO or a device.

Imports nothing of the package: every layer may read through it.
"""

from __future__ import annotations

import errno
import os
import stat


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse(path: str | os.PathLike[str], mode: int) -> OSError:
    if stat.S_ISDIR(mode):
        return IsADirectoryError(errno.EISDIR, "is a directory, expected a file", os.fspath(path))
    kind = _kind(mode)
    why = kind if kind.startswith("not") else f"is {kind}, not a regular file"
    return OSError(errno.EINVAL, why, os.fspath(path))


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed); an :class:`OSError`
    whose ``strerror`` says what it is for anything else (a FIFO, a device, a directory)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, st.st_mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)  # what was opened, not what was checked
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(path, st.st_mode)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_regular_text(path: str | os.PathLike[str]) -> str:
    return read_regular(path).decode("utf-8")
