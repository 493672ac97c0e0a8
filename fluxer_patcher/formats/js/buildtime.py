"""What a Dockerfile's ``RUN sed -i 's/…/…/' <file>`` does to a source file at build time.

A fork that fixes rspack's CDN line with a sed in its Dockerfile has the fix at build time,
not in the source; rewriting the source line would make that sed match nothing, silently.
:func:`build_seds` finds the RUNs of a Dockerfile whose ``sed -i`` edits a given file (its
path as written, after ``cd``/``WORKDIR``, compared by trailing path components) and models
their ``s`` commands (BRE or ``-E`` ERE, ``&``/``\\1`` replacements, ``g``/``I`` flags), so
that a primitive can read the file as the build will.  Only ``s`` commands in a shell-form
RUN are modelled; what a RUN executes (prefixes, ``sh -c`` bodies, chains) is read by
:mod:`fluxer_patcher.formats.shell`, as the Docker file kind reads it.
"""

from __future__ import annotations

import re

from fluxer_patcher.formats.shell import script, sed
from fluxer_patcher.record import dataclass
from fluxer_patcher.source.base import Source, SourceError
from fluxer_patcher.syntax.document import Document, one_line, walk


@dataclass(frozen=True)
class Substitution:
    pattern: re.Pattern[str]
    replacement: str  # Python ``re.sub`` syntax
    count: int  # 0: every match on a line (``g``)


@dataclass(frozen=True)
class BuildSed:
    where: str  # ``Dockerfile:line:col`` of the RUN
    command: str  # the sed command, on one line, for reports
    substitutions: tuple[Substitution, ...]

    def apply(self, text: str) -> str:
        """``text`` as this sed leaves it (line by line, line endings kept)."""
        out = []
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            end = line[len(body) :]
            for sub in self.substitutions:
                body = sub.pattern.sub(sub.replacement, body, count=sub.count)
            out.append(body + end)
        return "".join(out)


class _Unsupported(ValueError):
    pass


def _split_s(script: str) -> tuple[str, str, str]:
    """``s<d>pattern<d>replacement<d>flags`` → its three parts (escaped delimiters kept)."""
    if len(script) < 2 or script[0] != "s":
        raise _Unsupported(script)
    delim, i = script[1], 2
    parts: list[str] = []
    cur: list[str] = []
    while i < len(script):
        ch = script[i]
        if ch == "\\" and i + 1 < len(script):
            cur.append(script[i : i + 2])
            i += 2
            continue
        if ch == delim and len(parts) < 2:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    if len(parts) != 2:
        raise _Unsupported(script)
    return parts[0], parts[1], "".join(cur).strip()


def _regex(pattern: str, delim: str, extended: bool) -> str:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            i += 2
            if nxt == delim:
                out.append(re.escape(nxt))
            elif not extended and nxt in "(){}+?|":
                out.append(nxt)  # GNU BRE: \( \) \{ \} \+ \? \| are operators
            elif nxt == "n":
                out.append("\\n")
            else:
                out.append("\\" + nxt)
            continue
        if not extended and ch in "(){}+?|":
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _replacement(text: str, delim: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(f"\\g<{nxt}>" if nxt.isdigit() else "\n" if nxt == "n" else nxt.replace("\\", "\\\\"))
            i += 2
            continue
        out.append("\\g<0>" if ch == "&" else "\\\\" if ch == "\\" else ch)
        i += 1
    return "".join(out)


def _substitution(script: str, extended: bool) -> Substitution:
    pattern, replacement, flags = _split_s(script.strip())
    if set(flags) - set("gI"):
        raise _Unsupported(script)
    delim = script.strip()[1]
    try:
        compiled = re.compile(_regex(pattern, delim, extended), re.IGNORECASE if "I" in flags else 0)
    except re.error as exc:
        raise _Unsupported(script) from exc
    return Substitution(compiled, _replacement(replacement, delim), 0 if "g" in flags else 1)


def _same_file(written: str, path: str) -> bool:
    """Whether the sed's file argument ``written`` names ``path``: the trailing components of
    the shorter agree (relative to a ``cd``, or absolute under the WORKDIR)."""
    mine = [p for p in written.split("/") if p not in ("", ".")]
    theirs = path.split("/")
    shorter = min(len(mine), len(theirs))
    return bool(mine) and mine[-shorter:] == theirs[-shorter:]  # `rspack.config.mjs` after `cd`; a WORKDIR path


def _sed(command: script.Command, path: str) -> tuple[tuple[str, ...], bool] | None:
    """The scripts of a ``sed -i`` command editing ``path`` (and whether ERE), else ``None``."""
    if command.name != "sed":
        return None
    call = sed.parse(command.args)
    if not call.in_place or not any(_same_file(f, path) for f in call.files):
        return None
    return call.scripts, call.extended


def build_seds(source: Source, dockerfile: str, path: str) -> list[BuildSed | str]:
    """The ``sed -i`` commands of ``dockerfile``'s RUNs that edit ``path``; a command this
    module cannot model is returned as its location and text (a ``str``), never guessed."""
    try:
        data = source.read(dockerfile)
    except SourceError:
        return []
    doc = Document(dockerfile, data, "dockerfile")
    found: list[BuildSed | str] = []
    runs = sorted((n for n in walk(doc.root) if n.type == "run_instruction"), key=lambda n: n.start_byte)
    for node in runs:
        shell = next((c for c in node.children if c.type == "shell_command"), None)
        if shell is None:
            continue
        for command in script.commands(doc.data, shell.start_byte, shell.end_byte):
            found_sed = _sed(command, path)
            if found_sed is None:
                continue
            scripts, extended = found_sed
            shown = one_line(" ".join(command.words), 100)
            try:
                subs = tuple(_substitution(s, extended) for s in scripts)
            except _Unsupported:
                found.append(f"{doc.loc(node)}: RUN {shown}")
                continue
            found.append(BuildSed(doc.loc(node), shown, subs))
    return found
