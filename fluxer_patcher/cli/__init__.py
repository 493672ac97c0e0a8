"""The ``fluxer-patch`` command line: parse arguments, call the library, render reports.

``app`` holds the group and its one-line error handling; each ``*_command(s)`` module
registers its commands; heavy imports happen inside the commands."""

from fluxer_patcher.cli import doctor_command, revision_commands, tree_commands
from fluxer_patcher.cli.app import cli, main

__all__ = ["cli", "doctor_command", "main", "revision_commands", "tree_commands"]
