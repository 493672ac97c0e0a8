"""A Dockerfile as stages and instructions, over the tree-sitter-dockerfile syntax tree.

Stages are found by their ``FROM … AS <name>`` (names compare case-insensitively, as
Docker's do); instructions by their kind (``run_instruction``, ``copy_instruction`` …)
and their content, normalised so that layout (continuations, indentation, quoting of
ENV/ARG values) does not matter.
"""

from __future__ import annotations

import functools
import itertools
import json
import posixpath
import re
from typing import TYPE_CHECKING

from fluxer_patcher.formats.shell import script as shell
from fluxer_patcher.record import dataclass

if TYPE_CHECKING:
    from tree_sitter import Node

    from fluxer_patcher.syntax.document import Document

FROM = "from_instruction"


def top_instruction(node: Node) -> Node:
    """The instruction (a child of the file's root) that holds ``node``."""
    while node.parent is not None and node.parent.parent is not None:
        node = node.parent
    return node


def instructions(root: Node) -> list[Node]:
    """The file's instructions in order (comments left out)."""
    return [c for c in root.named_children if c.type.endswith("_instruction")]


@dataclass(frozen=True)
class Stage:
    """One build stage: its FROM instruction and the instructions up to the next FROM."""

    index: int
    name: str | None  # the `AS` alias, lower-cased; None for an unnamed stage
    base: str  # the image or stage it starts FROM (lower-cased)
    start: Node  # the FROM instruction
    body: tuple[Node, ...]  # the instructions after FROM, up to the next FROM

    @property
    def instructions(self) -> tuple[Node, ...]:
        return (self.start, *self.body)


def _text(node: Node) -> str:
    return node.text.decode("utf-8") if node.text is not None else ""


def stages(root: Node) -> list[Stage]:
    found: list[Stage] = []
    current: Node | None = None
    body: list[Node] = []

    def close() -> None:
        if current is None:
            return
        alias = next((c for c in current.named_children if c.type == "image_alias"), None)
        image = next((c for c in current.named_children if c.type == "image_spec"), None)
        found.append(
            Stage(
                len(found),
                _text(alias).lower() if alias is not None else None,
                _text(image).lower() if image is not None else "",
                current,
                tuple(body),
            )
        )

    for node in instructions(root):
        if node.type == FROM:
            close()
            current, body = node, []
        elif current is not None:
            body.append(node)
    close()
    return found


def stages_of(root: Node) -> list[Stage]:
    """:func:`stages` of a file's root, computed once per tree."""
    return list(_cached_stages(root))


@functools.lru_cache(maxsize=16)
def _cached_stages(root: Node) -> tuple[Stage, ...]:
    # Safe to key on the node: nodes compare equal only within one tree, the cached node
    # keeps its tree alive, and trees are never edited in place here.
    return tuple(stages(root))


def stage_of(node: Node) -> Stage | None:
    """The stage an instruction (or a node inside one) belongs to; None before the first FROM."""
    top = top_instruction(node)
    root = top.parent
    if root is None:
        return None
    for stage in _cached_stages(root):
        if any(i.id == top.id for i in stage.instructions):
            return stage
    return None


def is_last_stage(node: Node) -> bool:
    stage = stage_of(node)
    root = top_instruction(node).parent
    return stage is not None and root is not None and stage.index == len(_cached_stages(root)) - 1


def lineage(all_stages: list[Stage], stage: Stage) -> list[Stage]:
    """``stage`` and the stages it derives from (``FROM deps AS app-build`` → app-build, deps, base)."""
    chain = [stage]
    by_name = {s.name: s for s in all_stages if s.name is not None}
    current = stage
    while current.base in by_name and by_name[current.base].index < current.index:
        current = by_name[current.base]
        chain.append(current)  # indices strictly fall: no cycle
    return chain


def workdir_at(node: Node) -> str:
    """The WORKDIR an instruction runs in: the last WORKDIR before it in its stage or the
    stages it derives from (``/`` when none sets one)."""
    top = top_instruction(node)
    root = top.parent
    stage = stage_of(node)
    if root is None or stage is None:
        return "/"
    chain = list(reversed(lineage(stages_of(root), stage)))
    workdir = "/"
    for current in chain:
        for instruction in current.body:
            if instruction.id == top.id:
                return workdir
            if instruction.type == "workdir_instruction":
                path = flatten(_text(instruction)).split(" ", 1)[-1].strip("\"'")
                workdir = posixpath.normpath(posixpath.join(workdir, path))
    return workdir


