"""The ``fluxer-patch`` command line: parse arguments, call ``app``, render with ``report``.

:mod:`.main` holds the group and its one-line error handling; each ``*_command(s)`` module
registers its commands; everything past argument parsing is imported inside the commands.
May import: every layer.
"""

from fluxer_patcher.cli import doctor_command, revision_commands, tree_commands
from fluxer_patcher.cli.main import EPILOG, cli, main

for _command in cli.commands.values():  # exit codes and environment on every command's --help
    _command.epilog = _command.epilog or EPILOG

__all__ = ["cli", "doctor_command", "main", "revision_commands", "tree_commands"]
