"""When a fix's target is gone: did upstream fix it its own way, or is the concept gone?

A fix whose target file is missing, or whose query finds nothing, is checked against what
its manifest declares (:class:`~fluxer_patcher.catalogue.manifest.Recogniser`,
:class:`~fluxer_patcher.catalogue.manifest.Obsolete`): upstream's own form of the fix in
the files named (``fixed-upstream``: the patch can be retired), else the conditions that
make it obsolete, all holding (``obsolete``, with the evidence).  Nothing is guessed: a
fix that declares neither, or whose declarations do not hold, stays drifted.
"""

from __future__ import annotations

import re

from fluxer_patcher.catalogue.manifest import Expect, Obsolete, Patch, Recogniser, Step
from fluxer_patcher.engine import locate
from fluxer_patcher.model import Outcome, PatchResult, Reason, ReasonKind
from fluxer_patcher.source import search
from fluxer_patcher.source.base import Source, SourceError
from fluxer_patcher.syntax.document import Document, one_line


def before_run(patch: Patch, source: Source) -> PatchResult | None:
    """``fixed-upstream`` by a recogniser that is checked before the fix runs: on a tree where
    its ``when_present`` paths exist (a later layout), upstream's own form of the fix decides."""
    for recogniser in patch.fixed_upstream:
        if recogniser.when_present and not any(_gone(source, p) for p in recogniser.when_present):
            evidence = recognised(recogniser, source)
            if evidence:
                layout = ", ".join(recogniser.when_present)
                return PatchResult(patch, Outcome.FIXED_UPSTREAM,
                                   Reason(ReasonKind.FIXED_UPSTREAM, f"{evidence} (a later layout: {layout})"))
    return None


def _gone(source: Source, path: str) -> bool:
    try:
        return not source.is_file(path) and not source.list_dir(path)
    except SourceError:
        return False


def judge(patch: Patch, source: Source) -> PatchResult | None:
    """``fixed-upstream`` or ``obsolete`` for ``patch`` on ``source``, else None (recognisers
    with ``when_present`` were decided by :func:`before_run`)."""
    for recogniser in patch.fixed_upstream:
        if recogniser.when_present:
            continue
        evidence = recognised(recogniser, source)
        if evidence:
            return PatchResult(patch, Outcome.FIXED_UPSTREAM, Reason(ReasonKind.FIXED_UPSTREAM, evidence))
    if patch.obsolete is not None:
        evidence = holds(patch.obsolete, source)
        if evidence:
            return PatchResult(patch, Outcome.OBSOLETE, Reason(ReasonKind.OBSOLETE, evidence))
    return None


def recognised(recogniser: Recogniser, source: Source) -> str:
    """Where upstream's own form of the fix is ("" when it is not there)."""
    for path in recogniser.files:
        try:
            if not source.is_file(path):
                continue
            data = source.read(path)
            data.decode("utf-8")
        except (SourceError, UnicodeDecodeError):
            continue
        doc = Document(path, data, recogniser.language)
        if recogniser.query is not None:
            step = Step(path, recogniser.language, "require", recogniser.query, recogniser.looking_for,
                        Expect(1, True), {}, None, {})
            found = [doc.loc(m.target) for m in locate.located(step, doc)]
        else:
            assert recogniser.pattern is not None
            found = [doc.loc(m.start()) for m in re.finditer(recogniser.pattern.encode(), data)]
        if found:
            return f"upstream's own fix: {recogniser.looking_for} at {', '.join(found[:3])}"
    return ""


def holds(obsolete: Obsolete, source: Source) -> str:
    """The evidence that every condition of ``obsolete`` holds ("" when one does not)."""
    evidence: list[str] = []
    for path in obsolete.exists:
        if _gone(source, path):
            return ""
    for path in obsolete.missing:
        if not _gone(source, path):
            return ""
        evidence.append(f"{path} is gone")
    try:
        for wanted in obsolete.found:
            holder = search.first_holding(source, wanted.text, wanted.paths)
            if holder is None:
                return ""
            evidence.append(f"`{one_line(wanted.text)}` in {holder}")
        for absence in obsolete.absent:
            if search.first_holding(source, absence.text, absence.paths) is not None:
                return ""
            evidence.append(f"no `{one_line(absence.text)}` in {', '.join(absence.paths) or 'the tree'}")
    except SourceError:  # a search that failed proves nothing
        return ""
    if obsolete.exists:
        evidence.append(f"{', '.join(obsolete.exists)} there")
    return f"{obsolete.why} ({'; '.join(evidence)})"
