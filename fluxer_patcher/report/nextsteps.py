"""What to run once fixes are in place: the ``next_steps`` lines of their manifests.

A fix's next steps are shown when it, and every other selected fix on the same files,
ended ``applied`` or ``already-applied`` (so ``docker build`` is suggested only when the
whole Dockerfile is ready).  A line with a condition is shown only when its file, as the
run leaves it, matches (``texts``: the run's view of those files).  ``{base_domain}`` comes
from ``apply --base-domain``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from fluxer_patcher.model import PatchResult, Status

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fluxer_patcher.catalogue.manifest import NextStep

READY = (Status.APPLIED, Status.ALREADY_APPLIED)
PLACEHOLDER = {"base_domain": "<your domain>"}
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"


# Compiled on first use: `check` never needs them.
@functools.cache
def _domain() -> re.Pattern[str]:
    return re.compile(rf"^{_LABEL}(?:\.{_LABEL})*(?::\d{{1,5}})?$")


@functools.cache
def _field() -> re.Pattern[str]:
    return re.compile(r"\{(\w+)\}")


def valid_domain(value: str) -> bool:
    """A host name (optionally ``:port``), safe to put in a shell command between quotes."""
    return len(value) <= 253 and _domain().match(value) is not None


def ready(results: Sequence[PatchResult], result: PatchResult, written: bool) -> bool:
    files = set(result.patch.files)
    return all(r.status(written) in READY for r in results if files & set(r.patch.files))


def condition_files(results: Sequence[PatchResult]) -> set[str]:
    """The files whose text decides whether a next-step line is shown."""
    return {step.file for r in results for step in r.patch.next_steps if step.file}


def lines(results: Sequence[PatchResult], written: bool, values: Mapping[str, str],
          texts: Mapping[str, bytes | None] | None = None) -> list[str]:
    """The next-step lines of every fix that is ready, placeholders filled in; a line whose
    file (``texts``: as the run leaves it; missing: absent) does not match is left out."""
    out: list[str] = []
    missing: set[str] = set()

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in values:
            return f'"{values[name]}"'
        missing.add(name)
        return f'"{PLACEHOLDER.get(name, name)}"'

    def shown(step: NextStep) -> bool:
        if not step.file:
            return True
        text = (texts or {}).get(step.file)
        if text is None:  # not read (a revision), or absent: the condition is unknown
            return False
        found = re.search(step.has or step.lacks, text.decode("utf-8", "replace")) is not None
        return found if step.has else not found

    for result in results:
        if result.patch.next_steps and ready(results, result, written):
            out.extend(_field().sub(fill, step.line) for step in result.patch.next_steps if shown(step))
    for name in sorted(missing):
        flag = "--" + name.replace("_", "-")
        out.append(f"  (replace {PLACEHOLDER.get(name, name)}, or run `fluxer-patch apply {flag} ...` to fill it in)")
    return out
