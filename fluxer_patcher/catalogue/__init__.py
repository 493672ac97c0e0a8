"""The catalogue of fixes: the manifest model, typed parameters, loading and validation.

:mod:`.manifest` (``Patch``, ``Step``, ``Example``: plain data every layer reads),
:mod:`.params` (typed parameters of primitives), :mod:`.loader` (TOML manifests validated
against a registry of primitives, which the caller injects), :mod:`.schema` (the JSON
Schema of a manifest).
May import: ``errors``, ``profile``, ``syntax`` (grammar names).
"""

from fluxer_patcher.catalogue.manifest import Catalogue, CatalogueError, Example, Expect, Patch, Step, files_of

__all__ = ["Catalogue", "CatalogueError", "Example", "Expect", "Patch", "Step", "files_of"]
