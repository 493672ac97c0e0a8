"""Drift: each fix along a first-parent history, and reasons a maintainer can act on.

:mod:`.cache` (a fix's result keyed by the identities of what it read), :mod:`.walk`
(statuses and transitions along a range), :mod:`.explain` ("moved to X?", "renamed?").
May import: ``errors``, ``model``, ``catalogue``, ``syntax``, ``git``, ``source``, ``engine``.
"""
