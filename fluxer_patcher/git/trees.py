"""Raw tree objects parsed fast when every entry is plain.

A tree whose names are all plain ASCII (letters, digits, ``._+=,@-``; not ``.``, ``..``,
``.git`` in any case or with trailing dots, nor a symlink so named ``.gitmodules``) and
whose modes are git's own is parsed here with one regular expression a name; any other tree
by :func:`~fluxer_patcher.git.runner.tree_entries`, which takes every name as it is (the
paths a fix asks for are checked by the sources before a tree is walked for them:
:func:`~fluxer_patcher.source.base.check_relative`).
"""

from __future__ import annotations

import re

from fluxer_patcher.git.runner import tree_entries

Entry = tuple[int, bytes]  # (mode, binary object id)

_PLAIN = re.compile(rb"[A-Za-z0-9._+=,@-]+")
_MODES = {b"40000": 0o040000, b"100644": 0o100644, b"100755": 0o100755, b"120000": 0o120000, b"160000": 0o160000}
_LINK = 0o120000


def entries(data: bytes) -> dict[str, Entry]:
    """``{name: (mode, id)}`` of a raw tree object, as ``ObjectCache`` keeps them."""
    found = _plain(data)
    if found is None:
        return {name: (mode, sha) for sha, mode, name in tree_entries(data)}
    return found


def _plain(data: bytes) -> dict[str, Entry] | None:
    found: dict[str, Entry] = {}
    at, end = 0, len(data)
    plain, modes = _PLAIN.fullmatch, _MODES.get
    while at < end:
        space = data.find(b" ", at)
        nul = data.find(b"\0", space + 1)
        if space < 0 or nul < 0 or nul + 21 > end:
            return None
        mode = modes(data[at:space])
        name = data[space + 1 : nul]
        if mode is None or plain(name) is None or name in (b".", b".."):
            return None
        bare = name.rstrip(b".").lower()  # as NTFS and HFS+ see it (no other character of theirs is plain)
        if bare == b".git" or (mode == _LINK and bare == b".gitmodules"):
            return None
        found[name.decode("ascii")] = (mode, data[nul + 1 : nul + 21])
        at = nul + 21
    return found
