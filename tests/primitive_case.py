"""Running one primitive on a snippet, in the spirit of LibCST's ``CodemodTest``.

A test states the source, the query (its text), the edit and its parameters, and gets the
outcome, the text after and the reason::

    run = PrimitiveRunner(tmp_path, "src/a.tsx", "tsx")
    outcome, after, reason = run("x = [1];", QUERY, "add-array-element", {"element": "2"})

``step_patch`` builds the one-step fix such a run uses (no positional ``Patch(...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fluxer_patcher.app.catalogue import registry as default_registry
from fluxer_patcher.catalogue.manifest import CatalogueError, Expect, Patch, Step
from fluxer_patcher.catalogue.params import check as check_params
from fluxer_patcher.engine.primitives import Registry
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.model import Outcome, PatchResult
from fluxer_patcher.source.memory import MemoryTree


def step_patch(
    file: str,
    edit: str,
    params: Mapping[str, Any] | None = None,
    *,
    language: str | None = None,
    query: Path | None = None,
    expect: str = "1",
    where: Mapping[str, tuple[str, ...]] | None = None,
    present: Path | None = None,
    patch_id: str = "t",
    looking_for: str = "the test target",
    registry: Registry | None = None,
) -> Patch:
    table = registry or default_registry()
    spec = table.get(edit)
    if spec is not None:  # the loader's check of the parameters
        problem = check_params(params or {}, table.declared(spec, params or {}))
        if problem:
            raise CatalogueError(f"edit {edit!r} parameters: {problem}")
    step = Step(
        file=file,
        language=language,
        edit=edit,
        query=query,
        looking_for=looking_for,
        expect=Expect(int(expect.rstrip("+")), expect.endswith("+")),
        where=dict(where or {}),
        present=present,
        params=dict(params or {}),
        verifies_only=bool(spec and spec.verifies_only),
    )
    return Patch(
        id=patch_id, gotchas=(0,), title="t", symptom="t", fix="t", guide="t", bug="t",
        manifest=query or Path(f"{patch_id}.toml"), steps=(step,),
    )


class PrimitiveRunner:
    """Runs one primitive on ``file`` (of ``language``) with a query written on the fly."""

    def __init__(self, tmp_path: Path, file: str, language: str | None, registry: Registry | None = None) -> None:
        self.tmp_path = tmp_path
        self.file = file
        self.language = language
        self.registry = registry

    def query_file(self, query: str) -> Path:
        path = self.tmp_path / f"q{abs(hash(query))}.scm"
        path.write_text(query)
        return path

    def result(
        self,
        source: str | bytes,
        query: str | None,
        edit: str,
        params: Mapping[str, Any],
        expect: str = "1",
        language: str | None = None,
        tree: Mapping[str, str | bytes] | None = None,
        file: str | None = None,
    ) -> PatchResult:
        file = file or self.file
        qpath = self.query_file(query) if query is not None else None
        patch = step_patch(file, edit, params, language=language or self.language, query=qpath, expect=expect,
                           registry=self.registry)
        engine = Engine(MemoryTree({file: source, **(tree or {})}), self.registry or default_registry())
        return engine.run_patch(patch)

    def __call__(self, source: str | bytes, *args: Any, **kwargs: Any) -> tuple[Outcome, str | bytes, str]:
        """:meth:`result`, as ``(outcome, text after, reason text)``."""
        result = self.result(source, *args, **kwargs)
        text = result.changes[0].after.decode() if result.changes else source
        return result.outcome, text, result.reason.text


def engine(source: Any, registry: Registry | None = None) -> Engine:
    """An engine on ``source`` with the default registry."""
    return Engine(source, registry or default_registry())
