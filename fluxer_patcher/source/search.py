"""Does any file of a tree contain a text?  For the conditions that make a fix obsolete.

A git revision answers with ``git grep`` (one process, no blobs read in Python); a directory
on disk is walked (``.git`` and ``node_modules`` left out), stopping at the first file that
holds the text; an in-memory tree is scanned.  Overlays answer for the tree below them,
with their staged text first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from fluxer_patcher.source.base import Source, SourceError
from fluxer_patcher.source.memory import MemoryTree
from fluxer_patcher.source.overlay import Overlay
from fluxer_patcher.source.worktree import WorkTree

_SKIP = frozenset({".git", "node_modules"})
_MAX_BYTES = 4 << 20  # larger files are data, not code


def first_holding(source: Source, text: str, paths: Sequence[str] = ()) -> str | None:
    """A file under ``paths`` (the whole tree when empty) whose content holds ``text`` as a
    whole word (``FLUXER_CONFIG`` is not in ``__FLUXER_CONFIG__``)."""
    needle = re.compile(rb"(?<![\w])" + re.escape(text.encode("utf-8")) + rb"(?![\w])")
    while isinstance(source, Overlay):
        for path, data in source.staged().items():
            if _under(path, paths) and needle.search(data):
                return path
        source = source.base
    grep = getattr(source, "grep", None)
    if grep is not None:
        found = grep([text], [p.rstrip("/") for p in paths], word=True)
        return found[0] if found else None
    if isinstance(source, WorkTree):
        return _walk(source, needle, paths)
    if isinstance(source, MemoryTree):
        return next((p for p, data in source.files.items() if _under(p, paths) and needle.search(data)), None)
    return None


def _under(path: str, prefixes: Sequence[str]) -> bool:
    return not prefixes or any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def _walk(tree: WorkTree, needle: re.Pattern[bytes], paths: Sequence[str]) -> str | None:
    for start in paths or ("",):
        try:
            top = tree.resolve(start) if start else tree.root
        except SourceError:
            continue
        if top.is_file():
            if _holds(top, needle):
                return start
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP)
            for name in sorted(files):
                full = os.path.join(folder, name)
                if _holds(full, needle):
                    return os.path.relpath(full, tree.root).replace(os.sep, "/")
    return None


def _holds(path: str | os.PathLike[str], needle: re.Pattern[bytes]) -> bool:
    try:
        if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) > _MAX_BYTES:
            return False
        with open(path, "rb") as handle:
            return needle.search(handle.read()) is not None
    except OSError:
        return False
