"""File kinds: one subpackage each, holding its model and its primitives.

``js`` (JavaScript/TypeScript), ``docker`` (Dockerfiles), ``dockerignore``, ``data``
(JSON and YAML), ``compose`` (Docker Compose, on top of ``data``).  :mod:`.builtin` builds
the default registry of primitives from them.
May import: ``errors``, ``model``, ``catalogue``, ``syntax``, ``source``, ``engine``; within
``formats``: ``compose`` → ``data``, ``docker`` → ``dockerignore``.
"""
