"""Words and colours the text and Markdown renderers share."""

from __future__ import annotations

import os
from typing import TextIO

from fluxer_patcher.model import Status

COLOURS = {
    Status.APPLIED: "green",
    Status.PENDING: "cyan",
    Status.ALREADY_APPLIED: "bright_black",
    Status.DRIFTED: "yellow",
    Status.ERROR: "red",
}
MARKS = {
    Status.APPLIED: "✅ applied",
    Status.PENDING: "🟦 pending",
    Status.ALREADY_APPLIED: "✔️ already-applied",
    Status.DRIFTED: "⚠️ drifted",
    Status.ERROR: "❌ error",
}


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def summary_line(count: int, summary: dict[str, int], one: str, many: str) -> str:
    counted = ", ".join(f"{n} {word}" for word, n in summary.items() if n)
    return f"{count} {one if count == 1 else many}: {counted or 'none selected'}"
