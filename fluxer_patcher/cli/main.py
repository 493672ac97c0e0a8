"""The ``fluxer-patch`` command group: one-line errors, exit codes."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from fluxer_patcher import __version__
from fluxer_patcher.errors import FluxerPatchError, one_line

EXIT_USAGE = 2
EPILOG = """\b
Exit codes: 0 nothing drifted; 1 a fix drifted (check --exit-code: or is pending;
doctor: a problem or a missing file); 2 an error, bad input or a usage error.
\b
Environment: FLUXER_PATCH_CATALOGUE (another catalogue, as --catalogue);
NO_COLOR / FORCE_COLOR (non-empty: colour off / on), TERM=dumb (off);
GIT_AUTHOR_* / GIT_COMMITTER_* (commit identity, as for git)."""


class OneLineGroup(click.Group):
    """A group whose errors are one line on stderr (``fluxer-patch: ...``), never a traceback:
    click's usage errors, and every :class:`~fluxer_patcher.errors.FluxerPatchError`."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with each command's whole first sentence (click cuts it at ~45 columns)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), getattr(exc, "exit_code", EXIT_USAGE))
        except FluxerPatchError as exc:
            _fail(str(exc), exc.exit_code)
        except click.Abort:
            _fail("aborted", 130)
        except BrokenPipeError:
            sys.exit(0)
        sys.exit(code or 0)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"fluxer-patch: {one_line(message)}", err=True)
    sys.exit(code)


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="fluxer-patch")
def cli() -> None:
    """Structural, idempotent fixes that make the Fluxer monorepo build and run for self-hosters."""


def main() -> None:
    cli.main(prog_name="fluxer-patch")
