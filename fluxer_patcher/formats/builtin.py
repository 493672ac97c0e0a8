"""The default registry: every file kind's primitives, placeholder resolvers and query predicates.

Importing a format's modules registers its query predicates (``#stage?``); the primitives
and resolvers are collected from the modules into one :class:`Registry`, built once.
"""

from __future__ import annotations

from functools import cache

from fluxer_patcher.engine.primitives import Registry


@cache
def registry() -> Registry:
    from fluxer_patcher.formats import generic
    from fluxer_patcher.formats.compose import build as compose_build
    from fluxer_patcher.formats.compose import primitives as compose
    from fluxer_patcher.formats.data import primitives as data
    from fluxer_patcher.formats.docker import context, predicates
    from fluxer_patcher.formats.docker import primitives as docker
    from fluxer_patcher.formats.dockerignore import primitives as dockerignore
    from fluxer_patcher.formats.erlang import primitives as erlang
    from fluxer_patcher.formats.js import arguments as js_arguments
    from fluxer_patcher.formats.js import guards as js_guards
    from fluxer_patcher.formats.js import headers
    from fluxer_patcher.formats.js import primitives as js
    from fluxer_patcher.formats.toml import primitives as toml

    del predicates  # imported for the predicates it registers
    return Registry.collect(
        js, js_arguments, js_guards, headers, docker, context, dockerignore, data, compose, compose_build, generic,
        erlang, toml,
    )
