"""Edit primitives for ``.dockerignore`` (no grammar: the primitive reads the lines itself)."""

from __future__ import annotations

from fluxer_patcher.catalogue.params import TEXTS, Param
from fluxer_patcher.engine.primitives import Answer, Apply, Drift, Edit, EditContext, Present, primitive
from fluxer_patcher.formats.dockerignore import rules as dockerignore
from fluxer_patcher.record import dataclass


@dataclass
class _Line:
    text: str  # without its line ending
    ending: str
    tag: str = ""  # "commented" / "exception" / "why" for lines this fix wrote


def _lines(text: str) -> list[_Line]:
    """The file's lines, split at ``\\n`` as Docker's reader does, endings kept apart."""
    out = []
    for raw in text.split("\n"):
        body = raw.removesuffix("\r")
        out.append(_Line(body, raw[len(body) :] + "\n"))
    last = out.pop()  # the text after the final line break
    if last.text or last.ending != "\n":
        out.append(_Line(last.text, last.ending[:-1]))
    return out


def _join(lines: list[_Line]) -> str:
    return "".join(line.text + line.ending for line in lines)


def _caught_parent(pattern: dockerignore.Pattern, path: str) -> str | None:
    """The shortest parent directory of ``path`` that ``pattern`` matches, if any."""
    parts = path.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        candidate = "/".join(parts[:i])
        if pattern.match(candidate):
            return candidate
    return None


@primitive(
    "dockerignore-admit",
    Param("paths", TEXTS, "the paths (or patterns standing for files) that must reach the build"),
    Param("why", doc="the comment written above the changed lines"),
)
def dockerignore_admit(ctx: EditContext) -> Answer:
    """Let ``paths`` reach the Docker build: decided by Docker's ignore semantics.

    A path may be written as a pattern (``locales/*/messages.js``) standing for all the
    files it names; it is checked as written.  Present when none of ``paths`` is
    excluded.  Otherwise, for each excluded path, the pattern that decides it is handled:
    a pattern that names exactly that path (after Docker's cleaning, a leading ``/``
    ignored) is commented out; a pattern that catches a parent directory gets the
    exceptions ``!dir`` and ``!dir/**`` right after it (so the patterns below it still
    apply); any other pattern that matches the path (``*.json``, ``**/*.js``) stays, for
    the other files it excludes, and gets ``!path`` right after it.  ``why`` becomes a
    comment above the changed lines.  Re-evaluated after each change; drift when the
    paths still do not reach the build."""
    paths = ctx.texts("paths")
    why = "# " + ctx.text("why").strip().removeprefix("#").strip()
    text = ctx.doc.data.decode("utf-8")
    newline = ctx.doc.newline.decode()
    try:
        matcher = dockerignore.Matcher.from_text(text)
    except dockerignore.PatternError as exc:
        return Drift(f"{ctx.doc.path}: {exc}")
    if not any(matcher.excluded(p) for p in paths):
        return Present()
    lines = _lines(text)
    if lines and not lines[-1].ending:
        lines[-1].ending = newline
    done: list[str] = []
    for _ in range(4 * len(paths)):
        matcher = dockerignore.Matcher.from_text(_join(lines))
        verdict = next((v for v in map(matcher.check, paths) if v.excluded), None)
        if verdict is None:
            break
        pattern = verdict.by
        assert pattern is not None
        index = pattern.line - 1
        parent = _caught_parent(pattern, verdict.path) if not pattern.match(verdict.path) else None
        if parent is None and pattern.text == dockerignore.clean(verdict.path.lstrip("/")):
            lines[index].text = "# " + lines[index].text
            lines[index].tag = "commented"
            if index == 0 or lines[index - 1].tag not in ("commented", "why"):
                lines.insert(index, _Line(why, newline, "why"))
            done.append(f"commented out `{pattern.source}`")
            continue
        exceptions = [f"!{parent}", f"!{parent}/**"] if parent is not None else [f"!{verdict.path}"]
        at = index + 1
        while at < len(lines) and lines[at].tag in ("exception-why", "exception"):
            at += 1
        new = [_Line(e, newline, "exception") for e in exceptions]
        if lines[at - 1].tag != "exception":
            new.insert(0, _Line(why, newline, "exception-why"))
        lines[at:at] = new
        done.append(f"added {' and '.join(exceptions)} after `{pattern.source}`")
    else:
        still = [dockerignore.Matcher.from_text(_join(lines)).check(p) for p in paths]
        blocked = [v.describe(ctx.doc.path) for v in still if v.excluded]
        if blocked:
            return Drift("; ".join(blocked))
    new_text = _join(lines)
    if not text.endswith(("\n", "\r")) and text:
        new_text = new_text[: -len(newline)]
    return Apply((Edit(0, len(ctx.doc.data), new_text.encode("utf-8")),), "; ".join(done))
