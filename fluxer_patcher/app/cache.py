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

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fluxer_patcher.app.cachefiles import (
    ENV_DIR,
    ENV_OFF,
    MAX_BYTES,
    MAX_ENTRIES,
    blake2b,
    code_signature,
    configure,
    data_directory,
    directory,
    distributions,
    file_digests,
    key_of,
    pack,
    prune,
    read_raw,
    unpack,
    write_entry,
)
from fluxer_patcher.catalogue.manifest import Catalogue, Patch
from fluxer_patcher.digests import digest
from fluxer_patcher.model import FileChange, Outcome, PatchResult, Reason, ReasonKind
from fluxer_patcher.source.recording import Question, still_holds
from fluxer_patcher.source.worktree import WorkTree

__all__ = ["ENV_DIR", "ENV_OFF", "MAX_BYTES", "MAX_ENTRIES", "configure", "data_directory", "directory", "prune"]

FORMAT = b"fluxer-patch cache 2\n"


# -- the key ------------------------------------------------------------------------------


def catalogue_files(catalogue: Catalogue) -> tuple[list[str], set[str]]:
    """What a catalogue is read from: its ``patches`` and ``queries`` folders, and every query
    file a fix names (which may lie elsewhere)."""
    files: set[str] = set()
    for patch in catalogue.patches:
        for step in patch.steps:
            files.update(str(p) for p in (step.query, step.present) if p is not None)
        for recogniser in patch.fixed_upstream:
            if recogniser.query is not None:
                files.add(str(recogniser.query))
    return [str(catalogue.root / folder) for folder in ("patches", "queries")], files


def catalogue_bytes(catalogue: Catalogue) -> tuple[tuple[str, str], ...]:
    """Every manifest and query of the catalogue, and every query file a fix names, by content."""
    return file_digests(*catalogue_files(catalogue))


def run_key(root: Path, catalogue: Catalogue, selection: object,
            digests: tuple[tuple[str, str], ...] | None = None) -> str:
    """The key of a tree run: everything it depends on besides what it asks the tree
    (``digests``: the catalogue's :func:`catalogue_bytes`, when the caller has them)."""
    material = (
        FORMAT,
        sys.version,
        code_signature(),
        distributions(),
        catalogue_bytes(catalogue) if digests is None else digests,
        repr(selection),
        os.path.realpath(root),
    )
    return key_of(material)


# -- entries ------------------------------------------------------------------------------


def _entries(folder: Path) -> Path:
    return folder / "runs"


def _pack(value: Any) -> bytes:
    return pack(value, FORMAT)


def _read_entry(path: Path) -> Any:
    data = read_raw(path)
    return None if data is None else unpack(data, FORMAT)


def _write_entry(path: Path, value: Any) -> None:
    write_entry(path, _pack(value))


# -- the validated catalogue --------------------------------------------------------------


_CATALOGUE_FORMAT = b"fluxer-patch catalogue 1\n"


def catalogue_key(root: Path, default_bug: str) -> str:
    """The key of a catalogue's validated form: its files' bytes, this tool's code, the Python
    and the installed distributions (the registry it is validated against is code)."""
    files = file_digests([str(root / folder) for folder in ("patches", "queries")], set())
    material = (_CATALOGUE_FORMAT, sys.version, code_signature(), distributions(), files,
                default_bug, os.path.realpath(root))
    return key_of(material)


def load_validated(key: str) -> Catalogue | None:
    """The catalogue validated under ``key`` by an earlier run, if the cache holds it.

    Kept with :mod:`pickle` (the model is dataclasses), in a directory of the user's own
    (0700, entries 0600, read only when the user owns them), as Python keeps its bytecode."""
    folder = data_directory()
    if folder is None:
        return None
    data = read_raw(folder / "catalogues" / key)
    if data is None or not data.startswith(_CATALOGUE_FORMAT):
        return None
    head = len(_CATALOGUE_FORMAT) + 32
    payload = data[head:]
    if len(data) < head or blake2b(payload, digest_size=32).digest() != data[len(_CATALOGUE_FORMAT):head]:
        return None
    import pickle

    try:
        value = pickle.loads(payload)
    except Exception:  # any damage is a miss
        return None
    return value if isinstance(value, Catalogue) else None


def store_validated(key: str, catalogue: Catalogue) -> None:
    folder = data_directory()
    if folder is None:
        return
    import pickle

    payload = pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL)
    write_entry(folder / "catalogues" / key, _CATALOGUE_FORMAT + blake2b(payload, digest_size=32).digest() + payload)


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
        -> tuple[list[PatchResult], list[FileChange], list[str], tuple[tuple[Question, str], ...]] | None:
    """The results, file changes and advice lines of the run keyed ``key``, and the answers
    they were computed from, when ``tree`` still gives every one of them; ``None`` otherwise
    (or when the cache is off or unreadable)."""
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
        answers = tuple(entry["answers"])
        return results, _changes(entry["changes"], blobs), [str(line) for line in entry["advice"]], answers
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
