"""Words and colours the text and Markdown renderers share, and how much a text report says.

:class:`Output` is what ``--quiet``/``--verbose`` and ``--color`` chose for the current
command (kept in click's context by the CLI; the default outside one).  Colour follows the
usual conventions: ``--color always|never`` wins; with ``auto``, a non-empty ``NO_COLOR``
turns it off, a non-empty ``FORCE_COLOR`` on, ``TERM=dumb`` off, else only on a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

from fluxer_patcher.model import Status
from fluxer_patcher.record import dataclass

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
QUIET, NORMAL, VERBOSE = -1, 0, 1
COLOR_MODES = ("auto", "always", "never")
_META_KEY = "fluxer_patch.output"


# Statuses that say a patch can be dropped: upstream fixed it, or what it fixes is gone.
RETIRED = (Status.FIXED_UPSTREAM, Status.OBSOLETE)


def retire_advice(status: Status) -> str:
    if status is Status.FIXED_UPSTREAM:
        return "upstream has this fix in its own form: retire this patch"
    return "what this patch fixes is gone upstream: retire this patch"


@dataclass(frozen=True)
class Output:
    """The text report's detail level and colour mode."""

    level: int = NORMAL  # QUIET: only rows that need attention and the summary; VERBOSE: per-step details
    color: str = "auto"  # one of COLOR_MODES

    @property
    def quiet(self) -> bool:
        return self.level <= QUIET

    @property
    def verbose(self) -> bool:
        return self.level >= VERBOSE

    def colour(self, stream: TextIO) -> bool:
        return use_colour(stream, self.color)


def use_colour(stream: TextIO, mode: str = "auto", env: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what goes to ``stream``."""
    if mode in ("always", "never"):
        return mode == "always"
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def current() -> Output:
    """The output settings of the running command (the defaults outside the CLI)."""
    import click

    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().meta.get(_META_KEY) if ctx is not None else None
    return found if isinstance(found, Output) else Output()


def configure(output: Output) -> None:
    """Record ``output`` for the running command (called by the CLI)."""
    import click

    click.get_current_context().find_root().meta[_META_KEY] = output


def summary_line(count: int, summary: dict[str, int], one: str, many: str) -> str:
    counted = ", ".join(f"{n} {word}" for word, n in summary.items() if n)
    return f"{count} {one if count == 1 else many}: {counted or 'none selected'}"
