"""A persistent, content-addressed cache of tree runs (``check`` and ``apply`` on a checkout).

An entry is found by a **key** made of everything a run depends on besides the tree: this
tool's code (its files' sizes and times), the Python and the installed distributions (their
names carry the versions: tree-sitter and every grammar), the catalogue's bytes (manifests
and queries), the selection as a whole (every option of it, present and future) and the
checkout's real path.  The entry holds what the run asked the tree, with a digest of each
answer (:mod:`fluxer_patcher.source.recording`): it is used only when the tree gives every
answer again, so a changed byte, a file new at a path the run found absent, a directory
listing or a search with another outcome is a miss.  A hit replays the results exactly
(statuses, reasons, details, every file's bytes before and after).

Entries live in ``$FLUXER_PATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/fluxer-patch``, else
``~/.cache/fluxer-patch``; ``--no-cache`` or ``FLUXER_PATCH_NO_CACHE=1`` turns the cache off.
They are written atomically (temporary file + rename), carry a checksum (a truncated or
corrupt entry is a miss), are read only when owned by the user running, and are pruned to
the newest :data:`MAX_ENTRIES` / :data:`MAX_BYTES`.  A cache that cannot be read or written
never fails a run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fluxer_patcher.catalogue.manifest import Catalogue, Patch
from fluxer_patcher.files import read_regular
from fluxer_patcher.model import FileChange, Outcome, PatchResult, Reason, ReasonKind
from fluxer_patcher.source.recording import Question, digest, still_holds
from fluxer_patcher.source.worktree import WorkTree

FORMAT = b"fluxer-patch cache 2\n"
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
    """Where entries live; ``None`` when the cache is off (or there is no home to put it in)."""
    if not _enabled or os.environ.get(ENV_OFF, "") not in ("", "0"):
        return None
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    try:
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # relative: ignored (XDG spec)
    except RuntimeError:
        return None
    return base / "fluxer-patch"


# -- the key ------------------------------------------------------------------------------


@functools.cache  # once per process: the catalogue's key and the run's both hold it
def _code_signature() -> tuple[tuple[str, int, int], ...]:
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
def _distributions() -> tuple[tuple[str, int], ...]:
    """The installed distributions with their versions (``tree_sitter_yaml-0.7.2.dist-info``)
    and when each was installed, from the directories on ``sys.path`` (nothing imported, no
    metadata read): an upgrade or a reinstall is another key."""
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


def _catalogue_bytes(catalogue: Catalogue) -> tuple[tuple[str, str], ...]:
    """Every manifest and query of the catalogue, and every query file a fix names, by content."""
    files: set[str] = set()
    for folder in ("patches", "queries"):
        for dirpath, _dirs, names in os.walk(catalogue.root / folder):
            files.update(os.path.join(dirpath, n) for n in names)
    for patch in catalogue.patches:
        for step in patch.steps:
            files.update(str(p) for p in (step.query, step.present) if p is not None)
        for recogniser in patch.fixed_upstream:
            if recogniser.query is not None:
                files.add(str(recogniser.query))
    out = []
    for name in sorted(files):
        try:
            out.append((name, digest(read_regular(name))))
        except OSError as exc:
            out.append((name, f"!{exc.strerror}"))
    return tuple(out)


def run_key(root: Path, catalogue: Catalogue, selection: object) -> str:
    """The key of a tree run: everything it depends on besides what it asks the tree."""
    material = (
        FORMAT,
        sys.version,
        _code_signature(),
        _distributions(),
        _catalogue_bytes(catalogue),
        repr(selection),
        os.path.realpath(root),
    )
    return hashlib.blake2b(marshal.dumps(material), digest_size=24).hexdigest()


# -- entries ------------------------------------------------------------------------------


def _entries(folder: Path) -> Path:
    return folder / "runs"


def _pack(value: Any) -> bytes:
    payload = marshal.dumps(value)
    return FORMAT + hashlib.blake2b(payload, digest_size=32).digest() + payload


def _unpack(data: bytes) -> Any:
    """The entry's value, or ``None`` when it is truncated, corrupt or of another format."""
    head = len(FORMAT) + 32
    if len(data) < head or not data.startswith(FORMAT):
        return None
    payload = data[head:]
    if hashlib.blake2b(payload, digest_size=32).digest() != data[len(FORMAT):head]:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None


def _read_entry(path: Path) -> Any:
    data = _read_raw(path)
    return None if data is None else _unpack(data)


def _read_raw(path: Path) -> bytes | None:
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


def _write_entry(path: Path, value: Any, data: bytes | None = None) -> None:
    """Write atomically (a reader sees the old entry or the new one); errors are ignored."""
    data = _pack(value) if data is None else data
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
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
    prune(path.parent)


