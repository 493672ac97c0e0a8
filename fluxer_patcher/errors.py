"""The one exception root of fluxer-patch, and its kinds.

Every error a user can cause or meet (bad input, a refused request, a failing git) is a
:class:`FluxerPatchError`: ``str()`` is one line naming the problem, and the command line
catches the root once, prints that line and exits 2.  Exceptions used for control flow
inside a layer (a primitive's "this shape is not editable") are not errors of this kind.

Imports nothing of the package: every layer may raise these.
"""


def one_line(message: str) -> str:
    """How a problem is printed: its first line (``error`` when it has none)."""
    return message.strip().splitlines()[0] if message.strip() else "error"


class FluxerPatchError(Exception):
    """Root of the errors reported as one line on stderr, exit 2."""

    exit_code = 2


class BadInput(FluxerPatchError):
    """Input the tool cannot work with: a malformed catalogue, a file that is not UTF-8,
    an unknown revision, a path that is not a checkout."""


class CatalogueProblem(BadInput, ValueError):
    """A manifest or query of the catalogue is malformed; ``str()`` names the file and the problem."""


class Refused(FluxerPatchError):
    """The tool will not do what was asked, because doing it would lose or mix someone's
    work (a branch holding foreign commits, local changes under ``--commit``, a file changed
    while the run wrote)."""


class GitFailure(FluxerPatchError):
    """A git command failed; ``str()`` is the line of git's stderr that names the problem."""
