"""A ``sed`` command's scripts, files and flags, as GNU sed reads its arguments."""

from __future__ import annotations

from collections.abc import Sequence

from fluxer_patcher.record import dataclass


@dataclass(frozen=True)
class SedCall:
    scripts: tuple[str, ...]  # one command a line (``-e`` scripts and newline-separated ones)
    files: tuple[str, ...]
    in_place: bool  # ``-i`` / ``--in-place``
    extended: bool  # ``-E`` / ``-r``: ERE instead of BRE


def parse(args: Sequence[str]) -> SedCall:
    """The arguments of ``sed`` (without the command name)."""
    scripts: list[str] = []
    files: list[str] = []
    in_place = extended = False
    rest = iter(args)
    for word in rest:
        if word in ("-e", "--expression"):
            scripts.append(next(rest, ""))
        elif word.startswith("--expression="):
            scripts.append(word.split("=", 1)[1])
        elif word.startswith(("-i", "--in-place")):
            in_place = True
        elif word in ("-E", "-r", "--regexp-extended"):
            extended = True
        elif word.startswith("-") and len(word) > 1:
            in_place = in_place or "i" in word[1:]
            extended = extended or "E" in word[1:] or "r" in word[1:]
            if word.endswith("e"):
                scripts.append(next(rest, ""))
        elif not scripts:
            scripts.append(word)
        else:
            files.append(word)
    lines = tuple(line for script in scripts for line in script.split("\n") if line.strip())
    return SedCall(lines, tuple(files), in_place, extended)
