"""The build-context check: every COPY/ADD source from the context exists and is not ignored."""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import Param
from fluxer_patcher.engine.primitives import Answer, Drift, EditContext, Present, primitive
from fluxer_patcher.formats.docker import dockerfile
from fluxer_patcher.formats.docker.primitives import DOCKERFILE
from fluxer_patcher.formats.dockerignore import rules as dockerignore
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.source.base import SourceError

if TYPE_CHECKING:
    from fluxer_patcher.source.base import Source


# -- verify-build-context ------------------------------------------------------------------

_WILDCARD = re.compile(r"[*?\[]")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.IGNORECASE)


def _expand(source: Source, pattern: str) -> list[str]:
    """Context paths a wildcard COPY source matches (Go ``filepath.Match`` per segment)."""
    found = [""]
    for part in pattern.split("/"):
        nxt: list[str] = []
        for base in found:
            if _WILDCARD.search(part):
                nxt += [f"{base}{n}" if not base else f"{base}/{n}" for n in source.list_dir(base or ".")
                        if fnmatch.fnmatchcase(n, part)]
            else:
                nxt.append(f"{base}/{part}" if base else part)
        found = nxt
    return [p for p in found if _exists(source, p)]


def _exists(source: Source, path: str) -> bool:
    # The listing first: a directory's existence then does not depend on what is inside it
    # (drift over history caches results by what was read).
    return bool(source.list_dir(path)) or source.is_file(path)


def _ignore_rules(source: Source, path: str) -> dockerignore.Matcher | str:
    try:
        text = source.read(path).decode("utf-8")
    except SourceError:
        return dockerignore.Matcher([])
    except UnicodeDecodeError:
        return f"{path}: not UTF-8 text"
    try:
        return dockerignore.Matcher.from_text(text)
    except dockerignore.PatternError as exc:
        return f"{path}: {exc}"


@primitive(
    "verify-build-context",
    Param("ignore_file", doc="the ignore file of the build context"),
    languages=DOCKERFILE,
    verifies_only=True,
)
def verify_build_context(ctx: EditContext) -> Answer:
    """Check, without editing, that every COPY/ADD source taken from the build context
    (not ``--from=``) exists and is not excluded by the ignore file; each violation is
    drift naming the source and the excluding pattern.  Wildcard sources may match
    nothing (Docker allows it); matches they lose to the ignore file are noted.  The
    context is the checkout's root, as in ``docker build -f fluxer_server/Dockerfile .``."""
    doc = ctx.doc
    ignore_file = ctx.text("ignore_file")
    rules = _ignore_rules(ctx.source, ignore_file)
    if isinstance(rules, str):
        return Drift(rules, ReasonKind.UNREADABLE)
    problems: list[str] = []
    notes: list[str] = []
    checked = 0
    for node in dockerfile.instructions(doc.root):
        if node.type not in ("copy_instruction", "add_instruction"):
            continue
        copy = dockerfile.copy_parts(node)
        if not copy.from_context:
            continue
        for path in copy.source_paths:
            raw = path.text
            if _REMOTE.match(raw) or raw.startswith("<<"):
                continue
            where = f"{doc.loc(path.start)}: {dockerfile.keyword(node)} {raw}"
            if "$" in raw:
                notes.append(f"{where}: uses a build variable; not checked")
                continue
            rel = dockerignore.clean(raw.lstrip("/"))
            if rel == ".":
                continue
            checked += 1
            if _WILDCARD.search(rel):
                matches = _expand(ctx.source, rel)
                lost = [v for v in (rules.check(m) for m in matches) if v.excluded]
                notes.extend(f"{where}: {v.describe(ignore_file)} (optional wildcard source)" for v in lost)
                continue
            if not _exists(ctx.source, rel):
                problems.append(f"{where}: no such file or directory in the build context")
                continue
            verdict = rules.check(rel)
            if verdict.excluded:
                problems.append(f"{where}: {verdict.describe(ignore_file)}")
    if problems:
        return Drift("build context: " + "; ".join(problems + notes), ReasonKind.BUILD_CONTEXT)
    summary = f"{checked} build-context source{'s' if checked != 1 else ''} checked: none missing, none ignored"
    return Present("; ".join([summary, *notes]))
