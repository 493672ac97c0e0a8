"""Git: every git process of the package.

:mod:`.runner` is the one module that starts git processes and reads objects: one clean
environment, timeouts, git's ``fatal:`` line picked in one place, user values refused when
they could be read as options.  On top of it: :mod:`.repo` (opening a repository, naming
and resolving revisions), :mod:`.objects` (trees and blobs by id), :mod:`.history`
(first-parent walks, fetching), :mod:`.plumbing` (writing objects and moving refs) and
:mod:`.worktree` (what git knows about a checkout).
May import: ``errors``, ``model``.
"""
