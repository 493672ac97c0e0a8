"""Does any file of a tree contain a text?  For the conditions that make a fix obsolete.

A git revision answers with ``git grep`` (one process, no blobs read in Python), a directory
on disk with :meth:`~fluxer_patcher.source.worktree.WorkTree.grep`; an in-memory tree is
scanned.  Overlays answer for the tree below them, with their staged text first, and note
what was searched as the fix's inputs (each directory searched, and each staged file looked at):
a drift walk then asks again wherever anything under them changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from fluxer_patcher.source.base import Source, whole_word
from fluxer_patcher.source.memory import MemoryTree
from fluxer_patcher.source.overlay import Overlay


def first_holding(source: Source, text: str, paths: Sequence[str] = ()) -> str | None:
    """A file under ``paths`` (the whole tree when empty) whose content holds ``text`` as a
    whole word (``FLUXER_CONFIG`` is not in ``__FLUXER_CONFIG__``)."""
    needle = whole_word(text)
    while isinstance(source, Overlay):
        source.note_search(paths)
        for path, data in source.staged().items():
            if _under(path, paths):
                source.note_read(path)  # its staged text is what was searched
                if needle.search(data):
                    return path
        source = source.base
    grep = getattr(source, "grep", None)
    if grep is not None:
        found = grep([text], [p.rstrip("/") for p in paths], word=True)
        return found[0] if found else None
    if isinstance(source, MemoryTree):
        return next((p for p, data in source.files.items() if _under(p, paths) and needle.search(data)), None)
    return None


def _under(path: str, prefixes: Sequence[str]) -> bool:
    return not prefixes or any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in prefixes)
