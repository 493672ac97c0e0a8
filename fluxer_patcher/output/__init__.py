"""Output: what a run produces besides its report.

:mod:`.diffs` (unified diffs), :mod:`.writer` (atomic files, all or nothing),
:mod:`.messages` (commit messages and identity), :mod:`.series` (the fixes as one step per
commit), :mod:`.commits` (the one commit-series builder), :mod:`.branch` (the patched fork
branch), :mod:`.inplace` (``apply --commit``), :mod:`.patchfiles` (git mails, quilt + DEP-3).
May import: ``errors``, ``profile``, ``model``, ``catalogue``, ``git``, ``source``.
"""
