"""Replaying a whole ``check`` or ``apply`` that ran before on the same inputs, before the
command line is even imported (as turborepo replays a cached task's output, or ccache a
compiler run): the same output, the same exit code, and for ``apply`` the same files written.

An invocation is keyed by what it was started with: its arguments, the current directory,
the environment variables that can change what it does (:data:`ENV_PREFIXES`,
:data:`ENV_NAMES`), which of stdin/stdout/stderr are terminals and their encodings, the
umask, the Python and this tool's code and installed distributions.  The entry lives in a
slot named by all but the last two (cheap to ask), and holds the whole key, compared once
``git status`` has started (:attr:`Lane.key`).  It holds the
**facts** the run established, each as a question with its answer, each asked again by a
replay (:data:`FACTS`): the file-system answers that found the directory it worked on and showed
that it could (:mod:`fluxer_patcher.source.roots`), the catalogue's bytes,
every answer the tree gave (:mod:`fluxer_patcher.source.recording`), whether a journal was
waiting, which target files git saw changed; then the files ``apply`` wrote (their bytes
before and after) and the output, in order.  A replay happens only when every fact still
holds; ``apply`` asks them again under the checkout's lock and writes through the same
all-or-nothing writer.  Anything else (a fact that moved, an entry of another version, the
lock taken, a failed write, which the writer undoes) falls back to the ordinary run, which
then keeps a new entry.

Only runs that say they are complete are kept (:func:`complete`, called by ``app.run`` once
every input of the run was noted with :func:`note`), and only with exit code 0 or 1: an
error, ``--commit``, a revision, or an interrupted run that had to be undone first is never
replayed.  ``--no-cache`` and ``FLUXER_PATCH_NO_CACHE`` turn this off with the result cache.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence

from fluxer_patcher.app import cachefiles

TYPE_CHECKING = False  # typing's, without importing typing: nothing is imported before git starts
if TYPE_CHECKING:
    from typing import Any, TextIO

    Fact = tuple[str, tuple[Any, ...], Any]  # (kind, arguments, answer)

FORMAT = b"fluxer-patch invocation 1\n"
COMMANDS = ("check", "apply")
ENV_PREFIXES = ("FLUXER_PATCH_", "GIT_", "XDG_", "LC_", "PYTHON")
ENV_NAMES = frozenset({
    "PATH", "HOME", "LANG", "LANGUAGE", "TERM", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TZ", "EMAIL",
    "USER", "LOGNAME", "TMPDIR",
})

# -- facts: what a run established, and how a replay asks again ---------------------------


def _probes(probes: Sequence[tuple[str, str, bool]]) -> bool:
    from fluxer_patcher.source import roots

    return roots.still_so(probes)


def _catalogue(folders: Sequence[str], files: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return cachefiles.file_digests(list(folders), set(files))


def _answers(root: str, answers: Sequence[tuple[Any, str]]) -> bool:
    from fluxer_patcher.source.recording import still_holds
    from fluxer_patcher.source.worktree import WorkTree

    return still_holds(WorkTree(root), answers)


def _journal(root: str) -> list[str]:
    from fluxer_patcher.output.statepaths import pending_note

    return pending_note(root)


def _start_local(root: str, paths: Sequence[str]) -> Callable[[], list[str]]:
    from fluxer_patcher.git.status import LocalChanges

    return LocalChanges(root, list(paths)).answer


def _local(root: str, paths: Sequence[str]) -> list[str]:
    return _start_local(root, paths)()


FACTS: dict[str, Callable[..., Any]] = {
    "probes": _probes,  # (file-system questions with answers,) -> True: answered alike (the directory
    # worked on found again, and that it can be)
    "catalogue": _catalogue,  # (folders, files) -> every catalogue file with a digest
    "answers": _answers,  # (tree, recorded answers) -> True: the tree answers alike
    "journal": _journal,  # (tree,) -> the note on an interrupted run's journal
    "local": _local,  # (tree, target files) -> those with local changes
}


# Questions that take a while (git runs): asked first, answered while the others are asked.
STARTED: dict[str, Callable[..., Callable[[], Any]]] = {"local": _start_local}


class Questions:
    """An entry's facts being asked again: those that take a while (:data:`STARTED`) at once,
    so that they run while the replay does other work; :meth:`hold` asks the rest in order."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self._facts = facts
        self._waiting: dict[int, Callable[[], Any]] = {}
        self._broken = False
        try:
            for i, (kind, args, _answer) in enumerate(facts):
                if kind in STARTED:
                    self._waiting[i] = STARTED[kind](*args)
        except Exception:  # an entry of another version, or a question that cannot be asked now
            self._broken = True

    def hold(self) -> bool:
        """Whether every fact is still so (it stops at the first that is not)."""
        try:
            return self.hold_asked() and self.hold_started()
        finally:
            self.close()

    def hold_asked(self) -> bool:
        """Whether every fact asked here (not started: :data:`STARTED`) is still so, in order;
        those started go on running."""
        if self._broken:
            return False
        try:
            return all(FACTS[kind](*args) == answer for i, (kind, args, answer) in enumerate(self._facts)
                       if i not in self._waiting)
        except Exception:  # an entry of another version, or a fact that cannot be asked now: a miss
            return False

    def hold_started(self) -> bool:
        """Whether every fact started at once is still so (waiting for each)."""
        if self._broken:
            return False
        try:
            return all(self._waiting.pop(i)() == self._facts[i][2] for i in sorted(self._waiting))
        except Exception:
            return False

    def close(self) -> None:
        """Wait for what was started and is no longer wanted."""
        while self._waiting:
            with contextlib.suppress(Exception):
                self._waiting.popitem()[1]()


