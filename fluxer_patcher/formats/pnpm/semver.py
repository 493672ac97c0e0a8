"""npm versions (SemVer 2.0.0) and the lowest version a range admits.

A small model instead of a dependency: ``packaging`` speaks PEP 440, whose pre-release and
local-version rules are not npm's.  Only what deciding "is the dependency at least X" needs.
"""

from __future__ import annotations

import re
from functools import total_ordering

from fluxer_patcher.record import dataclass

_VERSION = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$"
)
# One comparator of a range: an operator (none, =, ^, ~, >=, >, <=, <) and a partial version (1, 1.19, 1.19.x).
_COMPARATOR = re.compile(r"^(\^|~>?|>=|<=|>|<|=)?\s*v?((?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2})(-[0-9A-Za-z.-]+)?$")


@total_ordering
@dataclass(frozen=True)
class Version:
    """A SemVer version; ordered by SemVer precedence (build metadata ignored)."""

    major: int
    minor: int
    patch: int
    pre: tuple[int | str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version:
        """``1.19.11``, ``v2.0.0-rc.1``, ``1.0.0+build``; ``ValueError`` for anything else."""
        m = _VERSION.match(text.strip())
        if m is None:
            raise ValueError(f"not a version: {text!r}")
        pre = tuple(int(p) if p.isdigit() else p for p in m.group(4).split(".")) if m.group(4) else ()
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre)

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        # A release sorts after its pre-releases; numeric identifiers before alphanumeric ones.
        pre = tuple((0, p) if isinstance(p, int) else (1, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        pre = "-" + ".".join(str(p) for p in self.pre) if self.pre else ""
        return f"{self.major}.{self.minor}.{self.patch}{pre}"


def range_floor(spec: str) -> Version | None:
    """The lowest version the npm range ``spec`` admits (``^1.19.11``, ``~1.19``, ``>=1.2 <2``,
    ``1.x || 2.0.0``); ``0.0.0`` when it has no lower bound; ``None`` when ``spec`` is not a
    version range (``workspace:*``, ``catalog:``, a URL, a tag such as ``latest``)."""
    floors = []
    for alternative in spec.split("||"):
        floor = _set_floor(alternative.strip())
        if floor is None:
            return None
        floors.append(floor)
    return min(floors) if floors else None


def _set_floor(comparators: str) -> Version | None:
    if comparators in ("", "*", "x", "X"):
        return Version(0, 0, 0)
    hyphen = re.fullmatch(r"(\S+)\s+-\s+\S+", comparators)
    if hyphen:
        comparators = ">=" + hyphen.group(1)
    floor = Version(0, 0, 0)
    for part in re.sub(r"(\^|~>?|>=|<=|>|<|=)\s+", r"\1", comparators).split():
        m = _COMPARATOR.match(part)
        if m is None:
            return None
        op, numbers, pre = m.group(1) or "", m.group(2).split("."), m.group(3)
        if op in ("<", "<="):
            continue
        fixed = [int(n) for n in numbers if n not in ("x", "X", "*")][: len(numbers)]
        wild = len(fixed) < 3
        parts = [*fixed, 0, 0, 0][:3]
        low = Version(parts[0], parts[1], parts[2], Version.parse("0.0.0" + pre).pre if pre and not wild else ())
        if op == ">" and wild:  # >1.19 admits 1.20.0 and up
            bumped = [*fixed[:-1], fixed[-1] + 1] if fixed else [0]
            parts = [*bumped, 0, 0, 0][:3]
            low = Version(parts[0], parts[1], parts[2])
        elif op == ">":  # >1.19.10: the next patch (pre-releases of it aside)
            low = Version(low.major, low.minor, low.patch + 1) if not low.pre else low
        floor = max(floor, low)
    return floor
