"""The ``fluxer-patch`` console script: Ctrl-C while the command line is still being imported
is ``fluxer-patch: aborted`` (exit 130), like Ctrl-C anywhere later, never a traceback."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from fluxer_patcher.cli.main import main as run
    except KeyboardInterrupt:
        sys.stderr.write("fluxer-patch: aborted\n")
        sys.exit(130)
    run()
