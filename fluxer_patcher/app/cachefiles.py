"""Cache entries on disk, with nothing of the package imported: where they live, how they
are packed (a format line, a checksum, :mod:`marshal`), written atomically, read only when
the user owns them, and pruned; and the signature of this tool (its code, the Python and
the installed distributions) that every key holds.

:mod:`fluxer_patcher.app.cache` (results of tree runs) and :mod:`fluxer_patcher.app.replay`
(whole invocations, consulted before the command line is even imported) keep their entries
through it; it stays cheap to import for the second's sake.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import sys
import time

from fluxer_patcher.digests import blake2b as blake2b  # the key's and the checksums' hash
from fluxer_patcher.digests import digest
from fluxer_patcher.files import read_regular

TYPE_CHECKING = False  # typing's, without importing typing: a replay starts with this module
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

ENV_OFF = "FLUXER_PATCH_NO_CACHE"
ENV_DIR = "FLUXER_PATCH_CACHE_DIR"
MAX_ENTRIES = 200
MAX_BYTES = 64 << 20
_STALE_TEMP = 3600.0  # seconds after which a temporary file is a crashed writer's

_enabled = True


def configure(enabled: bool) -> None:
    """Turn the cache on or off for this process (``--no-cache``)."""
    global _enabled
    _enabled = enabled


def directory() -> Path | None:
    """Where results and replays live; ``None`` when the cache is off (``--no-cache``,
    :data:`ENV_OFF`) or there is no home to put it in."""
    return _as_path(folder())


def folder() -> str | None:
    """:func:`directory` as a string, without importing :mod:`pathlib` (a replay asks it first)."""
    if not _enabled or os.environ.get(ENV_OFF, "") not in ("", "0"):
        return None
    return _data_folder()


def data_directory() -> Path | None:
    """Where this tool keeps what it derives from its own data alone (the validated
    catalogue, keyed by the catalogue's bytes and this code, as Python keeps bytecode): there
    even with the cache off, which concerns results about trees; ``None`` without a home."""
    return _as_path(_data_folder())


def _as_path(found: str | None) -> Path | None:
    if found is None:
        return None
    from pathlib import Path  # (not before a replay starts git: see folder)

    return Path(found)


def _data_folder() -> str | None:
    env = os.environ.get(ENV_DIR)
    if env:
        return env
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "fluxer-patch")
    home = os.path.expanduser("~")  # as Path.home(): $HOME, else the password database
    if home == "~" or not os.path.isabs(home):
        return None  # no home to put it in
    return os.path.join(home, ".cache", "fluxer-patch")


# -- the key ------------------------------------------------------------------------------


@functools.cache  # once per process: the catalogue's key and the run's both hold it
def code_signature() -> tuple[tuple[str, int, int], ...]:
    """This tool's code (and data) as it is now: every file's path, size and modification time."""
    out: list[tuple[str, int, int]] = []

    def scan(folder: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        scan(entry.path)
                else:
                    st = entry.stat()
                    out.append((entry.path, st.st_size, st.st_mtime_ns))

    scan(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return tuple(sorted(out))


@functools.cache
def distributions() -> tuple[tuple[str, int], ...]:
    """The installed distributions with their versions (``tree_sitter_yaml-0.7.2.dist-info``)
    and when each was installed, from the directories on ``sys.path`` (nothing imported, no
    metadata read): an upgrade or a reinstall is another key.  (Not the directories' own
    times: one on ``PYTHONPATH`` may be a checkout the run itself writes to.)"""
    found: list[tuple[str, int]] = []
    # sys.path[0] is the script's directory or the current one (``python -m``): not where
    # distributions are installed, and it would make the key depend on how the tool was started.
    for folder in sys.path if sys.flags.safe_path else sys.path[1:]:
        if not folder or not os.path.isdir(folder):
            continue
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith((".dist-info", ".egg-info")):
                    with contextlib.suppress(OSError):
                        found.append((entry.path, entry.stat().st_mtime_ns))
    return tuple(sorted(found))


def in_code(path: str) -> bool:
    """Whether ``path`` is among the files :func:`code_signature` covers, as the bundled
    catalogue is (compared as real paths: the signature's walk does not follow symlinks)."""
    real = os.path.realpath(path)
    return real.startswith(_code_top() + os.sep) and f"{os.sep}__pycache__{os.sep}" not in real


@functools.cache
def _code_top() -> str:
    return os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# -- entries ------------------------------------------------------------------------------


def key_of(material: Any) -> str:
    """A key made of ``material`` (tuples of strings, bytes and numbers).  Marshal format 2
    writes no back-references, so equal material always gives the same bytes (format 3 and
    later share repeated objects by identity: the same value could give another key)."""
    return blake2b(marshal.dumps(material, 2), digest_size=24).hexdigest()


def file_digests(folders: list[str], files: set[str]) -> tuple[tuple[str, str], ...]:
    """Every file under ``folders`` and every one of ``files``, sorted, each with a digest of
    its bytes (or why it cannot be read)."""
    names = set(files)
    for folder in folders:
        for dirpath, _dirs, found in os.walk(folder):
            names.update(os.path.join(dirpath, n) for n in found)
    out = []
    for name in sorted(names):
        try:
            out.append((name, digest(read_regular(name))))  # a FIFO is never waited on
        except OSError as exc:
            out.append((name, f"!{exc.strerror}"))
    return tuple(out)


def pack(value: Any, fmt: bytes) -> bytes:
    payload = marshal.dumps(value)
    return fmt + blake2b(payload, digest_size=32).digest() + payload


def unpack(data: bytes, fmt: bytes) -> Any:
    """The entry's value, or ``None`` when it is truncated, corrupt or of another format."""
    head = len(fmt) + 32
    if len(data) < head or not data.startswith(fmt):
        return None
    payload = data[head:]
    if blake2b(payload, digest_size=32).digest() != data[len(fmt):head]:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None


def read_raw(path: str | os.PathLike[str]) -> bytes | None:
    """An entry's bytes, when this user owns it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if st.st_uid != os.getuid():  # only entries this user wrote are trusted
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return b"".join(chunks)


def write_entry(path: str | os.PathLike[str], data: bytes) -> None:
    """Write atomically (a reader sees the old entry or the new one); errors are ignored."""
    folder, name = os.path.split(os.fspath(path))
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        temp = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        try:
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError:
        return
    prune(folder)


def prune(folder: str | os.PathLike[str], max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
    """Remove the least recently used entries beyond ``max_entries`` or ``max_bytes``, and
    temporary files left by writers that died."""
    now = time.time()
    found: list[tuple[float, int, str]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    if entry.name.startswith("."):
                        if now - st.st_mtime > _STALE_TEMP:
                            os.unlink(entry.path)
                        continue
                    found.append((st.st_mtime, st.st_size, entry.path))
    except OSError:
        return
    found.sort(reverse=True)
    total = 0
    for count, (_mtime, size, name) in enumerate(found):
        total += size
        if count >= max_entries or total > max_bytes:
            with contextlib.suppress(OSError):
                os.unlink(name)
