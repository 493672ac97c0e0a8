"""Raw tree objects parsed fast when every entry is plain.

A tree whose names are all plain ASCII (letters, digits, ``._+=,@-``; not ``.``, ``..``,
``.git`` in any case or with trailing dots, nor a symlink so named ``.gitmodules``) and
whose modes are git's own is parsed here by two regular expressions (its shape, its
entries); any other tree by :func:`~fluxer_patcher.git.runner.tree_entries`, which takes
every name as it is (the paths a fix asks for are checked by the sources before a tree is
walked for them: :func:`~fluxer_patcher.source.base.check_relative`).
"""

from __future__ import annotations

import re

from fluxer_patcher.git.runner import tree_entries

Entry = tuple[int, bytes]  # (mode, binary object id)

_MODES = {b"40000": 0o040000, b"100644": 0o100644, b"100755": 0o100755, b"120000": 0o120000, b"160000": 0o160000}
# One entry whose mode is git's own and whose name is plain, and a tree of nothing else.
_ENTRY = re.compile(rb"(40000|100644|100755|120000|160000) ([A-Za-z0-9._+=,@-]+)\0(.{20})", re.DOTALL)
_TREE = re.compile(rb"(?:(?:40000|100644|100755|120000|160000) [A-Za-z0-9._+=,@-]+\0.{20})*+", re.DOTALL)
_LINK = b"120000"


def entries(data: bytes) -> dict[str, Entry]:
    """``{name: (mode, id)}`` of a raw tree object, as ``ObjectCache`` keeps them."""
    found = _plain(data)
    if found is None:
        return {name: (mode, sha) for sha, mode, name in tree_entries(data)}
    return found


def _plain(data: bytes) -> dict[str, Entry] | None:
    if _TREE.fullmatch(data) is None:  # an entry that is not plain, or bytes that are no entry
        return None
    found: dict[str, Entry] = {}
    for mode, name, sha in _ENTRY.findall(data):  # each found where the one before ends
        if name[:1] == b".":
            bare = name.rstrip(b".").lower()  # as NTFS and HFS+ see it (no other character of theirs is plain)
            if name in (b".", b"..") or bare == b".git" or (mode == _LINK and bare == b".gitmodules"):
                return None
        found[name.decode("ascii")] = (_MODES[mode], sha)
    return found
