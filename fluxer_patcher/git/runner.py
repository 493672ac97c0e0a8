"""The one place git runs: processes, their environment, their errors; GitPython's object reader.

* Every git process starts here, with the caller's ``GIT_DIR``/``GIT_WORK_TREE``/index
  variables removed (the repository is always named explicitly), messages in English
  (``LC_ALL=C``, so the ``fatal:`` line can be read), no terminal prompt, and a timeout.
* A failure is a :class:`~fluxer_patcher.errors.GitFailure` whose text is the line of
  stderr that names the problem (:func:`stderr_problem`).
* Values a user gave (a remote, a revision, a branch name) pass :func:`user_value` or go
  after ``--``/``--end-of-options``: a value starting with ``-`` never becomes an option.
* GitPython is imported only here, lazily: its repository discovery and its object
  database (one ``git cat-file --batch`` process per repository) read objects by id.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxer_patcher.errors import BadInput, GitFailure

if TYPE_CHECKING:
    import git as gitpython

_DROP_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
)
TIMEOUT = 300.0  # seconds for any local command
NETWORK_TIMEOUT = 1800.0  # fetch, push, ls-remote


class RevisionError(BadInput):
    """The repository or revision cannot be used; ``str()`` is one line."""


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
    env.update(extra or {})
    return env


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

    def start(self, *args: str) -> Started:
        """Start the command now, to be waited for later (:meth:`Started.finish`), as
        :meth:`run` with ``check=False`` would run it: several run side by side."""
        try:
            proc = subprocess.Popen(self.command(*args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=clean_env(), cwd=self.cwd or self.work_tree)
        except OSError as exc:
            raise GitFailure(f"cannot run git: {exc.strerror or exc}") from None
        return Started(proc, args[0])

    def out(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            timeout: float = TIMEOUT) -> str:
        return self.run(*args, input=input, env=env, timeout=timeout).stdout.decode("utf-8", "replace").strip()

    def ok(self, *args: str) -> bool:
        """Whether the command exits 0 (its output is not wanted)."""
        return self.run(*args, check=False).returncode == 0


class Started:
    """A git command running (:meth:`Git.start`)."""

    def __init__(self, proc: subprocess.Popen[bytes], name: str) -> None:
        self._proc, self._name = proc, name

    def finish(self, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[bytes]:
        """Wait for it: what it printed and its exit code (:class:`GitFailure` past ``timeout``)."""
        try:
            stdout, stderr = self._proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.communicate()
            raise GitFailure(f"git {self._name} did not finish within {timeout:.0f} s") from None
        return subprocess.CompletedProcess(self._proc.args, self._proc.returncode, stdout, stderr)


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
            header = self._proc.stdout.readline().decode("utf-8", "replace").split()
        except OSError as exc:
            raise GitFailure(f"git cat-file stopped while reading objects ({exc.strerror or exc})") from None
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
                pipe.close()
        self._proc.wait()


# -- GitPython: discovery and the object database ------------------------------------------


class MissingObject(LookupError):
    """The repository does not have the object (a partial clone, a mirror without a large blob)."""


class Handle:
    """A repository opened with GitPython: where it is, and its object reader."""

    def __init__(self, git_dir: str, working_dir: str | None, repo: Any) -> None:
        self.git_dir = git_dir
        self.working_dir = working_dir  # None for a bare repository or a mirror without a config
        self.repo = repo  # gitpython.Repo; kept untyped so that importing this module does not import GitPython

    def read(self, binsha: bytes) -> tuple[str, bytes]:
        """The type (``"blob"``, ``"tree"``, ``"commit"`` ...) and content of the object
        ``binsha`` (read whole: the stream shares one pipe)."""
        from gitdb.exc import ODBError

        for attempt in (1, 2):
            try:
                stream = self.repo.odb.stream(binsha)
                data: bytes = stream.read()
                break
            except (ODBError, ValueError) as exc:
                # git cat-file may have died on this object (a partial clone that cannot
                # fetch it): start a new one for the next read.
                self.repo.git.clear_cache()
                raise MissingObject(binsha.hex()) from exc
            except OSError as exc:  # the cat-file process had died: once more with a new one
                self.repo.git.clear_cache()
                if attempt == 2:
                    raise GitFailure(f"{self.git_dir}: git cat-file stopped while reading objects "
                                     f"({exc.strerror or exc})") from None
        kind = stream.type
        return kind.decode("ascii") if isinstance(kind, bytes) else str(kind), data


def open_handle(path: str | os.PathLike[str]) -> Handle:
    """The repository at ``path``: a clone, a linked worktree, a bare repository or a mirror."""
    import git

    try:
        repo: gitpython.Repo = git.Repo(path, search_parent_directories=False)
    except git.NoSuchPathError:
        raise RevisionError(f"{path}: no such directory") from None
    except git.InvalidGitRepositoryError:
        raise RevisionError(f"{path}: not a git repository") from None
    except git.GitCommandError as exc:
        raise GitFailure(f"{path}: {stderr_problem(str(exc.stderr or '')) or 'git refused the repository'}") from None
    _refuse_dubious_ownership(str(repo.working_dir if not repo.bare else repo.git_dir))
    working: str | None = None if repo.bare else str(repo.working_dir)
    if working is not None and not Path(working, ".git").exists():
        # A bare repository without a config file (a mirror): GitPython takes its parent for
        # a work tree, so point its own git commands at the repository itself.
        repo.git.update_environment(GIT_DIR=repo.git_dir)
        working = None
    return Handle(str(repo.git_dir), working, repo)


def _refuse_dubious_ownership(path: str) -> None:
    """git's own refusal of a repository owned by someone else (``safe.directory``), as
    git words it: GitPython's object reader would otherwise die with a broken pipe."""
    proc = Git(cwd=path).run("rev-parse", "--git-dir", check=False, timeout=30)
    problem = stderr_problem(proc.stderr)
    if proc.returncode != 0 and "dubious ownership" in problem:
        raise GitFailure(f"{path}: {problem} (git config --global --add safe.directory {path} "
                         "if you trust it)")


def tree_entries(data: bytes) -> list[tuple[bytes, int, str]]:
    """``(binsha, mode, name)`` of a raw tree object, parsed by GitPython."""
    from git.objects.fun import tree_entries_from_data

    return list(tree_entries_from_data(data))
