"""What to run once fixes are in place: the ``next_steps`` lines of their manifests.

A fix's next steps are shown when it, and every other selected fix on the same files,
ended ``applied`` or ``already-applied`` (so ``docker build`` is suggested only when the
whole Dockerfile is ready).  ``{base_domain}`` comes from ``apply --base-domain``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from fluxer_patcher.model import PatchResult, Status

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


def lines(results: Sequence[PatchResult], written: bool, values: Mapping[str, str]) -> list[str]:
    """The next-step lines of every fix that is ready, placeholders filled in."""
    out: list[str] = []
    missing: set[str] = set()

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in values:
            return f'"{values[name]}"'
        missing.add(name)
        return f'"{PLACEHOLDER.get(name, name)}"'

    for result in results:
        if result.patch.next_steps and ready(results, result, written):
            out.extend(_field().sub(fill, line) for line in result.patch.next_steps)
    for name in sorted(missing):
        flag = "--" + name.replace("_", "-")
        out.append(f"  (replace {PLACEHOLDER.get(name, name)}, or run `fluxer-patch apply {flag} ...` to fill it in)")
    return out
