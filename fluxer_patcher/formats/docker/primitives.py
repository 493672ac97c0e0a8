"""Edit primitives for Dockerfiles (tree-sitter-dockerfile)."""

from __future__ import annotations

import itertools
import json
import posixpath
import re
import shlex
from typing import TYPE_CHECKING

from fluxer_patcher.catalogue.params import CHOICE, TEXTS, Param
from fluxer_patcher.engine.primitives import (
    Answer,
    Apply,
    Drift,
    Edit,
    EditContext,
    ParameterError,
    Present,
    primitive,
    repeated,
)
from fluxer_patcher.formats.docker import dockerfile, model
from fluxer_patcher.formats.shell import script as shell
from fluxer_patcher.model import ReasonKind
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.source.base import SourceError
from fluxer_patcher.syntax.document import Document, one_line

if TYPE_CHECKING:
    from tree_sitter import Node

    from fluxer_patcher.source.base import Source

DOCKERFILE = frozenset({"dockerfile"})


# -- snippets ------------------------------------------------------------------------------


def parse_snippet(text: str) -> tuple[Document, list[list[Node]]]:
    """Dockerfile instructions of a fix, grouped as written (a blank line starts a group)."""
    doc = Document("<snippet>", text.strip("\n").encode("utf-8") + b"\n", "dockerfile")
    if doc.root.has_error:
        raise ParameterError(f"not valid Dockerfile instructions: {one_line(text)!r}")
    if any(c.type == "comment" and not _PRAGMA.match(doc.text(c)) for c in doc.root.named_children):
        raise ParameterError("instructions of a fix carry no comments (the manifest says why); "
                             "only linter pragmas (`# hadolint ignore=DL3008`) go with the instruction below them")
    nodes = dockerfile.instructions(doc.root)
    if not nodes:
        raise ParameterError("no Dockerfile instructions given")
    groups: list[list[Node]] = [[nodes[0]]]
    for previous, node in itertools.pairwise(nodes):
        between = doc.data[previous.end_byte : node.start_byte].split(b"\n")[1:-1]
        if any(not line.strip() for line in between):  # a blank line (pragma lines are not)
            groups.append([])
        groups[-1].append(node)
    return doc, groups


_PRAGMA = re.compile(r"^#\s*hadolint\s+(?:ignore|shell)=\S+$")


def _pragmas(snippet: Document, node: Node) -> list[bytes]:
    """The linter pragma lines right above a snippet instruction (they go in with it)."""
    out: list[bytes] = []
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type == "comment" and _PRAGMA.match(snippet.text(sibling)):
        out.insert(0, snippet.text(sibling).encode("utf-8"))
        sibling = sibling.prev_named_sibling
    return out


def render(doc: Document, snippet: Document, node: Node) -> bytes:
    """A snippet instruction in the file's style (its continuation indent and line ending),
    with the linter pragmas written above it in the snippet."""
    pragmas = _pragmas(snippet, node)
    lines = snippet.data[node.start_byte : node.end_byte].split(b"\n")
    indent = dockerfile.continuation_indent(doc)
    tails = [line for line in lines[1:] if line.strip()]
    own = min((line[: len(line) - len(line.lstrip(b" \t"))] for line in tails), key=len, default=b"")
    out = [lines[0].rstrip()]
    for line in lines[1:]:
        rest = line[len(own) :] if line.startswith(own) else line.lstrip(b" \t")
        out.append(indent + rest.rstrip() if line.strip() else b"")
    return doc.newline.join([*pragmas, *out])


def _line_after(doc: Document, node: Node) -> int:
    """Offset of the start of the line after ``node`` (EOF when it is the last line)."""
    return doc.next_line(node.end_byte)


def _comments_above(doc: Document, node: Node) -> int:
    """Start of the comment lines directly above ``node`` (they belong to it), else its line."""
    start = doc.line_start(node.start_byte)
    while start > 0:
        above = doc.line_start(start - 1)
        if not doc.data[above:start].strip().startswith(b"#"):
            break
        start = above
    return start


