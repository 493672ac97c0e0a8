"""A checkout's own settings, ``.fluxer-patch.toml`` at its root, merged with the command line.

    skip = ["compose-build-server"]      # fixes this tree never wants (``--only`` overrides)

    [paths]                              # directories this fork renamed
    "fluxer_app" = "apps/web"
    "fluxer_server" = "brand_server"

The file is read from the tree the command works on: the checkout for ``check``/``apply``,
the revision for ``check --rev``, ``drift``, ``branch`` and ``export`` (a fork commits it).
``--path-map OLD=NEW`` entries take precedence over ``[paths]`` for the names they map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.manifest import Catalogue, Patch
from fluxer_patcher.catalogue.pathmap import PathMap
from fluxer_patcher.errors import BadInput
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.source.base import FileMissing, Source, SourceError

if TYPE_CHECKING:
    from fluxer_patcher.app.run import Selection

CONFIG_NAME = ".fluxer-patch.toml"
KEYS = ("paths", "skip")


@dataclass(frozen=True)
class Settings:
    paths: PathMap = field(default_factory=PathMap)
    skip: tuple[str, ...] = ()


def read(source: Source) -> Settings:
    """The tree's ``.fluxer-patch.toml`` (defaults when it has none); bad content is bad input."""
    try:
        data = source.read(CONFIG_NAME)
    except FileMissing:
        return Settings()
    except SourceError as exc:
        raise BadInput(f"{CONFIG_NAME}: {exc.why}") from None
    return parse(data)


def parse(data: bytes) -> Settings:
    import tomllib  # only a tree that has the file pays for the parser

    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadInput(f"{CONFIG_NAME}: not UTF-8 text (byte {exc.start})") from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise BadInput(f"{CONFIG_NAME}: not valid TOML: {str(exc).splitlines()[0]}") from None
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise BadInput(f"{CONFIG_NAME}: unknown key `{unknown[0]}` (it may hold {', '.join(KEYS)})")
    paths = table.get("paths", {})
    if not isinstance(paths, dict) or not all(isinstance(v, str) for v in paths.values()):
        raise BadInput(f'{CONFIG_NAME}: [paths] maps directories to directories ("fluxer_app" = "apps/web")')
    skip = table.get("skip", [])
    if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
        raise BadInput(f'{CONFIG_NAME}: `skip` is a list of fix ids (skip = ["compose-build-server"])')
    return Settings(PathMap.of(paths.items(), f"{CONFIG_NAME} [paths]"), tuple(skip))


@dataclass(frozen=True)
class Chosen:
    """What a run uses: the catalogue with the tree's paths, and the fixes selected from it."""

    catalogue: Catalogue
    patches: list[Patch]
    paths: PathMap


def choose(catalogue: Catalogue, selection: Selection, settings: Settings) -> Chosen:
    """The command line's selection over the tree's settings, on the mapped catalogue."""
    from fluxer_patcher.app import catalogue as bundled

    paths = PathMap.parse(selection.path_map).over(settings.paths)
    unknown = [s for s in settings.skip if s not in catalogue.ids()]
    if unknown:
        raise BadInput(f"{CONFIG_NAME}: skip names unknown fix id {unknown[0]!r} (the `list` command shows them)")
    skip = (*selection.skip, *(s for s in settings.skip if s not in selection.only and s not in selection.skip))
    mapped = paths.catalogue(catalogue)
    return Chosen(mapped, bundled.select(mapped, selection.only, skip), paths)