def holds(facts: Sequence[Fact]) -> bool:
    """Whether every fact is still so."""
    return Questions(facts).hold()


# -- noting a run (called by the app layer; nothing happens outside a recorded invocation) -


class _Recording:
    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.writes: list[tuple[str, bytes, bytes]] = []
        self.lock = ""  # the checkout whose lock the run held
        self.output: list[tuple[int, str]] = []
        self.complete = False
        self.spoiled = False
        self.apply: dict[str, Any] | None = None  # a check's: what apply would do now (note_apply)


_active: _Recording | None = None


def note(kind: str, args: tuple[Any, ...], answer: Any) -> None:
    """A fact the run now depends on (``kind`` names its question in :data:`FACTS`)."""
    if _active is not None:
        _active.facts.append((kind, args, answer))


def note_lock(root: str) -> None:
    """The run holds the lock of the checkout at ``root`` (a replay takes it too)."""
    if _active is not None:
        _active.lock = root


def note_writes(changes: Sequence[Any]) -> None:
    """The files an ``apply`` is about to write (:class:`~fluxer_patcher.model.FileChange`)."""
    if _active is not None:
        _active.writes.extend((c.path, c.before, c.after) for c in changes)


class _Capture:
    """Text kept in memory, answering ``isatty`` as ``like`` does (a report colours by it)."""

    def __init__(self, like: TextIO) -> None:
        self._like = like
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def isatty(self) -> bool:
        return self._like.isatty()


def note_apply(render: Callable[[TextIO], None], code: int, changes: Sequence[Any], lock: str) -> None:
    """A ``check``'s: what ``apply`` with the same arguments would do now on the same facts,
    its output rendered now (by ``render``, as that apply would print it on stdout), with its
    exit code, the files it would write (:class:`~fluxer_patcher.model.FileChange`) and the
    checkout whose lock it would take.  Kept as that apply's entry when the check's is kept."""
    if _active is None:
        return
    out = _Capture(sys.stdout)
    render(out)  # type: ignore[arg-type]  # a stream as far as a report writes to it
    _active.apply = {"output": ((1, "".join(out.parts)),), "code": code, "lock": lock,
                     "writes": tuple((c.path, c.before, c.after) for c in changes)}


