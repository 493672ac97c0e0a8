"""The line map of an edited text equals difflib's, on texts full of repeated lines."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

import pytest

from fluxer_patcher.syntax.document import Document
from fluxer_patcher.syntax.linemap import line_map, matching_blocks

FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"


def difflib_map(now: list[bytes], disk: list[bytes]) -> list[int]:
    """The map as it was written on difflib's opcodes (the reference)."""
    lines = [0] * len(now)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, now, disk, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            lines[k] = j1 + k - i1 if tag == "equal" else min(j1 + k - i1, max(j2 - 1, j1), len(disk) - 1)
    return lines


def edited(rng: random.Random, lines: list[str], alphabet: list[str]) -> list[str]:
    """``lines`` with a few insertions, deletions, replacements, moves or appends."""
    out = list(lines)
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(["insert", "delete", "replace", "append", "move", "duplicate"])
        at = rng.randint(0, len(out))
        size = rng.randint(1, 12)
        new = [rng.choice(alphabet) for _ in range(size)]
        if kind == "insert":
            out[at:at] = new
        elif kind == "delete":
            del out[at : at + size]
        elif kind == "replace":
            out[at : at + size] = new[: rng.randint(1, size)]
        elif kind == "append":
            out.extend(new)
        elif kind == "move" and out:
            part = out[at : at + size]
            del out[at : at + size]
            to = rng.randint(0, len(out))
            out[to:to] = part
        elif out:  # a stretch copied elsewhere: repeated blocks
            part = out[at : at + rng.randint(8, 40)]
            to = rng.randint(0, len(out))
            out[to:to] = part
    return out


def cases(seed: int, count: int) -> list[tuple[list[str], list[str]]]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        alphabet = [f"l{n}" for n in range(rng.choice([1, 2, 3, 5, 10, 40, 400]))] + ["", "}"]
        base = [rng.choice(alphabet) for _ in range(rng.randint(0, 400))]
        if rng.random() < 0.3:  # long repeated stretches: blocks tie in length
            base = base[:20] * rng.randint(1, 8) + base[20:]
        found.append((edited(rng, base, alphabet), base))
    return found


@pytest.mark.parametrize("seed", range(8))
def test_matching_blocks_are_difflibs(seed: int) -> None:
    for now, disk in cases(seed, 100):
        expected = [tuple(m) for m in difflib.SequenceMatcher(None, now, disk, autojunk=False).get_matching_blocks()]
        assert matching_blocks(now, disk) == expected
        assert line_map(now, disk) == difflib_map(now, disk)  # type: ignore[arg-type]


def test_ties_and_edges() -> None:
    for now, disk in [
        ([], []), ([], ["a"]), (["a"], []), (["a"], ["a"]), (["a", "b"], ["b", "a"]),
        (list("abcd" * 10), list("abcd" * 5 + "x" + "abcd" * 5)),
        (list("x" * 30), list("x" * 12 + "y" + "x" * 12)),
        (list("ab" * 20 + "c"), list("c" + "ab" * 20)),
    ]:
        expected = [tuple(m) for m in difflib.SequenceMatcher(None, now, disk, autojunk=False).get_matching_blocks()]
        assert matching_blocks(now, disk) == expected


@pytest.mark.parametrize("path", sorted(p for p in (FIXTURES / "refactor-2026-02").rglob("*") if p.is_file()
                                         and p.stat().st_size > 1000), ids=lambda p: p.name)
def test_locations_in_an_edited_real_file_are_difflibs(path: Path) -> None:
    disk = path.read_bytes()
    rng = random.Random(path.name)
    lines = disk.split(b"\n")
    for _ in range(20):
        now = [line.decode() for line in lines]
        changed = edited(rng, now, sorted(set(now))[:30])
        data = "\n".join(changed).encode()
        doc = Document("f.tsx", data, None, disk)
        if doc.disk is None:
            continue
        expected = difflib_map(data.split(b"\n"), lines)
        starts = [0, *(n + 1 for n in range(len(data)) if data[n : n + 1] == b"\n")]
        assert [doc.loc(start) for start in starts] == [f"f.tsx:{line + 1}:1" for line in expected]
