"""Doctor: read-only checks of a self-hoster's deployment directory.

:mod:`.deployment` (the directory's files, read and parsed once), :mod:`.checks` (one
check per pitfall of the guide; :func:`~.checks.run` runs them all).  The report is
rendered by ``report``.  No finding ever quotes a secret: findings name keys and locations.
May import: ``errors``, ``model``, ``syntax``, ``formats``.
"""