def _is_blank_line(doc: Document, offset: int) -> bool:
    if offset >= len(doc.data):
        return True
    return not doc.data[offset : doc.line_end(offset)].strip()


# -- insert-instructions -------------------------------------------------------------------


def _scope(ctx: EditContext, anchor: Node, position: str) -> tuple[list[Node], list[Node]] | None:
    """The instructions that take effect at the insertion point: those of the stages the
    anchor's stage derives from, and those on the anchor's side of its own stage."""
    all_stages = dockerfile.stages(ctx.doc.root)
    stage = dockerfile.stage_of(anchor)
    if stage is None:
        return None
    top = dockerfile.top_instruction(anchor)
    body = list(stage.body)
    if top.id == stage.start.id:
        own = body if position == "after" else []
    else:
        index = next(i for i, n in enumerate(body) if n.id == top.id)
        own = body[:index] if position == "before" else body[index + 1 :]
    inherited = [n for s in dockerfile.lineage(all_stages, stage)[1:] for n in s.body]
    return inherited, own


@dataclass
class _Block:
    """Missing instructions that go to one place, grouped by their group in the snippet."""

    after: Node | None  # insert after this present instruction (None: at the anchor)
    after_group: int  # the snippet group of ``after`` (-1 at the anchor)
    groups: list[tuple[int, list[bytes]]] = field(default_factory=list)

    def add(self, group: int, text: bytes) -> None:
        if not self.groups or self.groups[-1][0] != group:
            self.groups.append((group, []))
        self.groups[-1][1].append(text)

    @property
    def joins(self) -> bool:
        """Whether it continues the group of the instruction it follows."""
        return self.after is not None and self.groups[0][0] == self.after_group


def _insertion(doc: Document, at: int, block: bytes, grouped: bool, joins: bool) -> Edit:
    nl = doc.newline
    lead = nl if at == len(doc.data) and not doc.data.endswith(b"\n") else b""
    if grouped and not joins and at > 0 and not _is_blank_line(doc, doc.line_start(at - 1)):
        lead += nl
    tail = nl + (nl if grouped and not joins and not _is_blank_line(doc, at) else b"")
    return Edit(at, at, lead + block + tail)


def _reader(ctx: EditContext) -> model.Reader:
    def read(path: str) -> bytes | None:
        path = path.lstrip("/")
        try:
            return ctx.source.read(path) if ctx.source.is_file(path) else None
        except SourceError:  # an unreadable script counts as one that does nothing known
            return None

    return read


def _renamed(text: str, state: model.State) -> tuple[str, list[str]]:
    """The snippet with each ENV value the stage already sets otherwise replaced by the
    stage's own value wherever it appears (``ENV FLUXER_CONFIG=/tmp/a.json`` when the fork
    set ``FLUXER_CONFIG=/app/b.json``: the snippet's file becomes /app/b.json)."""
    snippet, _ = parse_snippet(text)
    notes = []
    for node in dockerfile.instructions(snippet.root):
        if node.type != "env_instruction":
            continue
        for name, value in dockerfile.pairs(node):
            theirs = state.value(model.ENV, name)
            if theirs is None or theirs == value or "/" not in value or "$" in value or "/" not in theirs:
                continue
            text = re.sub(rf"(?<![\w/.-]){re.escape(value)}(?![\w/.-])", theirs.replace("\\", "\\\\"), text)
            notes.append(f"{name} names {theirs} here; the fix uses that file")
    return text, notes


@dataclass
class _Judgement:
    """Whether a wanted instruction is already there, by which ones, or what to insert."""

    present: bool
    by: list[Node]  # the instructions that make it present (in the file)
    insert: bytes | None = None  # what to insert instead of the instruction itself (a completion)
    note: str = ""
    conflict: str = ""