def recording() -> bool:
    """Whether this process records an invocation (a fact costly to establish is noted only then)."""
    return _active is not None


def complete() -> None:
    """Every input of this run is noted: its output may be replayed."""
    if _active is not None:
        _active.complete = True


def spoil() -> None:
    """Something happened that a replay could not do again (e.g. an interrupted run undone)."""
    if _active is not None:
        _active.spoiled = True


class _Tee:
    """A text stream that also notes what is written to it (and answers as the stream).  Who
    reaches past it, to the bytes underneath, writes what it cannot note: the run is not kept."""

    def __init__(self, stream: TextIO, fd: int, log: list[tuple[int, str]]) -> None:
        self._stream, self._fd, self._log = stream, fd, log

    def write(self, text: str) -> int:
        self._log.append((self._fd, text))
        return self._stream.write(text)

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name in ("buffer", "fileno"):
            spoil()
        return getattr(self._stream, name)


# -- the lane ---------------------------------------------------------------------------


def _environment() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k in ENV_NAMES or k.startswith(ENV_PREFIXES)))


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _streams() -> tuple[object, ...]:
    return tuple((os.isatty(fd), getattr(s, "encoding", None), getattr(s, "errors", None))
                 for fd, s in ((0, sys.stdin), (1, sys.stdout), (2, sys.stderr)))


