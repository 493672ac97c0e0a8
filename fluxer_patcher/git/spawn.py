"""One git command started now and waited for later, with nothing but :mod:`os` and
:mod:`select` (a replay, ``app.replay``, starts ``git status`` first and must not pay for
importing :mod:`subprocess`).

The process gets :func:`~fluxer_patcher.git.environment.clean_env`, stdin from ``/dev/null``
and two pipes; ``cwd`` is passed to git as ``-C`` (``os.posix_spawn`` cannot change
directory), which git defines as starting in that directory.  Python ignores SIGPIPE and a
spawned child inherits that (subprocess gives it the default back); git restores the default
itself first thing (``restore_sigpipe_to_default`` in its common main), so nothing is set here."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Sequence

from fluxer_patcher.errors import GitFailure
from fluxer_patcher.git.environment import clean_env

_SIGKILL = 9  # POSIX's number (the signal module builds enums on import)


class Finished:
    """What a :class:`Spawned` command printed, and its exit code."""

    __slots__ = ("returncode", "stderr", "stdout")

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


class Spawned:
    """``git [-C cwd] ARGS`` running."""

    def __init__(self, args: Sequence[str], cwd: str | None = None) -> None:
        self._name = args[0] if args else "git"
        command = ["git", *(("-C", cwd) if cwd is not None else ()), *args]
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out_w, 1),
            (os.POSIX_SPAWN_DUP2, err_w, 2),
            (os.POSIX_SPAWN_CLOSE, out_r),
            (os.POSIX_SPAWN_CLOSE, err_r),
        ]
        try:
            self._pid: int | None = os.posix_spawnp("git", command, clean_env(), file_actions=actions)
        except OSError as exc:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            raise GitFailure(f"cannot run git: {exc.strerror or exc}") from None
        os.close(out_w)
        os.close(err_w)
        self._pipes = {out_r: bytearray(), err_r: bytearray()}
        self._out, self._err = out_r, err_r

    def finish(self, timeout: float) -> Finished:
        """Wait for it (:class:`GitFailure` past ``timeout`` seconds, the process killed)."""
        try:
            self._drain(timeout)
        except BaseException:
            self._kill()
            raise
        finally:
            for fd in self._pipes:
                os.close(fd)
        _, status = os.waitpid(self._pid, 0) if self._pid is not None else (0, 0)
        self._pid = None
        code = os.waitstatus_to_exitcode(status)
        return Finished(code, bytes(self._pipes[self._out]), bytes(self._pipes[self._err]))

    def _drain(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        poller = select.poll()
        open_fds = set(self._pipes)
        for fd in open_fds:
            poller.register(fd, select.POLLIN)
        while open_fds:
            left = deadline - time.monotonic()
            if left <= 0:
                raise GitFailure(f"git {self._name} did not finish within {timeout:.0f} s")
            for fd, _event in poller.poll(left * 1000):
                chunk = os.read(fd, 65536)
                if chunk:
                    self._pipes[fd] += chunk
                else:
                    poller.unregister(fd)
                    open_fds.discard(fd)

    def _kill(self) -> None:
        if self._pid is not None:
            try:
                os.kill(self._pid, _SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = None
