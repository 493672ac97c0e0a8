"""Where git runs: processes, their errors; the object reader.

* Every git process starts here (or, for the one command a replay starts before anything is
  imported, ``git status``, in :mod:`.spawn`), with the caller's ``GIT_DIR``/``GIT_WORK_TREE``/index
  variables removed (the repository is always named explicitly), messages in English
  (``LC_ALL=C``, so the ``fatal:`` line can be read), no terminal prompt, and a timeout.
* A failure is a :class:`~fluxer_patcher.errors.GitFailure` whose text is the line of
  stderr that names the problem (:func:`stderr_problem`).
* Values a user gave (a remote, a revision, a branch name) pass :func:`user_value` or go
  after ``--``/``--end-of-options``: a value starting with ``-`` never becomes an option.
* Objects are read by id through one ``git cat-file --batch`` process per repository
  (:class:`Handle`); a repository is found by one ``git rev-parse`` (:func:`open_handle`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fluxer_patcher.errors import BadInput, GitFailure
from fluxer_patcher.git.environment import clean_env as clean_env  # every git process's

if TYPE_CHECKING:
    from typing import IO

TIMEOUT = 300.0  # seconds for any local command
NETWORK_TIMEOUT = 1800.0  # fetch, push, ls-remote


class RevisionError(BadInput):
    """The repository or revision cannot be used; ``str()`` is one line."""


def stderr_problem(stderr: bytes | str) -> str:
    """The line of git's stderr that names the problem: the first ``fatal:`` or ``error:``
    line, else the first line; ``""`` when there is none."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    return (errors or lines or [""])[0]


def user_value(value: str, what: str) -> str:
    """``value`` unchanged, or :class:`BadInput` when git could read it as an option."""
    if value.startswith("-"):
        raise BadInput(f"{what} {value!r}: must not start with '-'")
    return value


