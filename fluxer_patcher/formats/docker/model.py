"""What a Dockerfile's instructions do: effects on a stage's state, and the state at a point.

Every instruction has *effects* (:class:`Effect`): files it writes (COPY/ADD destinations,
``RUN … > file``, ``cp``, ``tee``), files it edits in place (``sed -i``), ENV and ARG values,
packages it installs (and with which package manager), tools it installs (rustup, rustc,
a Rust target, wasm-pack: by any of their usual commands), directories it puts on PATH
(``ENV PATH``: an ``export PATH=…`` or a sourced ``~/.cargo/env`` in a RUN holds for that
RUN's own commands only, so it puts nothing on the stage's PATH).
:func:`state_at` folds the effects of a stage, of the stages it derives from (ENV, files,
packages and tools carry over a ``FROM <stage>``; ARG does not, as in Docker) and of the
base image, up to one instruction.  Fixes are judged on that state: an instruction of a fix
is present when the state already has what it does, in any form.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from fluxer_patcher.formats.docker import dockerfile
from fluxer_patcher.formats.shell import script as shell
from fluxer_patcher.formats.shell import sed
from fluxer_patcher.record import dataclass, field

if TYPE_CHECKING:
    from tree_sitter import Node

# An effect's kind: what it changes.
FILE = "file"  # key: an absolute path; value: where its content comes from
EDIT = "edit"  # key: a path edited in place (sed -i); value: the script
ENV = "env"  # key: a variable; value: its value
ARG = "arg"
PACKAGE = "package"  # key: "<manager>:<name>"
TOOL = "tool"  # key: rustup, rustc, cargo, wasm-pack
TARGET = "target"  # key: a Rust target triple
ON_PATH = "on-path"  # key: a tool family whose bin directory is on PATH ("cargo")
MANAGER = "manager"  # key: the stage's package manager (apt, apk)
SCRIPT = "script"  # key: "<package>:<script>", a package script run (package: its last path segment)

Reader = Callable[[str], "bytes | None"]  # reads a build-context file (None: absent)


@dataclass(frozen=True)
class Effect:
    """What an instruction makes hold: a file, a variable, a package, a tool, ..."""

    kind: str
    key: str
    value: str = ""


@dataclass
class State:
    """What holds at one point of a stage."""

    effects: list[tuple[Effect, Node | None]] = field(default_factory=list)  # in order; None: the base image

    def has(self, kind: str, key: str) -> bool:
        return self.last(kind, key) is not None

    def last(self, kind: str, key: str) -> tuple[Effect, Node | None] | None:
        found = [(e, n) for e, n in self.effects if e.kind == kind and e.key == key]
        return found[-1] if found else None

    def value(self, kind: str, key: str) -> str | None:
        last = self.last(kind, key)
        return last[0].value if last is not None else None

    def manager(self) -> str | None:
        last = [e.key for e, _ in self.effects if e.kind == MANAGER]
        return last[-1] if last else None

    def _last_write(self, path: str) -> int | None:
        """Index of the last FILE effect on ``path`` or on a directory holding it."""
        return max((i for i, (e, _) in enumerate(self.effects) if e.kind == FILE and _covers(e.key, path)),
                   default=None)

    def written_by(self, path: str) -> tuple[Effect, Node | None] | None:
        """The last write of ``path``: a FILE effect on it, or on a directory holding it."""
        index = self._last_write(path)
        return self.effects[index] if index is not None else None

    def edited_after_write(self, path: str) -> tuple[Effect, Node | None] | None:
        """An in-place edit of ``path`` after its last write."""
        index = self._last_write(path)
        if index is None:
            return None
        edits = [(e, n) for e, n in self.effects[index + 1 :] if e.kind == EDIT and e.key == path]
        return edits[-1] if edits else None


def _covers(written: str, path: str) -> bool:
    """Whether writing ``written`` (a file, or a directory ending in ``/``) writes ``path``."""
    return written == path or (written.endswith("/") and path.startswith(written))


# -- base images ---------------------------------------------------------------------------


def image_effects(image: str) -> list[Effect]:
    """What a base image brings: its package manager, and the Rust toolchain of ``rust:*``."""
    name = image.split("@", 1)[0]
    repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    repo = repo or name
    base = repo.rsplit("/", 1)[-1]
    out: list[Effect] = []
    if base == "alpine" or "alpine" in tag:
        out.append(Effect(MANAGER, "apk"))
    elif base in ("debian", "ubuntu", "node", "rust", "python", "erlang", "buildpack-deps") or tag:
        out.append(Effect(MANAGER, "apt"))
    if base == "rust":
        out += [Effect(TOOL, "rustup"), Effect(TOOL, "rustc"), Effect(TOOL, "cargo"), Effect(ON_PATH, "cargo")]
    return out


# -- instructions --------------------------------------------------------------------------


def effects(node: Node, workdir: str = "/", read: Reader | None = None) -> list[Effect]:
    """What one instruction does (see the module's docstring)."""
    kind = node.type
    if kind == "env_instruction":
        out = [Effect(ENV, name, value) for name, value in dockerfile.pairs(node)]
        for name, value in dockerfile.pairs(node):
            if name == "PATH" and _cargo_bin(value):
                out.append(Effect(ON_PATH, "cargo"))
        return out
    if kind == "arg_instruction":
        return [Effect(ARG, name, value) for name, value in dockerfile.pairs(node)]
    if kind in ("copy_instruction", "add_instruction"):
        return _copy_effects(node, workdir)
    if kind == "run_instruction":
        return command_effects(dockerfile.run_commands(node), workdir, read)
    return []


def _copy_effects(node: Node, workdir: str) -> list[Effect]:
    copy = dockerfile.copy_parts(node)
    if len(copy.paths) < 2:
        return []
    dest = copy.paths[-1].text
    target = posixpath.normpath(posixpath.join(workdir, dest))
    origin = f"from:{copy.flags['from']}" if not copy.from_context else "context"
    out = []
    for source in copy.source_paths:
        is_dir = dest.endswith("/") or len(copy.source_paths) > 1 or source.text.endswith("/")
        if source.text.rstrip("/") in (".", "") or source.text.endswith("/"):
            out.append(Effect(FILE, target.rstrip("/") + "/", f"{origin}:{source.text}"))
        elif is_dir:
            out.append(Effect(FILE, posixpath.join(target, posixpath.basename(source.text)), f"{origin}:{source.text}"))
            out.append(Effect(FILE, target.rstrip("/") + "/", f"{origin}:{source.text}"))
        else:
            out.append(Effect(FILE, target, f"{origin}:{source.text}"))
    return out


_RUSTUP_URL = re.compile(r"sh\.rustup\.rs|static\.rust-lang\.org/rustup")


@functools.cache  # compiled on first use: few Dockerfiles fetch wasm-pack
def _wasm_pack_url() -> re.Pattern[str]:
    return re.compile(r"rustwasm\.github\.io/wasm-pack|wasm-pack/installer|drager/wasm-pack")


_APT_NAMES = {"apt-get", "apt"}


def command_effects(commands: list[shell.Command], workdir: str = "/", read: Reader | None = None,
                    depth: int = 0) -> list[Effect]:
    """What a RUN's commands do, in order."""
    out: list[Effect] = []
    fetched_rustup = False
    fetched_files: set[str] = set()
    for command in commands:
        cwd = posixpath.normpath(posixpath.join(workdir, command.cwd))
        name, args = command.name, command.args
        for path in command.writes():
            out.append(Effect(FILE, posixpath.normpath(posixpath.join(cwd, path)), "run"))
        run = shell.script_run(command, workdir)
        if run is not None:
            out.append(Effect(SCRIPT, f"{posixpath.basename(run.package.rstrip('/')) or run.package}:{run.script}"))
        if name in ("curl", "wget") and any(_RUSTUP_URL.search(a) for a in args):
            fetched_rustup = True
            fetched_files.update(_download_targets(command, cwd))
        elif name in ("curl", "wget") and any(_wasm_pack_url().search(a) for a in args):
            out.append(Effect(TOOL, "wasm-pack"))
        elif name == "rustup-init" or (fetched_rustup and _runs_fetched(command, cwd, fetched_files)):
            out += [Effect(TOOL, "rustup"), Effect(TOOL, "rustc"), Effect(TOOL, "cargo")]
            out += [Effect(TARGET, t) for t in _option_values(args, ("--target", "-t"))]
        elif name == "rustup":
            out += _rustup(args)
        elif name in ("cargo", "npm", "pnpm", "yarn") and _installs(args, "wasm-pack"):
            out.append(Effect(TOOL, "wasm-pack"))
        elif name in _APT_NAMES and "install" in args:
            out.append(Effect(MANAGER, "apt"))
            out += [Effect(PACKAGE, f"apt:{p}") for p in _packages(args, "install")]
        elif name == "apk" and "add" in args:
            out.append(Effect(MANAGER, "apk"))
            out += [Effect(PACKAGE, f"apk:{p}") for p in _packages(args, "add")]
        elif name == "sed" and (call := sed.parse(args)).in_place:
            out += [Effect(EDIT, posixpath.normpath(posixpath.join(cwd, f)), "\n".join(call.scripts))
                    for f in call.files]
        elif name in ("cp", "install") and len(args) >= 2 and not args[-1].startswith("-"):
            out.append(Effect(FILE, posixpath.normpath(posixpath.join(cwd, args[-1])), "run"))
        elif name == "tee":
            out += [Effect(FILE, posixpath.normpath(posixpath.join(cwd, a)), "run") for a in args if a[:1] != "-"]
        if read is not None and depth < 2:
            out += _script_effects(command, cwd, read, depth)
    # A tool binary put into a directory on PATH (a release tarball, `install -m755 … /usr/local/bin/`).
    out += [Effect(TOOL, posixpath.basename(e.key)) for e in out
            if e.kind == FILE and posixpath.dirname(e.key) in _BIN_DIRS and posixpath.basename(e.key) in _TOOLS]
    return out


_BIN_DIRS = frozenset({"/usr/local/bin", "/usr/bin", "/bin", "/root/.cargo/bin", "/usr/local/cargo/bin"})
_TOOLS = frozenset({"wasm-pack", "rustup", "rustc", "cargo"})


def _cargo_bin(value: str) -> bool:
    return bool(re.search(r"(^|:)(/root/\.cargo|\$\{?HOME\}?/\.cargo|\$\{?CARGO_HOME\}?|/usr/local/cargo)/bin(:|$)",
                          value))


def _download_targets(command: shell.Command, cwd: str) -> set[str]:
    files = set(_option_values(command.args, ("-o", "--output", "-O")))
    return {posixpath.normpath(posixpath.join(cwd, f)) for f in files if f != "-"}


def _runs_fetched(command: shell.Command, cwd: str, fetched: set[str]) -> bool:
    """Whether ``command`` runs the rustup installer fetched before it: piped into a shell
    (``curl … | sh -s -- -y``) or saved to a file and run."""
    if command.operator == "|" and command.name in ("sh", "bash", "dash"):
        return True
    candidates = [command.words[0], *command.args[:1]] if command.words else []
    return any(posixpath.normpath(posixpath.join(cwd, c)) in fetched for c in candidates)


def _option_values(args: tuple[str, ...], names: tuple[str, ...]) -> list[str]:
    values: list[str] = []
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                values += args[i + 1].split(",")
            elif arg.startswith(name + "=") and name.startswith("--"):
                values += arg.split("=", 1)[1].split(",")
    return values


def _rustup(args: tuple[str, ...]) -> list[Effect]:
    words = [a for a in args if not a.startswith("-")]
    out: list[Effect] = []
    if words[:2] == ["target", "add"] or words[:2] == ["target", "install"]:
        out += [Effect(TARGET, t) for t in words[2:]]
    elif words[:1] in (["toolchain"], ["default"], ["install"]):
        out += [Effect(TOOL, "rustc"), Effect(TOOL, "cargo")]
        out += [Effect(TARGET, t) for t in _option_values(args, ("--target", "-t"))]
    return out


def _installs(args: tuple[str, ...], package: str) -> bool:
    verbs = {"install", "binstall", "i", "add"}
    return any(a in verbs for a in args) and any(a == package or a.startswith(package + "@") for a in args)


def _packages(args: tuple[str, ...], verb: str) -> list[str]:
    after = list(args[args.index(verb) + 1 :])
    out, skip = [], False
    for arg in after:
        if skip:
            skip = False
            continue
        if arg in ("-t", "--target-release", "-o", "--option", "--repository", "-X", "--virtual", "-t"):
            skip = True
            continue
        if arg.startswith("-"):
            continue
        out.append(re.split(r"[=<>]", arg, maxsplit=1)[0])
    return out


def _script_effects(command: shell.Command, cwd: str, read: Reader, depth: int) -> list[Effect]:
    """Effects of a shell script from the build context that ``command`` runs
    (``./scripts/x.sh``, ``sh x.sh``); the caller maps image paths to context paths."""
    path = None
    if command.name in ("sh", "bash", "dash") and command.args and not command.args[0].startswith("-"):
        path = command.args[0]
    elif command.words and "/" in command.words[0] and command.words[0].endswith(".sh"):
        path = command.words[0]
    if path is None:
        return []
    data = read(posixpath.normpath(posixpath.join(cwd, path)))
    if data is None:
        return []
    return command_effects(shell.commands(data, 0, len(data)), cwd, read, depth + 1)


# -- the state at a point ------------------------------------------------------------------


def inline_env(node: Node) -> list[Effect]:
    """ENV a RUN gives its own commands: ``VAR=value`` prefixes and ``export VAR=value``.
    A relative path is the path the command that reads it sees: resolved against its
    directory (``cd fluxer_app && FLUXER_CONFIG=config/x.json pnpm build``)."""
    out: list[Effect] = []
    workdir = dockerfile.workdir_at(node)
    for command in dockerfile.run_commands(node):
        cwd = posixpath.normpath(posixpath.join(workdir, command.cwd))
        pairs = list(command.env)
        if command.name == "export":
            pairs += [(n, v) for n, eq, v in (a.partition("=") for a in command.args) if eq]
        out += [Effect(ENV, name, _absolute(value, cwd)) for name, value in pairs]
    return out


def _absolute(value: str, cwd: str) -> str:
    """A relative path value made absolute against ``cwd``; other values as they are."""
    if "/" in value and not value.startswith(("/", "$", "~")) and "://" not in value and " " not in value:
        return posixpath.normpath(posixpath.join(cwd, value))
    return value


def state_at(root: Node, node: Node, *, read: Reader | None = None, to_end: bool = False) -> State:
    """The state before ``node`` (at the end of its stage with ``to_end``).  ``read`` reads a
    build-context file, so that a script the stage copies in and runs counts with what it does."""
    state = State()
    stage = dockerfile.stage_of(node)
    if stage is None:
        return state
    top = dockerfile.top_instruction(node)
    chain = list(reversed(dockerfile.lineage(dockerfile.stages_of(root), stage)))
    state.effects += [(e, None) for e in image_effects(chain[0].base)]
    image_read = _image_reader(state, read) if read is not None else None
    for current in chain:
        own = current is chain[-1]
        for instruction in current.body:
            if own and not to_end and instruction.id == top.id:
                break
            workdir = dockerfile.workdir_at(instruction)
            state.effects += [(e, instruction) for e in effects(instruction, workdir, image_read)]
        if not own:
            state.effects = [(e, n) for e, n in state.effects if e.kind != ARG]
    return state


def _image_reader(state: State, read: Reader) -> Reader:
    """Reads a file of the image being built, when a COPY from the build context put it there."""

    def image_read(path: str) -> bytes | None:
        written = state.written_by(path)
        if written is None or not written[0].value.startswith("context:"):
            return None
        source = written[0].value.removeprefix("context:")
        if written[0].key.endswith("/"):
            source = posixpath.join(source, path.removeprefix(written[0].key))
        return read(posixpath.normpath(source))

    return image_read


# Debian package names and their Alpine (apk) counterparts, for the packages fixes install.
APK_NAMES = {
    "ca-certificates": "ca-certificates",
    "pkg-config": "pkgconf",
    "libssl-dev": "openssl-dev",
    "build-essential": "build-base",
    "curl": "curl",
    "git": "git",
    "make": "make",
    "g++": "g++",
    "gcc": "gcc",
    "python3": "python3",
}


def package_in(manager: str, wanted: str) -> str | None:
    """``wanted`` (``"apt:<name>"``) as the package of ``manager``; None: no known counterpart."""
    source, _, name = wanted.partition(":")
    if source == manager:
        return wanted
    if source == "apt" and manager == "apk":
        counterpart = APK_NAMES.get(name)
        return f"apk:{counterpart}" if counterpart else None
    reverse = {v: k for k, v in APK_NAMES.items()}
    if source == "apk" and manager == "apt":
        counterpart = reverse.get(name)
        return f"apt:{counterpart}" if counterpart else None
    return None
