"""The engine: locate a step's targets, classify them, run the primitive, splice, re-parse.

:mod:`.primitives` (the primitive interface, typed parameters, placeholders, the
registry), :mod:`.locate` (a step's targets), :mod:`.run` (the :class:`~.run.Engine`).
It imports no file kind: primitives and placeholder resolvers come from the
:class:`~.primitives.Registry` it is given (``formats.builtin`` builds the default one).
May import: ``errors``, ``model``, ``catalogue``, ``syntax``, ``source``.
"""
