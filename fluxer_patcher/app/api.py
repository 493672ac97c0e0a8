"""The library's entry points: load a catalogue, run its fixes on a source."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fluxer_patcher.app import catalogue as bundled
from fluxer_patcher.catalogue.manifest import Catalogue, Patch
from fluxer_patcher.engine.primitives import Registry
from fluxer_patcher.engine.run import Engine
from fluxer_patcher.model import PatchResult
from fluxer_patcher.source.base import Source


def load_catalogue(root: Path | None = None) -> Catalogue:
    """The catalogue at ``root`` (default: ``$FLUXER_PATCH_CATALOGUE``, else the bundled one)."""
    return bundled.load_catalogue(root)


def run(patches: Iterable[Patch], source: Source, registry: Registry | None = None) -> list[PatchResult]:
    """Every fix on ``source``, in order, in memory (later fixes see earlier fixes' edits)."""
    return Engine(source, registry or bundled.registry()).run(patches)