def _judge(doc: Document, wanted: Node, state: model.State, sources: dict[str, str],
           legacy: list[Node]) -> _Judgement:
    """Whether the stage already does what ``wanted`` does (its effects), and if partly,
    the smallest instruction that completes it."""
    goals = [e for e in model.effects(wanted) if e.kind != model.MANAGER]
    if any(g.kind == model.ON_PATH for g in goals):  # what a PATH is for: the tools on it
        goals = [g for g in goals if not (g.kind == model.ENV and g.key == "PATH")]
    if not goals:
        same = [n for n in legacy if dockerfile.equivalent(n, wanted)]
        return _Judgement(bool(same), same)
    manager = state.manager() or "apt"
    by: list[Node] = []
    missing: list[model.Effect] = []
    notes: list[str] = []
    for goal in goals:
        found: tuple[model.Effect, Node | None] | None = None
        if goal.kind == model.PACKAGE:
            mapped = model.package_in(manager, goal.key)
            if mapped is None:
                return _Judgement(False, [], conflict=(
                    f"{doc.path}: the stage installs packages with {manager}, and `{goal.key.split(':', 1)[1]}` "
                    f"has no known {manager} counterpart; install it by hand"))
            found = state.last(model.PACKAGE, mapped)
            goal = model.Effect(model.PACKAGE, mapped)
        elif goal.kind == model.FILE:
            found = state.written_by(goal.key)
            if found is not None and found[0].value != goal.value:
                notes.append(f"{goal.key} comes from the stage's own {_what(doc, found[1])}")
        elif goal.kind == model.EDIT:
            found = state.edited_after_write(goal.key)
            writer = state.written_by(goal.key)
            if found is None and writer is not None and writer[0].value != sources.get(goal.key):
                found = writer
                notes.append(f"{goal.key} is the stage's own ({_what(doc, writer[1])}), not the fix's; "
                             "its content is left to it")
        elif goal.kind == model.ARG:
            found = state.last(model.ARG, goal.key)
        else:
            found = state.last(goal.kind, goal.key)
        if found is None:
            missing.append(goal)
        elif found[1] is not None:
            by.append(found[1])
    if not missing:
        return _Judgement(True, by, note="; ".join(notes))
    if len(missing) < len(goals):
        completion = _completion(missing, state, manager)
        if completion is not None:
            text, after = completion
            return _Judgement(False, by + after, insert=text.encode(), note="; ".join(notes))
    if manager != "apt" and any(g.kind == model.PACKAGE for g in missing):
        names = [m.key.split(":", 1)[1] for m in missing if m.kind == model.PACKAGE]
        return _Judgement(False, by, insert=f"RUN apk add --no-cache {' '.join(names)}".encode(), note="; ".join(notes))
    return _Judgement(False, by, note="; ".join(notes))


def _completion(missing: list[model.Effect], state: model.State, manager: str) -> tuple[str, list[Node]] | None:
    """One instruction that adds just what is missing, where one is known, and the
    instructions of the stage it must follow besides those it completes.

    ``rustup target add`` calls rustup by name: it goes after the instruction that puts
    cargo's bin directory on PATH (a fork's ``ENV PATH`` after its own install RUN), or,
    when nothing in the stage does (the install RUN sourced ``$HOME/.cargo/env`` for itself
    only), puts that directory on the command's own PATH."""
    if all(m.kind == model.TARGET for m in missing) and state.has(model.TOOL, "rustup"):
        command = "rustup target add " + " ".join(m.key for m in missing)
        on_path = state.last(model.ON_PATH, "cargo")
        if on_path is None:
            return f'RUN PATH="${{CARGO_HOME:-$HOME/.cargo}}/bin:$PATH" {command}', []
        return f"RUN {command}", [on_path[1]] if on_path[1] is not None else []
    if all(m.kind == model.PACKAGE for m in missing):
        names = " ".join(m.key.split(":", 1)[1] for m in missing)
        if manager == "apk":
            return f"RUN apk add --no-cache {names}", []
        install = f"apt-get install -y --no-install-recommends {names}"
        return f"RUN apt-get update && {install} && rm -rf /var/lib/apt/lists/*", []
    return None


