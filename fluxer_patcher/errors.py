"""Errors every command reports the same way: one line on stderr, exit 2."""


class CatalogueProblem(ValueError):
    """A manifest or query of the catalogue is malformed; ``str()`` names the file and the problem."""
