"""The build-context check: every COPY/ADD source from the context exists and is not ignored."""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import TEXTS, Param
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


_TEMPLATE_SUFFIXES = ("example", "sample", "template", "dist")


def _template_of(source: Source, path: str) -> str:
    """A note naming the file a missing ``path`` is usually made from, when its directory has
    one (``config/config.json.example``, ``config/config.example.json``): the file is the
    user's to create (often git-ignored), not a fix's to find."""
    head, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    candidates = [f"{name}.{s}" for s in _TEMPLATE_SUFFIXES]
    if dot and stem:
        candidates += [f"{stem}.{s}.{ext}" for s in _TEMPLATE_SUFFIXES]
    present = set(source.list_dir(head)) if head else set(source.list_dir("."))
    found = next((c for c in candidates if c in present), None)
    if found is None:
        return ""
    made_from = f"{head}/{found}" if head else found
    return f" ({made_from} is there: create {path} from it before building)"


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


def _covers(source: str, path: str, is_dir: bool) -> bool:
    """Whether the COPY source ``source`` (context-relative, cleaned) carries ``path`` in."""
    if source == ".":
        return True
    if _WILDCARD.search(source):
        parts = source.split("/")
        segments = path.split("/")
        return len(segments) >= len(parts) and all(
            fnmatch.fnmatchcase(seg, part) for seg, part in zip(segments, parts, strict=False)
        )
    return path == source or (is_dir and path.startswith(source + "/"))


@primitive(
    "verify-build-context",
    Param("ignore_file", doc="the ignore file of the build context"),
    Param("required", TEXTS, "files that must reach the build with the COPY/ADD that carries them in, "
          "when they exist (inside a copied directory or as a wildcard match): excluded is drift",
          default=None),
    Param("required_why", doc="why the `required` files matter, appended to their drift", default=""),
    languages=DOCKERFILE,
    verifies_only=True,
)
def verify_build_context(ctx: EditContext) -> Answer:
    """Check, without editing, that every COPY/ADD source taken from the build context
    (not ``--from=``) exists and is not excluded by the ignore file; each violation is
    drift naming the source and the excluding pattern.  Wildcard sources may match
    nothing (Docker allows it); matches they lose to the ignore file are noted.  A file
    of ``required`` (a lockfile) that exists and that a COPY carries in — inside a copied
    directory or as a wildcard match — must not be excluded either: drift naming the
    instruction, the file and the pattern.  The context is the checkout's root, as in
    ``docker build -f fluxer_server/Dockerfile .``."""
    doc = ctx.doc
    ignore_file = ctx.text("ignore_file")
    rules = _ignore_rules(ctx.source, ignore_file)
    if isinstance(rules, str):
        return Drift(rules, ReasonKind.UNREADABLE)
    why = ctx.text("required_why").strip()
    required = [dockerignore.clean(p.lstrip("/")) for p in (ctx.texts("required") if ctx.value("required") else [])]
    required = [p for p in required if ctx.source.is_file(p)]
    reported: set[str] = set()

    def lost_required(where: str, rel: str, is_dir: bool) -> None:
        for path in required:
            if path in reported or not _covers(rel, path, is_dir):
                continue
            verdict = rules.check(path)
            if verdict.excluded:
                reported.add(path)
                problems.append(f"{where}: {verdict.describe(ignore_file)}" + (f" ({why})" if why else ""))

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
                lost_required(where, rel, True)
                continue
            checked += 1
            if _WILDCARD.search(rel):
                lost_required(where, rel, False)
                matches = _expand(ctx.source, rel)
                lost = [v for v in (rules.check(m) for m in matches) if v.excluded and v.path not in reported]
                notes.extend(f"{where}: {v.describe(ignore_file)} (optional wildcard source)" for v in lost)
                continue
            if not _exists(ctx.source, rel):
                made_from = _template_of(ctx.source, rel)
                problems.append(f"{where}: no such file or directory in the build context{made_from}")
                continue
            verdict = rules.check(rel)
            if verdict.excluded:
                problems.append(f"{where}: {verdict.describe(ignore_file)}")
                continue
            if required:  # a listing, not the tree's id: drift caching stays per name
                lost_required(where, rel, bool(ctx.source.list_dir(rel)))
    if problems:
        return Drift("build context: " + "; ".join(problems + notes), ReasonKind.BUILD_CONTEXT)
    summary = f"{checked} build-context source{'s' if checked != 1 else ''} checked: none missing, none ignored"
    return Present("; ".join([summary, *notes]))