def _unused_arg(snippet: Document, wanted: Node, inserted: list[Node]) -> bool:
    """Whether ``wanted`` is an ARG that none of the instructions to insert uses (they were
    its only users, and the stage does what they do its own way)."""
    if wanted.type != "arg_instruction":
        return False
    names = [name for name, _ in dockerfile.pairs(wanted)]
    uses = [n for n in inserted if n.id != wanted.id
            and any(re.search(rf"\$\{{?{re.escape(name)}\b", snippet.text(n)) for name in names)]
    return not uses


def _what(doc: Document, node: Node | None) -> str:
    if node is None:
        return "base image"
    return f"`{one_line(doc.text(node), 50)}` at {doc.loc(node)}"


@primitive(
    "insert-instructions",
    Param("instructions", doc="the instructions, grouped by blank lines"),
    Param("position", CHOICE, "before or after the instruction @target", default="before", choices=("before", "after")),
    Param("layout", CHOICE, "group: new groups set off by blank lines; attach: join the anchor's group",
          default="group", choices=("group", "attach")),
    languages=DOCKERFILE,
)
def insert_instructions(ctx: EditContext) -> Answer:
    """Insert Dockerfile ``instructions`` before or after the instruction ``@target``.

    Each instruction is judged by what it does (:mod:`.model`): it counts as present when
    the state of the stage at the insertion point (after the anchor: the whole stage) has
    its effects in any form — the file it writes written (by any source: a fork's own file
    is its choice), the edit it makes made after that file's last write, the ENV or ARG set
    (ARG in the stage itself, as Docker scopes it), the packages installed in the stage's
    own package manager, the tools and Rust targets installed by any of their usual commands,
    cargo's bin directory on PATH.  The stages it derives from and their base images count.
    An ENV the stage sets to another path renames that path throughout the instructions.
    Partly present: the smallest completion (``rustup target add``, after what puts cargo's
    bin directory on PATH; ``apk add`` in an Alpine stage).  Missing instructions keep their
    order and go after every present instruction that precedes them in ``instructions``
    (never above what they depend on), else at the anchor, in the file's continuation
    indent.  ``layout = "group"`` (default) sets new groups off with blank lines as the file
    does; ``"attach"`` joins the anchor's group."""
    doc = ctx.doc
    anchor = dockerfile.top_instruction(ctx.target)
    position = ctx.text("position")
    layout = ctx.text("layout")
    scope = _scope(ctx, anchor, position)
    if scope is None:
        return Drift(f"{doc.loc(anchor)}: `{one_line(doc.text(anchor))}` is not inside a stage")
    inherited, own = scope
    read = _reader(ctx)
    state = model.state_at(doc.root, anchor, read=read, to_end=position == "after")
    if position == "before" and anchor.type == "run_instruction":
        state.effects += [(e, anchor) for e in model.inline_env(anchor)]
    text, notes = _renamed(ctx.text("instructions"), state)
    snippet, groups = parse_snippet(text)
    sources = {e.key: e.value for node in dockerfile.instructions(snippet.root)
               for e in model.effects(node) if e.kind == model.FILE}
    own_ids = {n.id for n in own}
    order = {n.id: i for i, n in enumerate(dockerfile.instructions(doc.root))}
    blocks = [_Block(None, -1)]
    present = 0
    verdicts = {w.id: _judge(doc, w, state, sources, inherited + own) for g in groups for w in g}
    conflicts = [v.conflict for v in verdicts.values() if v.conflict]
    if conflicts:
        return Drift(conflicts[0], ReasonKind.CONFLICT)
    inserted = [w for g in groups for w in g if not verdicts[w.id].present]
    for number, group in enumerate(groups):
        for wanted in group:
            verdict = verdicts[wanted.id]
            if not verdict.present and _unused_arg(snippet, wanted, inserted):
                notes.append(f"`{one_line(snippet.text(wanted))}` left out: nothing added uses it")
                continue
            if verdict.note:
                notes.append(verdict.note)
            mine = [n for n in verdict.by if n.id in own_ids]
            # After the anchor, what follows goes after what is there (never above it), a
            # completion right after what it completes; before the anchor, everything
            # present is above the anchor already.
            if position == "after" and mine:
                last, current = max(mine, key=lambda n: order[n.id]), blocks[-1].after
                if current is None or order[last.id] > order[current.id]:
                    blocks.append(_Block(last, number))
            if verdict.present:
                present += 1
                same = [n for n in inherited + own if dockerfile.equivalent(n, wanted)]
                if len(same) > 1:
                    notes.append(repeated(f"`{one_line(snippet.text(wanted))}`", [doc.loc(n) for n in same]))
                continue
            if verdict.insert is not None:  # a completion by the same command keeps its linter pragmas
                same_tool = (dockerfile.shell_text(wanted) or "").split()[:1] == verdict.insert.decode().split()[1:2]
                pragmas = _pragmas(snippet, wanted) if same_tool else []
                blocks[-1].add(number, doc.newline.join([*pragmas, verdict.insert]))
            else:
                blocks[-1].add(number, render(doc, snippet, wanted))
    blocks = [b for b in blocks if b.groups]
    notes = list(dict.fromkeys(n for n in notes if n))
    if not blocks:
        return Present("; ".join(notes))
    nl = doc.newline
    grouped = dockerfile.separates_groups(doc)
    edits = []
    for block in blocks:
        body = (nl + nl if grouped else nl).join(nl.join(g) for _, g in block.groups)
        if block.after is not None:
            at, joins = _line_after(doc, block.after), block.joins
        else:
            at = _line_after(doc, anchor) if position == "after" else _comments_above(doc, anchor)
            joins = layout == "attach"
        edits.append(_insertion(doc, at, body, grouped, joins))
    if present:
        notes.append(f"{present} of the instructions were there already")
    return Apply(tuple(edits), "; ".join(notes))


