"""Use cases: what each command does, with typed outcomes the command line renders.

:mod:`.catalogue` (the bundled catalogue and the default registry), :mod:`.inputs` (a
checkout, a repository, a revision, checked), :mod:`.run` (``check`` and ``apply``),
:mod:`.series` (the fixes as a series on a revision), :mod:`.fork` (``branch``),
:mod:`.export` (``export``), :mod:`.history` (``drift``), :mod:`.deployment` (``doctor``).
Problems are :class:`~fluxer_patcher.errors.FluxerPatchError`; nothing here prints.
May import: every layer below (not ``cli``).
"""
