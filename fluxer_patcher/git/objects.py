"""Trees and blobs of one repository by object id, parsed once (objects never change)."""

from __future__ import annotations

from fluxer_patcher.git.repo import Repository
from fluxer_patcher.git.runner import tree_entries

Entry = tuple[int, bytes]  # (mode, binary object id)


class NotACommit(ValueError):
    """The object is not a commit."""


class ObjectCache:
    """Parsed tree objects of one repository, by object id (safe to share: trees never change)."""

    LIMIT = 50_000  # trees kept before the cache starts over

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._trees: dict[bytes, dict[str, Entry]] = {}

    def tree(self, binsha: bytes) -> dict[str, Entry]:
        cached = self._trees.get(binsha)
        if cached is not None:
            return cached
        _kind, data = self.repo.read(binsha)
        entries = {name: (mode, sha) for sha, mode, name in tree_entries(data)}
        if len(self._trees) >= self.LIMIT:
            self._trees.clear()
        self._trees[binsha] = entries
        return entries

    def listed(self, entries: dict[str, Entry]) -> None:
        """A directory's entries were listed (its subdirectories are often looked in next):
        a cache that reads ahead may read their trees now.  This one reads as asked."""

    def blob(self, binsha: bytes) -> bytes:
        return self.repo.read(binsha)[1]

    def commit_tree(self, binsha: bytes) -> bytes:
        """The root tree id of a commit object; :class:`NotACommit` for any other object."""
        kind, header = self.repo.read(binsha)
        if kind != "commit" or not header.startswith(b"tree "):
            raise NotACommit(binsha.hex())
        return bytes.fromhex(header[5:45].decode("ascii"))
