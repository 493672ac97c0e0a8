"""Errors every command reports the same way: one line on stderr, exit 2."""


class BadInput(Exception):
    """Input the tool cannot work with (a malformed catalogue, a file that is not UTF-8, an
    unknown revision); ``str()`` is one line naming the problem."""


class CatalogueProblem(BadInput, ValueError):
    """A manifest or query of the catalogue is malformed; ``str()`` names the file and the problem."""