def run_commands(node: Node) -> list[shell.Command]:
    """The simple commands a RUN/CMD/ENTRYPOINT executes (shell or exec form), in order."""
    command = next((c for c in node.named_children if c.type == "shell_command"), None)
    if command is not None and node.text is not None:
        root = node
        while root.parent is not None:
            root = root.parent
        data = root.text if root.text is not None else b""
        return shell.commands(data, command.start_byte, command.end_byte)
    args = exec_form(node)
    return shell.exec_command(args) if args else []


def script_runs(node: Node) -> list[tuple[shell.Command, shell.ScriptRun]]:
    """The package scripts an instruction runs (``pnpm build`` in ``fluxer_app`` …), with
    directories resolved against its WORKDIR."""
    workdir = workdir_at(node)
    found = []
    for command in run_commands(node):
        run = shell.script_run(command, workdir)
        if run is not None:
            found.append((command, run))
    return found


# -- content -------------------------------------------------------------------------------

_CONTINUATION = re.compile(r"\\[ \t]*\r?\n")
_SPACE = re.compile(r"\s+")
_BRACED_VAR = re.compile(r"\$\{(\w+)\}")


def flatten(text: str) -> str:
    """Instruction text on one line: continuations joined, whitespace runs collapsed."""
    return _SPACE.sub(" ", _CONTINUATION.sub(" ", text)).strip()


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return _BRACED_VAR.sub(r"$\1", text)


def keyword(node: Node) -> str:
    return node.type.removesuffix("_instruction").upper()


def pairs(node: Node) -> list[tuple[str, str]]:
    """``(name, value)`` of an ENV/ARG/LABEL instruction, values unquoted."""
    out: list[tuple[str, str]] = []
    if node.type == "arg_instruction":
        named = node.named_children
        name = next((c for c in named if c.type == "unquoted_string"), None)
        if name is not None:
            rest = named[named.index(name) + 1 :]
            out.append((_text(name), _unquote(_text(rest[0])) if rest else ""))
        return out
    for pair in node.named_children:
        if pair.type in ("env_pair", "label_pair"):
            kids = pair.named_children
            if kids:
                out.append((_text(kids[0]), _unquote(_text(kids[-1])) if len(kids) > 1 else ""))
    return out


def shell_text(node: Node) -> str | None:
    """The flattened shell command of a RUN/CMD/ENTRYPOINT in shell form (None: exec form)."""
    command = next((c for c in node.named_children if c.type == "shell_command"), None)
    return flatten(_text(command)) if command is not None else None


def exec_form(node: Node) -> list[str] | None:
    """The argument list of an instruction in exec (JSON array) form, else None."""
    array = next((c for c in node.named_children if c.type == "json_string_array"), None)
    if array is None:
        return None
    try:
        value = json.loads(_text(array))
    except ValueError:
        return None
    return [str(v) for v in value] if isinstance(value, list) else None


@functools.cache  # the apt patterns are compiled on first use
def _apt_install() -> re.Pattern[str]:
    return re.compile(r"\bapt(?:-get)?(?:\s+-\S+)*\s+install\b([^&;|]*)")


def apt_packages(node: Node) -> set[str]:
    """Packages a RUN installs with ``apt-get install`` (options left out)."""
    text = shell_text(node) if node.type == "run_instruction" else None
    if text is None:
        return set()
    found: set[str] = set()
    for m in _apt_install().finditer(text):
        found.update(w for w in m.group(1).split() if not w.startswith("-"))
    return found


@functools.cache
def _apt_chain() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The separator of a RUN's commands, and one apt step (update, install, cleanup)."""
    return re.compile(r"\s*(?:&&|;)\s*"), re.compile(
        r"(?:\w+=\S*\s+)*apt(?:-get)?(?:\s+-\S+)*\s+(?:update|install|clean|autoclean|autoremove)\b.*"
        r"|rm(?:\s+-\S+)*(?:\s+/var/(?:lib/apt/lists|cache/apt)\S*)+"
    )


def apt_only(node: Node) -> bool:
    """Whether a RUN is just an apt chain: update, install and cleanup, nothing else."""
    text = shell_text(node) if node.type == "run_instruction" else None
    if not text:
        return False
    commands, step = _apt_chain()
    return all(step.fullmatch(command) for command in commands.split(text))


