"""What a RUN's shell command executes, read with tree-sitter-bash.

A RUN in shell form is a POSIX shell script; :func:`commands` lists the simple commands it
runs (``export A=1`` too, as a command named ``export``), in order, each with the
``VAR=value`` prefixes it gets, the directory the ``cd`` commands before it moved to, its
redirections, and the operator joining it to the command before it.  ``sh -c '…'`` /
``bash -c "…"`` bodies are read as scripts of their own (one level deeper), so
``sh -c 'cd fluxer_app && pnpm build'`` runs ``pnpm build`` in ``fluxer_app`` just as the
plain form does.  Offsets are those of the Dockerfile, so that an edit can go right before
a command; a command inside a string that is not a plain quoted literal has no offsets
(``start == -1``) and cannot be edited.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from fluxer_patcher.memo import Memo
from fluxer_patcher.record import dataclass, replace
from fluxer_patcher.syntax import grammars

if TYPE_CHECKING:
    from tree_sitter import Node

SHELLS = frozenset({"sh", "bash", "dash", "ash", "/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/env"})
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # the command name and its arguments, quotes removed
    env: tuple[tuple[str, str], ...]  # the VAR=value prefixes
    cwd: str  # the directory it runs in, relative to the RUN's WORKDIR ("." : the WORKDIR itself)
    operator: str  # what joins it to the command before it: "", "&&", "||", ";", "|"
    redirects: tuple[tuple[str, str], ...]  # (operator, target): (">", "/tmp/x")
    depth: int  # 0: the RUN's own shell; 1: inside its `sh -c`, …
    start: int  # offset of the command (its prefixes included) in the file; -1: not editable
    end: int

    @property
    def name(self) -> str:
        return posixpath.basename(self.words[0]) if self.words else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.words[1:]

    @classmethod
    def of_words(cls, words: list[str] | tuple[str, ...], cwd: str = ".") -> Command:
        """A command given as words (a fix's parameter, an exec form), not read from a file."""
        return cls(tuple(words), (), cwd, "", (), 0, -1, -1)

    def writes(self) -> list[str]:
        """Files its output redirections write (``> f``, ``>> f``)."""
        return [target for op, target in self.redirects if op in (">", ">>", ">|", "&>")]


def unquote(node: Node, data: bytes) -> str:
    """A shell word's value: quotes removed, escapes resolved, expansions kept as written."""
    text = data[node.start_byte : node.end_byte].decode("utf-8", "replace")
    kind = node.type
    if kind == "raw_string":
        return text[1:-1]
    if kind == "string":
        return re.sub(r'\\([$`"\\\n])', r"\1", text[1:-1])
    if kind == "concatenation":
        return "".join(unquote(c, data) for c in node.children)
    if kind in ("word", "number"):
        return re.sub(r"\\(.)", r"\1", text)
    return text


# The commands of the scripts read in this process, by (script, its offset, depth): every
# question about a Dockerfile's RUNs reads the same scripts again.
_COMMANDS: Memo[tuple[bytes, int, int], tuple[Command, ...]] = Memo(1024)


def commands(data: bytes, start: int, end: int, depth: int = 0) -> list[Command]:
    """The simple commands of the shell script ``data[start:end]``, in the order they run."""
    # A CR before a newline is white space to Docker's parser; tree-sitter-bash would read
    # `\` CR LF as an escaped CR.  Same length, so offsets hold.
    script = data[start:end].replace(b"\r", b" ")
    return list(_COMMANDS.get((script, start, depth), lambda: _commands(script, start, depth)))


def _commands(script: bytes, start: int, depth: int) -> tuple[Command, ...]:
    out: list[Command] = []
    _walk(grammars.parse("bash", script).root_node, script, start, depth, out, ["."], "")
    return tuple(out)


def _walk(node: Node, script: bytes, base: int, depth: int, out: list[Command], cwd: list[str], op: str) -> str:
    """Append the commands under ``node``; returns the operator for the next sibling."""
    kind = node.type
    if kind == "command":
        _command(node, script, base, depth, out, cwd, op)
        return ""
    if kind == "declaration_command":
        _declaration(node, script, base, depth, out, cwd, op)
        return ""
    if kind == "redirected_statement":
        redirects = tuple(_redirect(r, script) for r in node.children if r.type.endswith("_redirect"))
        body = node.child_by_field_name("body") or node.named_children[0]
        before = len(out)
        _walk(body, script, base, depth, out, cwd, op)
        own = [i for i in range(before, len(out)) if out[i].depth == depth]
        if own and redirects:  # the statement's last command at this level gets them
            last = out[own[-1]]
            out[own[-1]] = replace(last, redirects=last.redirects + redirects)
        return ""
    if kind == "subshell":
        inner = list(cwd)
        pending = op
        for child in node.named_children:
            pending = _walk(child, script, base, depth, out, inner, pending)
        return ""
    pending = op
    for child in node.children:
        if not child.is_named:
            token = child.type
            if token in ("&&", "||", ";", "|", "|&", "&"):
                pending = token
            continue
        result = _walk(child, script, base, depth, out, cwd, pending)
        pending = result
    return pending


def _redirect(node: Node, script: bytes) -> tuple[str, str]:
    op = next((c.type for c in node.children if not c.is_named), "")
    target = node.child_by_field_name("destination") or (node.named_children[-1] if node.named_children else None)
    return op, unquote(target, script) if target is not None else ""


def _command(node: Node, script: bytes, base: int, depth: int, out: list[Command], cwd: list[str], op: str) -> None:
    redirects: tuple[tuple[str, str], ...] = ()
    env: list[tuple[str, str]] = []
    words: list[str] = []
    word_nodes: list[Node] = []
    for child in node.named_children:
        if child.type == "variable_assignment":
            name = child.child_by_field_name("name")
            value = child.child_by_field_name("value")
            env.append((script[name.start_byte : name.end_byte].decode() if name is not None else "",
                        unquote(value, script) if value is not None else ""))
        elif child.type == "command_name":
            words.append(unquote(child.named_children[0], script) if child.named_children else "")
            word_nodes.append(child)
        elif child.type.endswith("_redirect"):
            redirects = (*redirects, _redirect(child, script))
        else:
            words.append(unquote(child, script))
            word_nodes.append(child)
    command = Command(tuple(words), tuple(env), cwd[0], op, redirects, depth, base + node.start_byte,
                      base + node.end_byte)
    out.append(command)
    if command.name == "cd" and len(words) == 2 and op in ("", "&&", ";"):
        cwd[0] = posixpath.normpath(posixpath.join(cwd[0], words[1]))
    body = _shell_body(words, word_nodes)
    if body is not None and depth < _MAX_DEPTH:
        index, text = body
        inner = word_nodes[index]
        if inner.type in ("raw_string", "string") and unquote(inner, script) == script[
            inner.start_byte + 1 : inner.end_byte - 1
        ].decode("utf-8", "replace"):
            nested = commands(script, inner.start_byte + 1, inner.end_byte - 1, depth + 1)
            out.extend(_rebase(c, base, cwd[0]) for c in nested)
        else:
            encoded = text.encode("utf-8")
            nested = commands(encoded, 0, len(encoded), depth + 1)
            out.extend(_rebase(c, None, cwd[0]) for c in nested)


def _declaration(node: Node, script: bytes, base: int, depth: int, out: list[Command], cwd: list[str],
                 op: str) -> None:
    """``export NAME=value …`` (``declare``, ``readonly``, ``local``, ``typeset``) as a command
    named by its keyword, each assignment one ``NAME=value`` word (its value unquoted)."""
    words = [script[node.start_byte : node.end_byte].decode("utf-8", "replace").split(None, 1)[0]]
    for child in node.named_children:
        if child.type == "variable_assignment":
            name = child.child_by_field_name("name")
            value = child.child_by_field_name("value")
            words.append((script[name.start_byte : name.end_byte].decode() if name is not None else "") + "="
                         + (unquote(value, script) if value is not None else ""))
        else:
            words.append(unquote(child, script))
    out.append(Command(tuple(words), (), cwd[0], op, (), depth, base + node.start_byte, base + node.end_byte))


def _rebase(command: Command, base: int | None, cwd: str) -> Command:
    start, end = (command.start + base, command.end + base) if base is not None else (-1, -1)
    return replace(command, cwd=posixpath.normpath(posixpath.join(cwd, command.cwd)), start=start, end=end)


def _shell_body(words: list[str], nodes: list[Node]) -> tuple[int, str] | None:
    """``(index, script)`` of the ``-c`` argument when the command runs a shell on a string."""
    if not words or (words[0] not in SHELLS and posixpath.basename(words[0]) not in SHELLS):
        return None
    rest = words[1:]
    if words[0] == "/usr/bin/env":
        if not rest or posixpath.basename(rest[0]) not in SHELLS:
            return None
        rest = rest[1:]
    offset = len(words) - len(rest)
    for i, word in enumerate(rest):
        if word.startswith("-") and "c" in word.lstrip("-") and not word.startswith("--"):
            if i + 1 < len(rest):
                return offset + i + 1, rest[i + 1]
            return None
        if not word.startswith("-"):
            return None
    return None


# -- what a command does -----------------------------------------------------------------


@dataclass(frozen=True)
class ScriptRun:
    """A package script a command runs: ``pnpm build`` in ``fluxer_app``."""

    package: str  # the package directory (relative to the WORKDIR), or the filter as given
    script: str
    by_filter: bool  # the package was named by `--filter`, not by directory


_PM = frozenset({"pnpm", "npm", "yarn"})
_BUILTIN = frozenset({"install", "i", "add", "exec", "dlx", "x", "create", "publish", "link", "remove", "update"})


def script_run(command: Command, workdir: str = ".") -> ScriptRun | None:
    """The package script ``command`` runs (pnpm/npm/yarn, with ``run`` or without, ``--filter``/
    ``-F``, ``--dir``/``-C``/``--prefix`` or the current directory), None when it runs none."""
    if command.name not in _PM:
        return None
    where = posixpath.normpath(posixpath.join(workdir, command.cwd))
    package, by_filter = where, False
    args = list(command.args)
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in ("--filter", "-F", "--dir", "-C", "--prefix", "--cwd"):
            if not eq:
                i += 1
                value = args[i] if i < len(args) else ""
            if name in ("--filter", "-F"):
                package, by_filter = value, True
            else:
                package = posixpath.normpath(posixpath.join(where, value))
        elif arg.startswith("-F") and len(arg) > 2:
            package, by_filter = arg[2:], True
        elif not arg.startswith("-"):
            positional.append(arg)
        i += 1
    if positional[:1] == ["run"] or positional[:1] == ["run-script"]:
        positional = positional[1:]
    if not positional or positional[0] in _BUILTIN:
        return None
    return ScriptRun(package, positional[0], by_filter)


def names_package(run: ScriptRun, directory: str) -> bool:
    """Whether ``run`` is in the package at ``directory`` (a path relative to the repository):
    by directory (``fluxer_app``, ``/usr/src/app/fluxer_app``) or by a filter naming it
    (``fluxer_app``, ``./fluxer_app``, a scoped ``@fluxer/app``-style name ending in it)."""
    want = directory.strip("/")
    tail = posixpath.basename(want)
    if run.by_filter:
        value = run.package.removeprefix("./").rstrip("/")
        return value in (want, tail) or value.endswith("/" + tail) or value == f"{{{want}}}"
    path = run.package.rstrip("/")
    return path == want or path.endswith("/" + want)


def exec_command(words: list[str]) -> list[Command]:
    """The commands of an exec-form instruction (``["sh", "-c", "…"]`` reads its script)."""
    top = Command.of_words(words)
    body = _shell_body(list(words), [])
    if body is None:
        return [top]
    encoded = body[1].encode("utf-8")
    return [top, *(_rebase(c, None, ".") for c in commands(encoded, 0, len(encoded), 1))]