def prune(folder: Path, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
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


# -- the validated catalogue --------------------------------------------------------------


_CATALOGUE_FORMAT = b"fluxer-patch catalogue 1\n"


def catalogue_key(root: Path, default_bug: str) -> str:
    """The key of a catalogue's validated form: its files' bytes, this tool's code, the Python
    and the installed distributions (the registry it is validated against is code)."""
    files = []
    for folder in ("patches", "queries"):
        for dirpath, _dirs, names in os.walk(root / folder):
            for name in names:
                full = os.path.join(dirpath, name)
                try:
                    files.append((full, digest(read_regular(full))))  # a FIFO is never waited on
                except OSError as exc:
                    files.append((full, f"!{exc.strerror}"))
    material = (_CATALOGUE_FORMAT, sys.version, _code_signature(), _distributions(), tuple(sorted(files)),
                default_bug, os.path.realpath(root))
    return hashlib.blake2b(marshal.dumps(material), digest_size=24).hexdigest()


def load_validated(key: str) -> Catalogue | None:
    """The catalogue validated under ``key`` by an earlier run, if the cache holds it.

    Kept with :mod:`pickle` (the model is dataclasses), in a directory of the user's own
    (0700, entries 0600, read only when the user owns them), as Python keeps its bytecode."""
    folder = directory()
    if folder is None:
        return None
    data = _read_raw(folder / "catalogues" / key)
    if data is None or not data.startswith(_CATALOGUE_FORMAT):
        return None
    head = len(_CATALOGUE_FORMAT) + 32
    payload = data[head:]
    if len(data) < head or hashlib.blake2b(payload, digest_size=32).digest() != data[len(_CATALOGUE_FORMAT):head]:
        return None
    import pickle

    try:
        value = pickle.loads(payload)
    except Exception:  # any damage is a miss
        return None
    return value if isinstance(value, Catalogue) else None


def store_validated(key: str, catalogue: Catalogue) -> None:
    folder = directory()
    if folder is None:
        return
    import pickle

    payload = pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL)
    data = _CATALOGUE_FORMAT + hashlib.blake2b(payload, digest_size=32).digest() + payload
    _write_entry(folder / "catalogues" / key, None, data)


# -- results in and out -------------------------------------------------------------------


def _change_refs(changes: Sequence[FileChange], blobs: dict[str, bytes]) -> tuple[tuple[str, str, str], ...]:
    out = []
    for change in changes:
        refs = []
        for data in (change.before, change.after):
            ref = digest(data)
            blobs[ref] = data
            refs.append(ref)
        out.append((change.path, refs[0], refs[1]))
    return tuple(out)


def _changes(refs: Any, blobs: dict[str, bytes]) -> list[FileChange]:
    return [FileChange(path, blobs[before], blobs[after]) for path, before, after in refs]


def lookup(key: str, tree: WorkTree, patches: Sequence[Patch]) \
        -> tuple[list[PatchResult], list[FileChange], list[str]] | None:
    """The results, file changes and advice lines of the run keyed ``key``, when ``tree`` still
    gives every answer that run was given; ``None`` otherwise (or when the cache is off or unreadable)."""
    folder = directory()
    if folder is None:
        return None
    entry = _read_entry(_entries(folder) / key)
    try:
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        if [r[0] for r in entry["results"]] != [p.id for p in patches]:
            return None
        if not still_holds(tree, entry["answers"]):
            return None
        blobs = entry["blobs"]
        results = [
            PatchResult(patch, Outcome(outcome), Reason(ReasonKind(kind), text), _changes(refs, blobs), list(details))
            for patch, (_id, outcome, kind, text, refs, details) in zip(patches, entry["results"], strict=True)
        ]
        return results, _changes(entry["changes"], blobs), [str(line) for line in entry["advice"]]
    except (KeyError, TypeError, ValueError):  # an entry of another shape: a miss
        return None


def store(key: str, answers: dict[Question, str], patches: Sequence[Patch], results: Sequence[PatchResult],
          changes: Sequence[FileChange], advice: Sequence[str]) -> None:
    """Keep a run's results under ``key``, with the answers they were computed from."""
    folder = directory()
    if folder is None or [r.patch for r in results] != list(patches):
        return
    blobs: dict[str, bytes] = {}
    entry = {
        "key": key,
        "answers": tuple(answers.items()),
        "results": tuple(
            (r.patch.id, r.outcome.value, r.reason.kind.value, r.reason.text, _change_refs(r.changes, blobs),
             tuple(r.details))
            for r in results
        ),
        "changes": _change_refs(changes, blobs),
        "advice": tuple(advice),
        "blobs": blobs,
    }
    _write_entry(_entries(folder) / key, entry)
