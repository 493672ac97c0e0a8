"""Docker's ``.dockerignore`` semantics: which paths of a build context reach the build.

A faithful Python rendering of what Docker does (BuildKit's ``.dockerignore`` reader and
moby's pattern matcher, ``MatchesOrParentMatches``), written from their documented
behaviour because no maintained PyPI library implements it (docker-py keeps the
deprecated matcher that compares only one parent directory, and gitignore libraries
differ: a Docker pattern without ``**`` is anchored at the context root).

* Lines starting with ``#`` are comments (only in the first column); blank lines are skipped.
* Patterns are trimmed, cleaned like Go's ``filepath.Clean`` and a leading ``/`` is dropped:
  every pattern is relative to the context root, ``dev`` matches ``./dev`` only.
* ``*`` matches any run of characters but ``/``; ``?`` one character but ``/``; ``[...]``
  is a character class; ``\\`` escapes the next character; ``**`` matches any number of
  directories, including none (``**/build`` matches ``build`` and ``a/b/build``).
* ``!pattern`` re-includes what earlier patterns excluded; the last matching pattern wins.
* A pattern that matches a parent directory matches everything below it.
"""

from __future__ import annotations

import re
from functools import cached_property

from fluxer_patcher.memo import Memo
from fluxer_patcher.record import dataclass


class PatternError(ValueError):
    """A pattern Docker would reject; ``str()`` names the line."""


def clean(path: str) -> str:
    """Go's ``path.Clean``: the shortest equivalent slash path (``""`` becomes ``"."``)."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(part)
    joined = "/".join(out)
    if rooted:
        return "/" + joined
    return joined or "."


_REGEX_SPECIAL = set(".+()|{}$")


@dataclass(frozen=True)
class Pattern:
    text: str  # the cleaned pattern, without `!`
    exclusion: bool  # a `!` line: re-includes
    line: int  # 1-based line in the .dockerignore (0 when not from a file)
    source: str  # the line as written (trimmed)

    @cached_property
    def _compiled(self) -> tuple[str, re.Pattern[str] | None]:
        return _compile(self.text)

    def match(self, path: str) -> bool:
        """Whether the pattern matches ``path`` itself (not its parents)."""
        kind, regex = self._compiled
        if kind == "exact":
            return path == self.text
        if kind == "prefix":  # `foo/**`: everything under the literal prefix
            return path.startswith(self.text[:-2])
        if kind == "suffix":  # `**/foo`, `**.log`: the literal tail, anywhere
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert regex is not None
        return regex.match(path) is not None

    def match_or_parent(self, path: str) -> bool:
        """Whether the pattern matches ``path`` or one of its parent directories."""
        return self.match_any(_with_parents(path))

    def match_any(self, paths: tuple[str, ...]) -> bool:
        """Whether the pattern matches one of ``paths``."""
        match = self.match
        return any(match(p) for p in paths)


def _with_parents(path: str) -> tuple[str, ...]:
    """``path``, then its parent directories from the top (``a/b/c``: ``a/b/c``, ``a``, ``a/b``)."""
    parts = path.split("/")
    return (path, *("/".join(parts[: i + 1]) for i in range(len(parts) - 1)))


def _compile(pattern: str) -> tuple[str, re.Pattern[str] | None]:
    """How moby matches a cleaned pattern: ``exact``, ``prefix`` and ``suffix`` are plain
    string comparisons (moby's shortcuts, which differ from the regular expression for
    shapes like ``**.log``); ``regex`` uses the anchored translation."""
    out = ["^"]
    kind = "exact"
    i, n, token = 0, len(pattern), 0
    while i < n:
        ch = pattern[i]
        if ch == "*" and i + 1 < n and pattern[i + 1] == "*":
            i += 2
            if i < n and pattern[i] == "/":
                i += 1
            if i >= n:
                if kind == "exact":
                    kind = "prefix"
                else:
                    out.append(".*")
                    kind = "regex"
            else:
                out.append("(.*/)?")
                kind = "regex"
            if token == 0:
                kind = "suffix"
            token += 1
            continue
        if ch == "*":
            out.append("[^/]*")
            kind = "regex"
        elif ch == "?":
            out.append("[^/]")
            kind = "regex"
        elif ch in _REGEX_SPECIAL:
            out.append("\\" + ch)
        elif ch == "\\":
            if i + 1 < n:
                out.append("\\" + pattern[i + 1])
                kind = "regex"
                i += 1
            else:
                out.append("\\\\")
        elif ch in "[]":
            out.append(ch)
            kind = "regex"
        else:
            out.append(ch)  # `^` passes through unescaped, as in moby
        i += 1
        token += 1
    if kind != "regex":
        return kind, None
    return kind, re.compile("".join(out) + "$")


def _checked(text: str, line: int) -> str:
    try:
        _compile(text)
    except re.error as exc:
        raise PatternError(f"line {line}: bad pattern {text!r} ({exc})") from None
    return text


def parse(text: str) -> list[Pattern]:
    """The patterns of a ``.dockerignore`` file, in order."""
    patterns: list[Pattern] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        line = line.removeprefix("\ufeff") if number == 1 else line
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        source = pattern
        exclusion = pattern.startswith("!")
        if exclusion:
            pattern = pattern[1:].strip()
            if not pattern:
                raise PatternError(f"line {number}: illegal exclusion pattern \"!\"")
        pattern = clean(pattern)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern[1:]
        patterns.append(Pattern(_checked(pattern, number), exclusion, number, source))
    return patterns


@dataclass(frozen=True)
class Verdict:
    path: str
    excluded: bool
    by: Pattern | None  # the last pattern that decided, None when no pattern matched

    def describe(self, ignore_file: str = ".dockerignore") -> str:
        if self.by is None:
            return f"{self.path} is not matched by {ignore_file}"
        verb = "excluded" if self.excluded else "re-included"
        return f"{self.path} is {verb} by {ignore_file}:{self.by.line} `{self.by.source}`"


# The patterns of the .dockerignore texts read in this process (patterns are immutable).
_PARSED: Memo[str, list[Pattern]] = Memo(32)


class Matcher:
    """The patterns of one ``.dockerignore``; ``check(path)`` says whether a path is left out."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns

    @classmethod
    def from_text(cls, text: str) -> Matcher:
        """The patterns of ``text``, parsed (and their expressions compiled) once per text:
        a fix's steps read the same file's rules again and again."""
        return cls(list(_PARSED.get(text, lambda: parse(text))))

    def check(self, path: str) -> Verdict:
        """Docker's verdict on a context-relative slash path (``MatchesOrParentMatches``)."""
        path = clean(path.lstrip("/"))
        excluded = False
        by: Pattern | None = None
        if path == ".":
            return Verdict(path, False, None)
        paths = _with_parents(path)
        for pattern in self.patterns:
            # An exclusion only matters once excluded, an inclusion only while included.
            if pattern.exclusion != excluded:
                continue
            if pattern.match_any(paths):
                excluded = not pattern.exclusion
                by = pattern
        return Verdict(path, excluded, by)

    def excluded(self, path: str) -> bool:
        return self.check(path).excluded