class Git:
    """git commands against one repository directory (``git_dir``), or in a directory (``cwd``).

    A plain class, not a dataclass: running git must not import :mod:`dataclasses` (a replay,
    ``app.replay``, runs ``git status`` and little else)."""

    __slots__ = ("config", "cwd", "git_dir", "work_tree")

    def __init__(self, git_dir: str | None = None, work_tree: str | None = None, cwd: str | None = None,
                 config: tuple[str, ...] = ("i18n.commitEncoding=UTF-8",)) -> None:
        self.git_dir, self.work_tree, self.cwd, self.config = git_dir, work_tree, cwd, config

    def _fields(self) -> tuple[object, ...]:
        return (self.git_dir, self.work_tree, self.cwd, self.config)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Git) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Git(git_dir={self.git_dir!r}, work_tree={self.work_tree!r}, cwd={self.cwd!r}, config={self.config!r})"

    def command(self, *args: str) -> list[str]:
        cmd = ["git"]
        if self.git_dir is not None:
            cmd.append(f"--git-dir={self.git_dir}")
        if self.work_tree is not None:
            cmd.append(f"--work-tree={self.work_tree}")
        for setting in self.config:
            cmd += ["-c", setting]
        return [*cmd, *args]

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        timeout: float = TIMEOUT,
    ) -> subprocess.CompletedProcess[bytes]:
        cwd = self.cwd or self.work_tree
        try:
            proc = subprocess.run(
                self.command(*args), input=input, capture_output=True, env=clean_env(env), check=False,
                cwd=cwd, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise GitFailure(f"git {args[0]} did not finish within {timeout:.0f} s") from None
        except OSError as exc:
            raise GitFailure(f"cannot run git: {exc.strerror or exc}") from None
        if check and proc.returncode != 0:
            raise GitFailure(stderr_problem(proc.stderr) or f"git {args[0]} failed (exit {proc.returncode})")
        return proc

    def spool(self, *args: str, input: bytes) -> Spooled:
        """Start the command now on ``input``, its output kept in temporary files, to be
        waited for later (:meth:`Spooled.finish`): it runs to the end beside the caller's work
        however much it prints (a pipe would stop it once full).  The same answer, and the
        same failures, as :meth:`run` gives when finished."""
        return Spooled(self, args, input)

    def out(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            timeout: float = TIMEOUT) -> str:
        return self.run(*args, input=input, env=env, timeout=timeout).stdout.decode("utf-8", "replace").strip()

    def ok(self, *args: str) -> bool:
        """Whether the command exits 0 (its output is not wanted)."""
        return self.run(*args, check=False).returncode == 0


class Spooled:
    """A git command running on input from a temporary file into temporary files
    (:meth:`Git.spool`); :meth:`close` stops it when its answer is not wanted."""

    def __init__(self, git: Git, args: tuple[str, ...], input: bytes) -> None:
        self._name = args[0]
        self._proc: subprocess.Popen[bytes] | None = None
        self._failure: GitFailure | None = None  # raised by finish(), as run() would raise it
        self._later: tuple[Git, tuple[str, ...], bytes] | None = None  # no temporary files: run() when finished
        self._files: list[IO[bytes]] = []  # stdin, stdout, stderr; closed by close(), which finish() calls
        import tempfile  # here: a replay runs git and imports little

        try:
            for _ in range(3):
                self._files.append(tempfile.TemporaryFile())  # noqa: SIM115
            self._files[0].write(input)
            self._files[0].seek(0)
        except OSError:
            self.close()
            self._later = (git, args, input)
            return
        try:
            self._proc = subprocess.Popen(git.command(*args), stdin=self._files[0], stdout=self._files[1],
                                          stderr=self._files[2], env=clean_env(), cwd=git.cwd or git.work_tree)
        except OSError as exc:
            self._failure = GitFailure(f"cannot run git: {exc.strerror or exc}")

    def finish(self, check: bool = True, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[bytes]:
        """Wait for it: what it printed and its exit code; :class:`GitFailure` as :meth:`Git.run`
        raises it (past ``timeout``, or with ``check`` when it failed)."""
        try:
            if self._later is not None:
                git, args, input = self._later
                return git.run(*args, input=input, check=check, timeout=timeout)
            if self._failure is not None:
                raise self._failure
            assert self._proc is not None
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise GitFailure(f"git {self._name} did not finish within {timeout:.0f} s") from None
            stdout, stderr = (self._read(f) for f in self._files[1:])
            if check and self._proc.returncode != 0:
                problem = stderr_problem(stderr)
                raise GitFailure(problem or f"git {self._name} failed (exit {self._proc.returncode})")
            return subprocess.CompletedProcess(self._proc.args, self._proc.returncode, stdout, stderr)
        finally:
            self.close()

    @staticmethod
    def _read(file: IO[bytes]) -> bytes:
        file.seek(0)
        return file.read()

    def close(self) -> None:
        """Stop the command if it still runs, and drop its files."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            self._proc = None
        for file in self._files:
            file.close()
        self._files = []


class _Missing(GitFailure):
    """``git cat-file --batch`` answered that it has no such object."""


class BatchReader:
    """Objects read through one ``git cat-file --batch`` process (close it when done)."""

    def __init__(self, git: Git) -> None:
        self._proc = subprocess.Popen(
            git.command("cat-file", "--batch"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=clean_env(), cwd=git.cwd or git.work_tree,
        )

    def read(self, name: str) -> tuple[str, str, bytes]:
        """``(id, type, content)`` of the object ``name`` (an id, or ``REV^{tree}``)."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        try:
            self._proc.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            self._proc.stdin.flush()
        except OSError as exc:  # it had died
            raise GitFailure(f"git cat-file stopped while reading objects ({exc.strerror or exc})") from None
        header = self._proc.stdout.readline().decode("utf-8", "replace").split()
        if not header or (len(header) == 2 and header[1] == "missing"):
            # no such object, or git died on this one (a partial clone that cannot fetch it)
            raise _Missing(f"{name}: missing object")
        if len(header) != 3:
            raise GitFailure(f"{name}: {' '.join(header[1:]) or 'unreadable'} object")
        data = self._proc.stdout.read(int(header[2]) + 1)[:-1]
        return header[0], header[1], data

    def read_many(self, names: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """:meth:`read` of each of ``names`` in one round trip; ``None`` for one git lacks."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        found: list[tuple[str, str, bytes] | None] = []
        try:
            self._proc.stdin.write(b"".join(n.encode("utf-8", "surrogateescape") + b"\n" for n in names))
            self._proc.stdin.flush()
            for _ in names:
                header = self._proc.stdout.readline().decode("utf-8", "replace").split()
                if len(header) != 3:  # "<name> missing"
                    found.append(None)
                    continue
                found.append((header[0], header[1], self._proc.stdout.read(int(header[2]) + 1)[:-1]))
        except (OSError, ValueError) as exc:
            raise GitFailure(f"git cat-file stopped while reading objects ({exc})") from None
        return found

    def close(self) -> None:
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # the process had died: nothing left to flush
                    pipe.close()
        self._proc.wait()


# -- discovery and the object database ------------------------------------------------------


class MissingObject(LookupError):
    """The repository does not have the object (a partial clone, a mirror without a large blob)."""


class Handle:
    """A repository that was opened: where it is, and its object reader (one ``git cat-file
    --batch`` process, started on the first read)."""

    def __init__(self, git_dir: str, working_dir: str | None) -> None:
        self.git_dir = git_dir
        self.working_dir = working_dir  # None for a bare repository or a mirror
        self._reader: BatchReader | None = None

    def batch(self) -> BatchReader:
        """The object reader (started if it is not running); :meth:`close` stops it."""
        if self._reader is None:
            self._reader = BatchReader(Git(git_dir=self.git_dir))
        return self._reader

    def read(self, binsha: bytes) -> tuple[str, bytes]:
        """The type (``"blob"``, ``"tree"``, ``"commit"`` ...) and content of the object ``binsha``."""
        for attempt in (1, 2):
            reader = self.batch()
            try:
                _, kind, data = reader.read(binsha.hex())
                return kind, data
            except GitFailure as exc:
                # cat-file answered "missing", or it had died (a partial clone that could not
                # fetch the object): the next read starts a new one.
                self._reader = None
                reader.close()
                if isinstance(exc, _Missing):
                    raise MissingObject(binsha.hex()) from None
                if attempt == 2:
                    raise GitFailure(f"{self.git_dir}: git cat-file stopped while reading objects") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the object reader (a later read starts a new one)."""
        if self._reader is not None:
            reader, self._reader = self._reader, None
            reader.close()

    def __del__(self) -> None:
        self.close()


def open_handle(path: str | os.PathLike[str]) -> Handle:
    """The repository at ``path``: a clone, a linked worktree, a bare repository or a mirror.

    ``path`` is the top of a work tree or a git directory itself (git is not asked to look in
    parent directories); its work tree or git directory is named by ``path`` as given, made
    absolute."""
    where = os.path.normpath(os.path.abspath(os.path.expanduser(os.fspath(path))))
    if not os.path.exists(where):
        raise RevisionError(f"{path}: no such directory")
    args = ("rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-inside-work-tree")
    try:
        proc = Git(cwd=where).run(*args, check=False, timeout=30,
                                  env={"GIT_CEILING_DIRECTORIES": os.path.dirname(where)})
    except GitFailure:
        if not os.path.isdir(where):
            raise RevisionError(f"{path}: not a git repository") from None
        raise
    problem = stderr_problem(proc.stderr)
    if proc.returncode != 0:
        if "dubious ownership" in problem:
            raise GitFailure(f"{where}: {problem} (git config --global --add safe.directory {where} "
                             "if you trust it)")
        if "not a git repository" in problem:
            raise RevisionError(f"{path}: not a git repository")
        raise GitFailure(f"{path}: {problem or 'git refused the repository'}")
    git_dir, bare, inside = proc.stdout.decode("utf-8", "surrogateescape").splitlines()[:3]
    if inside == "true":  # the top of a work tree (its .git a directory or a file)
        dotgit = os.path.join(where, ".git")
        same = os.path.isdir(dotgit) and os.path.realpath(dotgit) == os.path.realpath(git_dir)
        return Handle(dotgit if same else git_dir, where)
    if os.path.realpath(where) == os.path.realpath(git_dir):
        git_dir = where
    working = None
    parent = os.path.dirname(where)
    if bare != "true" and os.path.exists(os.path.join(parent, ".git")):
        working = parent  # the .git directory of a work tree: the work tree names it
    return Handle(git_dir, working)


def tree_entries(data: bytes) -> list[tuple[bytes, int, str]]:
    """``(binsha, mode, name)`` of a raw tree object."""
    out = []
    at, end = 0, len(data)
    find = data.find
    while at < end:
        space = find(b" ", at)
        nul = find(b"\0", space + 1)
        if space < 0 or nul < 0 or nul + 21 > end:
            raise ValueError("Truncated tree entry")
        out.append((data[nul + 1 : nul + 21], int(data[at:space], 8),
                    data[space + 1 : nul].decode("utf-8", "surrogateescape")))
        at = nul + 21
    return out
