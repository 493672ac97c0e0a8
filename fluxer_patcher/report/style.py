"""Words and colours the text and Markdown renderers share."""

from __future__ import annotations

import os
from typing import TextIO

from fluxer_patcher.model import Status

COLOURS = {
    Status.APPLIED: "green",
    Status.PENDING: "cyan",
    Status.ALREADY_APPLIED: "bright_black",
    Status.FIXED_UPSTREAM: "magenta",
    Status.OBSOLETE: "bright_black",
    Status.DRIFTED: "yellow",
    Status.ERROR: "red",
}
MARKS = {
    Status.APPLIED: "✅ applied",
    Status.PENDING: "🟦 pending",
    Status.ALREADY_APPLIED: "✔️ already-applied",
    Status.FIXED_UPSTREAM: "♻️ fixed-upstream",
    Status.OBSOLETE: "🗑️ obsolete",
    Status.DRIFTED: "⚠️ drifted",
    Status.ERROR: "❌ error",
}


# Statuses that say a patch can be dropped: upstream fixed it, or what it fixes is gone.
RETIRED = (Status.FIXED_UPSTREAM, Status.OBSOLETE)


def retire_advice(status: Status) -> str:
    if status is Status.FIXED_UPSTREAM:
        return "upstream has this fix in its own form: retire this patch"
    return "what this patch fixes is gone upstream: retire this patch"


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def summary_line(count: int, summary: dict[str, int], one: str, many: str) -> str:
    counted = ", ".join(f"{n} {word}" for word, n in summary.items() if n)
    return f"{count} {one if count == 1 else many}: {counted or 'none selected'}"
