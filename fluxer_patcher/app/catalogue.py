"""The bundled catalogue, the default registry, and selecting fixes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.manifest import Catalogue, Patch
from fluxer_patcher.errors import BadInput
from fluxer_patcher.profile import FLUXER, Profile

if TYPE_CHECKING:
    from fluxer_patcher.engine.primitives import Registry


def registry() -> Registry:
    from fluxer_patcher.formats import builtin  # every format's primitives: only when a fix runs

    return builtin.registry()


def bundled_root() -> Path:
    """Where the bundled ``patches/`` and ``queries/`` live: the installed package's copy, or
    the source checkout this module runs from."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "_catalogue"
    if (installed / "patches").is_dir():
        return installed
    return here.parent


def default_root(profile: Profile = FLUXER) -> Path:
    """The catalogue to use: ``$FLUXER_PATCH_CATALOGUE``, else the bundled one."""
    env = os.environ.get(profile.catalogue_env)
    return Path(env) if env else bundled_root()


_LOADED: dict[tuple[str, str, tuple[tuple[str, int, int], ...]], Catalogue] = {}


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """What the catalogue's files are now (name, size, mtime): a changed file is a new catalogue."""
    out = []
    for folder in ("patches", "queries"):
        for dirpath, _dirs, files in os.walk(root / folder):
            for name in files:
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                out.append((os.path.join(dirpath, name), st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def load_catalogue(root: Path | None = None, profile: Profile = FLUXER) -> Catalogue:
    """The catalogue at ``root`` (default: :func:`default_root`), validated against the default
    registry; read once per process while its files stay the same."""
    path = root or default_root(profile)
    key = (str(path.resolve()), profile.default_bug, _signature(path))
    if key not in _LOADED:
        _LOADED[key] = _validated(path, profile)
    return _LOADED[key]


def _validated(path: Path, profile: Profile) -> Catalogue:
    """The catalogue at ``path`` validated once per content: the cache directory keeps the
    validated form (keyed by the catalogue's bytes and this tool's code, and kept with the
    result cache off too), so a later run skips reading the TOML and building the registry to
    check it against."""
    from fluxer_patcher.app import cache

    key = cache.catalogue_key(path, profile.default_bug) if cache.data_directory() is not None else None
    if key is not None and (known := cache.load_validated(key)) is not None:
        return known
    from fluxer_patcher.catalogue import loader

    catalogue = loader.load(path, registry(), profile.default_bug)
    if key is not None:
        cache.store_validated(key, catalogue)
    return catalogue


def select(catalogue: Catalogue, only: Iterable[str] = (), skip: Iterable[str] = ()) -> list[Patch]:
    only, skip = tuple(only), tuple(skip)
    both = sorted(set(only) & set(skip))
    if both:
        raise BadInput(f"--only {both[0]} and --skip {both[0]}: a fix cannot be both run and left out")
    return catalogue.select(only, skip)