def signature(node: Node) -> tuple[object, ...]:
    """What an instruction does, blind to layout: equal signatures are the same instruction."""
    kind = node.type
    if kind in ("env_instruction", "arg_instruction", "label_instruction"):
        return (kind, tuple(pairs(node)))
    args = exec_form(node)
    if args is not None:
        return (kind, "exec", tuple(args))
    words = flatten(_text(node)).split(" ", 1)
    return (kind, words[1] if len(words) > 1 else "")


def equivalent(existing: Node, wanted: Node) -> bool:
    """Whether ``existing`` does what ``wanted`` does: the same signature, or, when
    ``wanted`` is just an apt chain (update, install, cleanup), a RUN that installs at
    least the wanted packages."""
    if signature(existing) == signature(wanted):
        return True
    if not apt_only(wanted):
        return False
    wanted_packages = apt_packages(wanted)
    return bool(wanted_packages) and wanted_packages <= apt_packages(existing)


# -- COPY / ADD ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyPath:
    """A source or destination path of a COPY/ADD, decoded, with its offset."""

    text: str  # the path as Docker reads it (a JSON string decoded)
    start: int  # its byte offset in the file, for locations


@dataclass(frozen=True)
class Copy:
    """A COPY or ADD instruction read in either form (shell or exec)."""

    node: Node
    flags: dict[str, str]
    sources: tuple[Node, ...]  # shell form only: the source path nodes (empty in exec form)
    destination: Node | None  # shell form only
    paths: tuple[CopyPath, ...]  # either form: the sources, then the destination

    @property
    def from_context(self) -> bool:
        """Whether the sources come from the build context (no ``--from=``)."""
        return "from" not in self.flags

    @property
    def source_paths(self) -> tuple[CopyPath, ...]:
        return self.paths[:-1]


def _json_strings(text: str) -> list[tuple[str, int]] | None:
    """The strings of a JSON array of strings and their offsets in ``text`` (None: not one).
    Line continuations count as white space, as in Docker's parser."""
    joined = _CONTINUATION.sub(lambda m: " " * len(m.group()), text)  # offsets unchanged
    try:
        value = json.loads(joined)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    decoder = json.JSONDecoder()
    found: list[tuple[str, int]] = []
    at = joined.index("[") + 1
    for item in value:
        at = joined.index('"', at)
        found.append((item, at))
        at = decoder.raw_decode(joined, at)[1]
    return found


def copy_parts(node: Node) -> Copy:
    """The flags and paths of a COPY/ADD, in shell form (``COPY a b ./``) or exec form
    (``COPY ["a", "b", "./"]``: Docker's form when the arguments parse as a JSON array of
    strings, which the grammar splits at white space into ``path`` nodes)."""
    flags: dict[str, str] = {}
    nodes: list[Node] = []
    for child in node.named_children:
        if child.type == "param":
            name, _, value = _text(child).removeprefix("--").partition("=")
            flags[name.lower()] = value
        elif child.type == "path":
            nodes.append(child)
    if nodes and (data := node.text) is not None:
        base = nodes[0].start_byte
        argument = data[base - node.start_byte : nodes[-1].end_byte - node.start_byte].decode("utf-8")
        strings = _json_strings(argument) if argument.startswith("[") else None
        if strings is not None:
            paths = tuple(CopyPath(t, base + len(argument[:at].encode())) for t, at in strings)
            return Copy(node, flags, (), None, paths)
    paths = tuple(CopyPath(_text(n), n.start_byte) for n in nodes)
    return Copy(node, flags, tuple(nodes[:-1]), nodes[-1] if nodes else None, paths)


# -- layout --------------------------------------------------------------------------------


def continuation_indent(doc: Document) -> bytes:
    """How the file indents continuation lines: its most common indent after a ``\\``."""
    counts: dict[bytes, int] = {}
    lines = doc.data.splitlines()
    for previous, line in itertools.pairwise(lines):
        if previous.rstrip().endswith(b"\\") and line.strip():
            indent = line[: len(line) - len(line.lstrip(b" \t"))]
            if indent:
                counts[indent] = counts.get(indent, 0) + 1
    if not counts:
        return b"\t" if doc.indent_unit == b"\t" else b"    "
    return max(counts.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]


def separates_groups(doc: Document) -> bool:
    """Whether the file puts blank lines between groups of instructions inside a stage
    (blank lines that only set stages apart do not count)."""
    nodes = instructions(doc.root)
    for a, b in itertools.pairwise(nodes):
        if b.type == FROM:
            continue
        between = doc.data[a.end_byte : b.start_byte].split(b"\n")[1:-1]
        if any(not line.strip() for line in between):
            return True
    return False