# -- add-shell-command ---------------------------------------------------------------------


def _same(command: shell.Command, words: list[str], workdir: str) -> bool:
    """Whether ``command`` runs ``words`` (its ``VAR=value`` prefixes aside): the same words,
    or the same package script however it is invoked (``pnpm run build``, ``pnpm -F x build``)."""
    if list(command.words) == words:
        return True
    run = shell.script_run(command, workdir)
    wanted = shell.script_run(shell.Command.of_words(words, command.cwd), workdir)
    return run is not None and wanted is not None and not wanted.by_filter and run.script == wanted.script


def _invoked_like(anchor: shell.Command, words: list[str], workdir: str) -> list[str]:
    """``words`` (a package script) run the way ``anchor`` runs its own: same tool, same
    ``--filter``/``--dir``, so that it runs in the same package."""
    run, wanted = shell.script_run(anchor, workdir), shell.script_run(shell.Command.of_words(words))
    if run is None or wanted is None or wanted.by_filter or wanted.package != ".":
        return words  # not a package script, or one that names its own package
    out = list(anchor.words)
    out[max(i for i, w in enumerate(out) if w == run.script)] = wanted.script
    return out


@primitive(
    "add-shell-command",
    Param("command", doc="the command to run"),
    Param("before", doc="the command of the RUN it runs right before", default=None),
    Param("after", doc="the command of the RUN it runs right after", default=None),
    languages=DOCKERFILE,
)
def add_shell_command(ctx: EditContext) -> Answer:
    """Run ``command`` right before (``command && before``) or right after (``after &&
    command``) a command of the RUN ``@target``; one of ``before``/``after`` is given.

    What the RUN executes is read as a shell script (:mod:`fluxer_patcher.formats.shell.script`): the anchor command may
    carry ``VAR=value`` prefixes, follow ``cd``s or sit inside ``sh -c '…'``; ``command`` goes
    beside it, in the same script and directory (a package script without its own package
    runs the way the anchor runs: ``pnpm --filter x lingui:compile``).  Present when
    ``command`` already runs on that side of it, or when the stage runs the same package
    script anywhere (its own RUN, another order)."""
    doc, run = ctx.doc, dockerfile.top_instruction(ctx.target)
    before, after = ctx.optional_text("before"), ctx.optional_text("after")
    if (before is None) == (after is None):
        raise ParameterError("add-shell-command takes one of `before` and `after`")
    command, anchor_words = ctx.text("command").split(), (before or after or "").split()
    if run.type != "run_instruction" or dockerfile.shell_text(run) is None:
        return Drift(f"{doc.loc(run)}: expected a RUN in shell form, found `{one_line(doc.text(run))}`")
    runs = dockerfile.run_commands(run)
    workdir = dockerfile.workdir_at(run)
    anchors = [c for c in runs if _same(c, anchor_words, workdir)]
    if len(anchors) != 1:
        found = "no" if not anchors else f"{len(anchors)}"
        return Drift(
            f"{doc.loc(run)}: `{one_line(doc.text(run))}` runs {found} `{' '.join(anchor_words)}` command(s); "
            "expected one"
        )
    anchor = anchors[0]
    index = runs.index(anchor)
    wanted = _invoked_like(anchor, command, workdir)
    done = [i for i, c in enumerate(runs)
            if (list(c.words) == wanted or (_same(c, command, workdir) and _same_package(c, anchor, workdir)))
            and c.depth == anchor.depth]
    if any((i < index) if before is not None else (i > index) for i in done):
        return Present()
    elsewhere = _script_elsewhere(ctx, run, wanted, workdir)
    if elsewhere:
        return Present(elsewhere)
    own = shell.script_run(shell.Command.of_words(wanted), workdir)
    if done and own is not None and own.by_filter:  # another package's script: the order is not the point
        return Present(f"`{' '.join(command)}` runs in the same RUN already")
    if done:
        side = "after" if before is not None else "before"
        return Drift(f"{doc.loc(run)}: `{' '.join(command)}` runs {side} `{' '.join(anchor_words)}` in "
                     f"`{one_line(doc.text(run))}`")
    if before is not None and anchor.operator not in ("", "&&"):
        return Drift(
            f"{doc.loc(run)}: `{before}` follows `{anchor.operator}`; adding `{' '.join(command)} &&` "
            "would change what runs"
        )
    following = runs[index + 1 :] if after is not None else []
    nxt = next((c for c in following if c.depth == anchor.depth), None)
    if after is not None and ((nxt is not None and nxt.operator not in ("&&", ";")) or anchor.operator == "|"):
        return Drift(f"{doc.loc(run)}: `{after}` is followed by `{nxt.operator if nxt else '|'}`; adding "
                     f"`&& {' '.join(command)}` would change what runs")
    if anchor.start < 0:
        return Drift(f"{doc.loc(run)}: `{' '.join(anchor_words)}` runs inside a string this tool cannot edit "
                     f"safely (`{one_line(doc.text(run))}`)")
    if before is not None:
        return Apply((Edit(anchor.start, anchor.start, f"{shlex.join(wanted)} && ".encode()),))
    return Apply((Edit(anchor.end, anchor.end, f" && {shlex.join(wanted)}".encode()),))


