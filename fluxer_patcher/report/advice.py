"""What to do about a fix that did not apply, chosen by its reason's kind (never its text)."""

from __future__ import annotations

from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.model import Reason, ReasonKind
from fluxer_patcher.syntax.queries import original

GONE = frozenset({ReasonKind.FILE_MISSING, ReasonKind.REMOVED_UPSTREAM})


def code(text: str) -> str:
    """``text`` as a Markdown code span."""
    text = " ".join(text.split())
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def action(patch: Patch, reason: Reason, rev: str | None) -> str:
    """One paragraph of Markdown: what a maintainer does about ``patch`` drifting for ``reason``."""
    manifest = f"patches/{patch.manifest.name}"
    files = [original(s.query) for s in patch.steps if s.query is not None]
    queries = sorted({f"queries/{q.parent.name}/{q.name}" for q in files})
    query = f" and {', '.join(code(q) for q in queries)}" if queries else ""
    check = f"`fluxer-patch check --rev {rev}`" if rev else "`fluxer-patch check` again"
    if reason.kind is ReasonKind.MOVED:
        return (
            f"If your tree renamed the directory as suggested, map it (`--path-map OLD=NEW`, or `[paths]` in "
            f"the checkout's `.fluxer-patch.toml`); if upstream moved the file, point the step's `file` in "
            f"{code(manifest)} at its new path, add the new shape to the manifest's `[[examples]]`, and run {check}."
        )
    if reason.kind in GONE:
        return (
            f"The target file is gone: check whether upstream fixed {patch.origin} itself or "
            f"removed the feature, then retire or rewrite {code(manifest)}."
        )
    return (
        f"Update {code(manifest)}{query} to the new shape (the reason lists what still exists), add that shape "
        f"to the manifest's `[[examples]]`, and run {check}. Until then apply it by hand as the guide's "
        f"“{patch.guide}” describes."
    )
