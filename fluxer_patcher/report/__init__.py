"""Reports: one row model (:mod:`.rows`) and one renderer per format (:mod:`.text`,
:mod:`.json`, :mod:`.markdown`) for ``check``/``apply``/``branch``/``export``, ``drift``,
``doctor`` and ``list``; advice by reason kind (:mod:`.advice`); next steps (:mod:`.nextsteps`).

The ``emit_*`` functions write a report in the format asked for, importing only that renderer.
May import: everything below ``app`` (``model``, ``profile``, ``catalogue``, ``output``,
``drift``, ``doctor``, ...).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from fluxer_patcher.catalogue.manifest import Patch
    from fluxer_patcher.doctor.checks import Advice, Finding
    from fluxer_patcher.drift.walk import Drift
    from fluxer_patcher.report.run import RunReport


def emit_run(report: RunReport, fmt: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if fmt == "json":
        from fluxer_patcher.report import json

        stream.write(json.run_json(report))
    elif fmt == "markdown":
        from fluxer_patcher.report import markdown

        stream.write(markdown.run_markdown(report))
    else:
        from fluxer_patcher.report import safe, style, text

        out = style.current()
        stream.write(safe.terminal(text.run_text(report, colour=out.colour(stream), level=out.level)))


def emit_drift(drift: Drift, fmt: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if fmt == "json":
        from fluxer_patcher.report import json

        stream.write(json.drift_json(drift))
    elif fmt == "markdown":
        from fluxer_patcher.report import markdown

        stream.write(markdown.drift_markdown(drift))
    else:
        from fluxer_patcher.report import safe, style, text

        out = style.current()
        stream.write(safe.terminal(text.drift_text(drift, colour=out.colour(stream), level=out.level)))


def emit_doctor(target: str, findings: Sequence[Finding], advice: Sequence[Advice], fmt: str,
                stream: TextIO | None = None) -> None:
    from fluxer_patcher.report import rows

    stream = stream or sys.stdout
    found = rows.of_findings(findings)
    if fmt == "json":
        from fluxer_patcher.report import json

        stream.write(json.doctor_json(target, found, advice))
    elif fmt == "markdown":
        from fluxer_patcher.report import markdown

        stream.write(markdown.doctor_markdown(target, found, advice))
    else:
        from fluxer_patcher.report import safe, style, text

        out = style.current()
        stream.write(safe.terminal(text.doctor_text(found, advice, colour=out.colour(stream), level=out.level)))


def emit_list(patches: Sequence[Patch], fmt: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if fmt == "json":
        from fluxer_patcher.report import json

        stream.write(json.list_json(patches))
    else:
        from fluxer_patcher.report import safe, text

        stream.write(safe.terminal(text.list_text(patches)))