def _script_elsewhere(ctx: EditContext, run: Node, words: list[str], workdir: str) -> str:
    """Where the stage already runs the package script ``words`` runs, in another RUN."""
    script = shell.script_run(shell.Command.of_words(words), workdir)
    if script is None or not script.by_filter:
        return ""
    key = f"{posixpath.basename(script.package.rstrip('/')) or script.package}:{script.script}"
    state = model.state_at(ctx.doc.root, run, to_end=True)
    found = state.last(model.SCRIPT, key)
    if found is None or found[1] is None or found[1].id == run.id:
        return ""
    return f"the stage runs {script.package}'s `{script.script}` already, at {ctx.doc.loc(found[1])}"


def _same_package(a: shell.Command, b: shell.Command, workdir: str) -> bool:
    run_a, run_b = shell.script_run(a, workdir), shell.script_run(b, workdir)
    return run_a is not None and run_b is not None and run_a.package == run_b.package


# -- sync-copy-list ------------------------------------------------------------------------


def _template(text: str) -> re.Pattern[str]:
    if text.count("{name}") < 1:
        raise ParameterError(f"template {text!r} needs a {{name}} placeholder")
    return re.compile("^" + re.escape(text).replace(re.escape("{name}"), "(?P<name>[^/]+)") + "$")


