"""The matching blocks of two line lists exactly as ``difflib`` finds them, found faster.

``difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()`` splits the
ranges at their longest matching block (the earliest in ``a``, then in ``b``, of the longest)
again and again; finding that block visits every pair of equal lines of the range, which is
slow on files with many repeated lines (blank lines, ``}``).  Here the longest block of a range
is looked for only among blocks at least as long as the range's common prefix or suffix: each
such block holds a whole window of ``a`` that starts at a multiple of half that length, and a
window is looked up in ``b`` by its rarest line.  Ranges with a short prefix and suffix take
difflib's own search.  The blocks, and so the line map built from them, are difflib's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence

Block = tuple[int, int, int]  # (i, j, size): a[i:i+size] == b[j:j+size]

_SAMPLED = 8  # shortest prefix or suffix of a range for which windows are looked up


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Block]:
    """``SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()``, as tuples."""
    ids: dict[Hashable, int] = {}
    ai = [ids.setdefault(x, len(ids)) for x in a]
    bi = [ids.setdefault(x, len(ids)) for x in b]
    return _Matcher(ai, bi).blocks()


class _Matcher:
    def __init__(self, a: list[int], b: list[int]) -> None:
        self.a, self.b = a, b
        self.where: dict[int, list[int]] = {}  # line -> its positions in b, ascending
        for j, line in enumerate(b):
            self.where.setdefault(line, []).append(j)
        counts = {line: len(js) for line, js in self.where.items()}
        self.rarity = [counts.get(line, 0) for line in a]  # per line of a: how often b has it

    def blocks(self) -> list[Block]:
        la, lb = len(self.a), len(self.b)
        queue = [(0, la, 0, lb)]
        found: list[Block] = []
        while queue:
            alo, ahi, blo, bhi = queue.pop()
            i, j, k = block = self.longest(alo, ahi, blo, bhi)
            if k:
                found.append(block)
                if alo < i and blo < j:
                    queue.append((alo, i, blo, j))
                if i + k < ahi and j + k < bhi:
                    queue.append((i + k, ahi, j + k, bhi))
        found.sort()
        merged: list[Block] = []
        i1 = j1 = k1 = 0
        for i2, j2, k2 in found:
            if i1 + k1 == i2 and j1 + k1 == j2:
                k1 += k2
            else:
                if k1:
                    merged.append((i1, j1, k1))
                i1, j1, k1 = i2, j2, k2
        if k1:
            merged.append((i1, j1, k1))
        merged.append((la, lb, 0))
        return merged

    def longest(self, alo: int, ahi: int, blo: int, bhi: int) -> Block:
        """The longest block of ``a[alo:ahi]`` and ``b[blo:bhi]``: of those, the one starting
        earliest in ``a``, then in ``b``; ``(alo, blo, 0)`` when none."""
        a, b = self.a, self.b
        span = min(ahi - alo, bhi - blo)
        if span <= 0:
            return (alo, blo, 0)
        prefix = _forward(a, alo, b, blo, span)
        if prefix == span:
            return (alo, blo, prefix)
        suffix = _backward(a, ahi, b, bhi, span)
        if max(prefix, suffix) < _SAMPLED:
            return self._scan(alo, ahi, blo, bhi)
        if prefix >= suffix:  # nothing earlier in a: only a longer block wins
            best, least = (alo, blo, prefix), prefix + 1
        else:
            best, least = (ahi - suffix, bhi - suffix, suffix), suffix
        width = (least + 1) // 2  # a block of `least` lines holds a whole window
        reach: dict[int, int] = {}  # per diagonal j - i: where the last block found on it ends
        rarity, where = self.rarity, self.where
        for start in range(alo, ahi - width + 1, width):
            anchor = min(range(start, start + width), key=rarity.__getitem__)
            if not rarity[anchor]:
                continue  # a line b lacks: no block holds this window
            offset = anchor - start
            positions = where[a[anchor]]
            window = a[start : start + width]
            for at in range(bisect_left(positions, blo + offset), len(positions)):
                j = positions[at] - offset
                if j + width > bhi:
                    break
                if reach.get(j - start, -1) > start or b[j : j + width] != window:
                    continue
                back = _backward(a, start, b, j, min(start - alo, j - blo))
                ahead = _forward(a, start + width, b, j + width, min(ahi - start, bhi - j) - width)
                i0, j0, size = start - back, j - back, back + width + ahead
                reach[j - start] = i0 + size
                if size > best[2] or (size == best[2] and (i0, j0) < best[:2]):
                    best = (i0, j0, size)
        return best

    def _scan(self, alo: int, ahi: int, blo: int, bhi: int) -> Block:
        """difflib's own search: the runs of equal lines ending at each line of ``a``."""
        a, where = self.a, self.where
        besti, bestj, bestsize = alo, blo, 0
        runs: dict[int, int] = {}
        for i in range(alo, ahi):
            positions = where.get(a[i])
            fresh: dict[int, int] = {}
            if positions:
                for at in range(bisect_left(positions, blo), len(positions)):
                    j = positions[at]
                    if j >= bhi:
                        break
                    k = fresh[j] = runs.get(j - 1, 0) + 1
                    if k > bestsize:
                        besti, bestj, bestsize = i - k + 1, j - k + 1, k
            runs = fresh
        return (besti, bestj, bestsize)


def _forward(a: list[int], i: int, b: list[int], j: int, limit: int) -> int:
    """The largest ``n <= limit`` with ``a[i:i+n] == b[j:j+n]``."""
    lo, step = 0, 16
    while lo < limit:
        hi = min(limit, lo + step)
        if a[i + lo : i + hi] == b[j + lo : j + hi]:
            lo, step = hi, step * 2
            continue
        while hi - lo > 1:  # the first difference is in [lo, hi)
            mid = (lo + hi) // 2
            if a[i + lo : i + mid] == b[j + lo : j + mid]:
                lo = mid
            else:
                hi = mid
        return lo
    return lo


def _backward(a: list[int], i: int, b: list[int], j: int, limit: int) -> int:
    """The largest ``n <= limit`` with ``a[i-n:i] == b[j-n:j]``."""
    lo, step = 0, 16
    while lo < limit:
        hi = min(limit, lo + step)
        if a[i - hi : i - lo] == b[j - hi : j - lo]:
            lo, step = hi, step * 2
            continue
        while hi - lo > 1:  # the first difference from the end is in [lo, hi)
            mid = (lo + hi) // 2
            if a[i - mid : i - lo] == b[j - mid : j - lo]:
                lo = mid
            else:
                hi = mid
        return lo
    return lo


def line_map(now: Sequence[Hashable], disk: Sequence[Hashable]) -> list[int]:
    """For each line of ``now`` (0-based), the line of ``disk`` it stands for: the same line
    inside a matching block, the line of the text it replaced (or the last line before the
    next block, or the last line) where not; as difflib's opcodes place them."""
    lines = [0] * len(now)
    last = len(disk) - 1
    i = j = 0
    for ai, bj, size in matching_blocks(now, disk):
        for k in range(i, ai):  # a line that is not in disk: 'replace' or 'delete'
            lines[k] = min(j + k - i, max(bj - 1, j), last)
        lines[ai : ai + size] = range(bj, bj + size)
        i, j = ai + size, bj + size
    return lines
