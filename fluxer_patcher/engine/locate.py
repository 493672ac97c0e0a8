"""Where a step's query finds its targets: one match per ``@target``, kept by the step's ``where``.

The engine decides drift from this list (its length against ``expect``); drift explanations
run the same search on other files and revisions, so both use these functions.
"""

from __future__ import annotations

from fluxer_patcher.catalogue.manifest import Step
from fluxer_patcher.syntax import queries
from fluxer_patcher.syntax.document import Document


def candidates(step: Step, doc: Document) -> list[queries.Match]:
    """The query's matches in ``doc``, one per ``@target``, before ``where`` picks among them."""
    assert step.query is not None and step.language is not None
    return queries.targets(queries.compile_query(step.language, step.query).run(doc.root))


def kept(step: Step, doc: Document, matches: list[queries.Match]) -> list[queries.Match]:
    """The matches whose captures hold one of the values ``where`` gives for them."""
    for capture, values in step.where.items():
        matches = [m for m in matches if (n := m.node(capture)) is not None and doc.text(n) in values]
    return matches


def located(step: Step, doc: Document) -> list[queries.Match]:
    """The step's targets in ``doc`` (any number; the caller compares it with ``expect``)."""
    return kept(step, doc, candidates(step, doc))