def _norm_dest(path: str) -> str:
    return path.removeprefix("./").rstrip("/") + ("/" if path.endswith("/") else "")


_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"'\\$`]")


def _plain_segment(name: str) -> bool:
    """A directory name that can be written into a COPY line (spaces go in JSON form)."""
    return bool(name) and name not in (".", "..") and "/" not in name and not _UNSAFE.search(name)


def _copy_row(keyword: str, source: str, destination: str) -> str:
    """One COPY line: shell form, or JSON form when a path holds white space."""
    if any(c.isspace() for c in source + destination):
        return f"{keyword} {json.dumps([source, destination])}"
    return f"{keyword} {source} {destination}"


def _whole_directory_copy(doc: Document, stage: dockerfile.Stage, directory: str, destination: str) -> Node | None:
    """A COPY of the stage that copies all of ``directory`` (or the whole context) to where
    the list's destinations live (``COPY packages/ ./packages/``, ``COPY . .``)."""
    base = _norm_dest(destination.split("{name}", 1)[0]).rstrip("/")
    parent = posixpath.dirname(base)
    for node in stage.body:
        if node.type not in ("copy_instruction", "add_instruction"):
            continue
        copy = dockerfile.copy_parts(node)
        if not copy.from_context or len(copy.paths) != 2:
            continue
        source = copy.paths[0].text.removeprefix("./").rstrip("/") or "."
        dest = _norm_dest(copy.paths[1].text).rstrip("/") or "."
        if source == directory.rstrip("/") and dest == base:
            return node
        if source == "." and dest == (parent or "."):
            return node
    return None


def present_dirs(source: Source, directory: str, marker: str) -> list[str]:
    """Names of the directories under ``directory`` that hold a ``marker`` file."""
    return [n for n in source.list_dir(directory) if source.is_file(f"{directory}/{n}/{marker}")]


@primitive(
    "sync-copy-list",
    Param("directory", doc="the directory whose subdirectories are listed"),
    Param("marker", doc="the file a subdirectory must hold"),
    Param("source", doc="the COPY source, with {name}"),
    Param("destination", doc="the COPY destination, with {name}"),
    languages=DOCKERFILE,
)
def sync_copy_list(ctx: EditContext) -> Answer:
    """Make the stage of ``@target`` copy ``source`` → ``destination`` (templates with
    ``{name}``) for exactly the directories under ``directory`` holding ``marker``.

    Lines for directories that do not exist are removed, missing ones are added (sorted)
    after the last kept line; the existing order stays.  Present when the set is right,
    whatever the order."""
    doc = ctx.doc
    stage = dockerfile.stage_of(ctx.target)
    if stage is None:
        return Drift(f"{doc.loc(ctx.target)}: not inside a stage")
    source_t, dest_t = ctx.text("source"), ctx.text("destination")
    source_re, dest_re = _template(source_t), _template(_norm_dest(dest_t))
    wanted = present_dirs(ctx.source, ctx.text("directory"), ctx.text("marker"))
    if not wanted:
        return Drift(f"{ctx.text('directory')}/ has no directories with a {ctx.text('marker')}; list left as is")
    whole = _whole_directory_copy(doc, stage, ctx.text("directory"), dest_t)
    if whole is not None:
        return Present(f"`{one_line(doc.text(whole))}` at {doc.loc(whole)} copies every {ctx.text('marker')} "
                       f"under {ctx.text('directory')}/")
    odd = [n for n in wanted if not _plain_segment(n)]
    if odd:
        return Drift(f"{ctx.text('directory')}/{odd[0]!r}: a directory name with control characters or quotes is "
                     "not written into a Dockerfile; rename it or list it by hand", ReasonKind.CONFLICT)
    lines: list[tuple[str, Node]] = []
    for node in stage.body:
        if node.type != "copy_instruction":
            continue
        copy = dockerfile.copy_parts(node)
        names = [m.group("name") for p in copy.source_paths if (m := source_re.match(p.text))]
        if not names or not copy.from_context:
            continue
        dest = dest_re.match(_norm_dest(copy.paths[-1].text))
        if len(copy.source_paths) != 1 or dest is None or dest.group("name") != names[0]:
            return Drift(f"{doc.loc(node)}: `{one_line(doc.text(node))}` is not of the form `COPY {source_t} {dest_t}`")
        lines.append((names[0], node))
    if not lines:
        return Drift(f"{doc.loc(stage.start)}: stage {stage.name} has no `COPY {source_t} {dest_t}` lines")
    have = [name for name, _ in lines]
    duplicates = sorted({n for n in have if have.count(n) > 1})
    note = f"copied more than once: {', '.join(duplicates)}; left as is" if duplicates else ""
    if set(have) == set(wanted):
        return Present(note)
    stale = [(name, node) for name, node in lines if name not in wanted]
    kept = [node for name, node in lines if name in wanted]
    new = sorted(set(wanted) - set(have))
    edits = [Edit(doc.line_start(node.start_byte), _line_after(doc, node), b"") for _, node in stale]
    if new:
        after = kept[-1] if kept else stale[0][1]
        at = _line_after(doc, after) if kept else doc.line_start(after.start_byte)
        keyword = doc.text(after).split(None, 1)[0]
        rows = [_copy_row(keyword, source_t.replace("{name}", n), dest_t.replace("{name}", n)) for n in new]
        text = b"".join(row.encode() + doc.newline for row in rows)
        lead = doc.newline if at == len(doc.data) and not doc.data.endswith(b"\n") else b""
        edits.append(Edit(at, at, lead + text))
    summary = []
    if stale:
        marker = f"{ctx.text('directory')}/<name>/{ctx.text('marker')}"
        summary.append(f"removed {', '.join(n for n, _ in stale)} (no {marker})")
    if new:
        summary.append(f"added {', '.join(new)}")
    return Apply(tuple(edits), "; ".join([*summary, note] if note else summary))