class Lane:
    """One invocation: replayed from its entry, or recorded into a new one."""

    def __init__(self, folder: str, slot: str, argv: Sequence[str] = ()) -> None:
        self.path = os.path.join(folder, "invocations", slot)
        self.slot = slot
        self.argv = tuple(argv)
        self._key: str | None = None
        self._saved: tuple[TextIO, TextIO] | None = None

    @classmethod
    def open(cls, argv: list[str]) -> Lane | None:
        """The lane of a ``check`` or ``apply`` invocation, or ``None`` for anything else (or
        with the cache off)."""
        if not argv or argv[0] not in COMMANDS or "--no-cache" in argv or "--commit" in argv:
            return None
        folder = cachefiles.folder()
        if folder is None:
            return None
        try:
            material = (FORMAT, sys.version, sys.executable, tuple(sys.path), tuple(argv), os.getcwd(),
                        _environment(), _streams(), _umask())
        except OSError:  # the current directory is gone
            return None
        return cls(folder, cachefiles.key_of(material), argv)

    @property
    def key(self) -> str:
        """The whole key: the slot (where the entry lives: what the invocation was started
        with) and this tool's code and installed distributions, which take a few hundred
        ``stat`` calls, so a replay asks them once git has started."""
        if self._key is None:
            self._key = cachefiles.key_of((self.slot, cachefiles.code_signature(), cachefiles.distributions()))
        return self._key

    # -- replaying -------------------------------------------------------------------------

    def _entry(self) -> dict[str, Any] | None:
        """The slot's entry, its key not yet compared."""
        data = cachefiles.read_raw(self.path)
        entry = None if data is None else cachefiles.unpack(data, FORMAT)
        return entry if isinstance(entry, dict) else None

    def replay(self) -> int | None:
        """Do the invocation again from its entry: the exit code, or ``None`` (a miss).  A
        signal while ``apply`` replaces files is :class:`~fluxer_patcher.output.writer.Interrupted`,
        as in a run computed afresh."""
        entry = self._entry()
        if entry is None:
            return None
        try:
            facts, writes, output, code, lock = (entry["facts"], entry["writes"], entry["output"], entry["code"],
                                                 entry["lock"])
        except (KeyError, TypeError):
            return None
        questions = Questions(facts)  # git starts now, while the rest is read and imported
        try:
            if entry.get("key") != self.key:  # another version of the tool, or of what it runs on
                return None
            if lock:
                if not self._apply(lock, questions, writes):
                    return None
            elif writes or not questions.hold():
                return None
            for fd, text in output:
                (sys.stdout if fd == 1 else sys.stderr).write(text)
            return int(code)
        except (KeyError, TypeError, ValueError):
            return None
        finally:
            questions.close()

    def _apply(self, root: str, questions: Questions, writes: Sequence[tuple[str, bytes, bytes]]) -> bool:
        """Under the checkout's lock: when every fact holds, write what the run wrote.  (git
        started before the lock was taken, as a run computed afresh may ask git before it
        writes: the lock orders fluxer-patch runs, not git's index; the files themselves are
        asked again under it, and the writer compares each one's bytes before replacing it.)
        The facts git answers are awaited once the new files are flushed, before the first
        rename: a fact that moved withdraws the write with nothing replaced."""
        from fluxer_patcher.changes import FileChange
        from fluxer_patcher.errors import FluxerPatchError
        from fluxer_patcher.output import journal
        from fluxer_patcher.output.writer import Interrupted, Withdrawn, write_changes
        from fluxer_patcher.source.worktree import WorkTree

        try:
            with journal.locked(root):
                if not questions.hold_asked():
                    return False
                if not writes:
                    return questions.hold_started()
                # git answers while the new files are written and flushed, before any is renamed
                write_changes(WorkTree(root), [FileChange(*w) for w in writes], lock=False,
                              ready=questions.hold_started)
        except Interrupted:
            raise  # a signal stops the run as it stops a run computed afresh (the files are put back)
        except (FluxerPatchError, OSError, Withdrawn):  # busy, a failed write (undone), a fact moved: run afresh
            return False
        return True

    # -- recording -------------------------------------------------------------------------

    def record(self) -> None:
        """Note what this invocation establishes and writes, from now on."""
        global _active
        _active = _Recording()
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = _Tee(sys.stdout, 1, _active.output)
        sys.stderr = _Tee(sys.stderr, 2, _active.output)

    def finish(self, code: object) -> None:
        """Keep the entry when the run was complete and ended with exit code 0 or 1."""
        global _active
        recording, _active = _active, None
        if self._saved is not None:
            sys.stdout, sys.stderr = self._saved
        code = 0 if code is None else code
        if recording is None or not recording.complete or recording.spoiled or code not in (0, 1):
            return
        if cachefiles.folder() is None:  # --no-cache turned it off during the run
            return
        entry = {
            "key": self.key,
            "facts": tuple(recording.facts),
            "lock": recording.lock,
            "writes": tuple(recording.writes),
            "output": tuple(recording.output),
            "code": code,
        }
        try:
            data = cachefiles.pack(entry, FORMAT)
        except ValueError:  # something noted that marshal cannot keep: not replayable
            return
        cachefiles.write_entry(self.path, data)
        if recording.apply is not None and recording.apply["code"] in (0, 1):
            self._keep_apply(recording.facts, recording.apply)

    def _keep_apply(self, facts: Sequence[Fact], apply: dict[str, Any]) -> None:
        """The entry of ``apply`` with this check's arguments: this check's facts (the same
        questions an apply asks, and under its lock), the files it would write, its output."""
        argv = _apply_argv(self.argv)
        lane = None if argv is None else Lane.open(argv)
        if lane is None:
            return
        entry = {"key": lane.key, "facts": tuple(facts), **apply}
        try:
            data = cachefiles.pack(entry, FORMAT)
        except ValueError:
            return
        cachefiles.write_entry(lane.path, data)


# Options of one of the two commands only: a check given any (or a value spelled like one) keeps
# no apply entry, so that the apply's arguments mean what the check's did.
_OWN_OPTIONS = ("--exit-code", "--repo", "--rev", "--fetch", "--dry-run", "--commit", "--base-domain", "--author",
                "--committer")


def _apply_argv(argv: Sequence[str]) -> list[str] | None:
    """``apply`` with ``check``'s arguments (``fluxer-patch apply ARGS`` after ``check ARGS``),
    or ``None`` when an argument is not one both commands read alike."""
    if not argv or argv[0] != "check" or any(a.startswith(_OWN_OPTIONS) for a in argv[1:]):
        return None
    return ["apply", *argv[1:]]
