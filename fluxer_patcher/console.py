"""The ``fluxer-patch`` console script: Ctrl-C while the command line is still being imported
is ``fluxer-patch: aborted`` (exit 130), like Ctrl-C anywhere later, never a traceback.

A ``check`` or ``apply`` that ran before on the same inputs is replayed before the command
line is imported (:mod:`fluxer_patcher.app.replay`); any other run is recorded for next time.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing's, without importing typing (a replay imports little)
if TYPE_CHECKING:
    from fluxer_patcher.app.replay import Lane


def main() -> None:
    lane = None
    try:
        from fluxer_patcher.app.replay import Lane

        lane = Lane.open(sys.argv[1:])
        if lane is not None:
            code = _replayed(lane)
            if code is not None:
                sys.stdout.flush()
                sys.exit(code)
            lane.record()
        from fluxer_patcher.cli.main import main as run
    except KeyboardInterrupt:
        sys.stderr.write("fluxer-patch: aborted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    if lane is None:
        run()
        return
    try:
        run()
    except SystemExit as exc:
        lane.finish(exc.code)
        raise
    lane.finish(0)


def _replayed(lane: Lane) -> int | None:
    """The exit code of the replayed invocation (``None``: not replayed); a problem is one
    line on stderr, as the command line prints it."""
    from fluxer_patcher.errors import FluxerPatchError, one_line

    try:
        return lane.replay()
    except FluxerPatchError as exc:
        sys.stderr.write(f"fluxer-patch: {one_line(str(exc))}\n")
        return exc.exit_code