def _same_script(node: Node, wanted: list[str]) -> str:
    """A note when ``node`` runs the package script ``wanted`` runs, in the same package."""
    target = shell.script_run(shell.exec_command(wanted)[0])
    if target is None:
        return ""
    package = target.package.removeprefix("./")
    for command, run in dockerfile.script_runs(node):
        if command.depth == 0 and run.script == target.script and shell.names_package(run, package):
            return f"runs {package}'s `{target.script}` script as `{' '.join(command.words)}`"
    return ""


# -- set-exec-form -------------------------------------------------------------------------


@primitive(
    "set-exec-form",
    Param("arguments", TEXTS, "the command in exec form"),
    Param("replaces", TEXTS, "the only command it may replace", default=None),
    languages=DOCKERFILE,
)
def set_exec_form(ctx: EditContext) -> Answer:
    """Make the ENTRYPOINT/CMD ``@target`` run ``arguments`` (exec form, a JSON array).

    With ``replaces``, only that command (exec form, or the same words in shell form) is
    replaced; anything else is drift.  Present when it already runs ``arguments``, or the
    same package script another way (``pnpm --dir fluxer_server start``; ``pnpm start``
    under a WORKDIR in fluxer_server)."""
    doc, node = ctx.doc, dockerfile.top_instruction(ctx.target)
    wanted = ctx.texts("arguments")
    current = dockerfile.exec_form(node)
    if current == wanted:
        return Present()
    same = _same_script(node, wanted)
    if same:
        return Present(same)
    shell = dockerfile.shell_text(node)
    replaces = ctx.texts("replaces") if ctx.value("replaces") is not None else None
    if replaces is not None and current != replaces and (shell is None or shell.split() != replaces):
        return Drift(
            f"{doc.loc(node)}: `{one_line(doc.text(node))}` is neither {json.dumps(replaces)} nor {json.dumps(wanted)}"
        )
    args = next((c for c in node.named_children if c.type in ("json_string_array", "shell_command")), None)
    if args is None:
        return Drift(f"{doc.loc(node)}: `{one_line(doc.text(node))}` has no command")
    return Apply((Edit(args.start_byte, args.end_byte, json.dumps(wanted).encode()),))
