"""Primitives of no file kind in particular."""

from __future__ import annotations

from fluxer_patcher.engine.primitives import Answer, EditContext, Present, primitive


@primitive("require", verifies_only=True)
def require(ctx: EditContext) -> Answer:
    """Edit nothing: the fix needs what the step's query finds (``@target``, as many as
    ``expect`` says), so that finding none, or too many, is drift of the whole fix.  For a
    fix whose edit serves another instruction: the toolchain of a stage is for its build."""
    del ctx
    return Present()
