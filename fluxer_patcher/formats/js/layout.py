"""The target checkout's formatter settings (biome) and line wrapping of an edit as biome would.

Upstream formats with biome (``biome.json``: ``lineWidth`` 120, tabs); an edit that makes a
line longer than that fails ``biome ci`` on every patched tree.  :func:`style` reads the
settings that apply to a file (the nearest ``biome.json``/``biome.jsonc`` and, through
``"root": false``, the ones above it); :func:`replacement` gives the text that replaces a
node, broken the way biome's printer breaks the shapes modelled here:

* the right side of ``=`` (a declaration or an assignment) that is a binary expression, or
  a conditional whose test is one, goes on the next line, one indent deeper
  (biome's "break after operator" layout);
* if it is a conditional and still too long, ``? …`` and ``: …`` go on lines of their own,
  one indent deeper again.

Anything else that ends up too long is left as written, with a note saying so.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import TYPE_CHECKING, Any

from fluxer_patcher.formats.js import structure
from fluxer_patcher.record import dataclass
from fluxer_patcher.source.base import SourceError

if TYPE_CHECKING:
    from tree_sitter import Node

    from fluxer_patcher.source.base import Source
    from fluxer_patcher.syntax.document import Document

CONFIG_FILES = ("biome.json", "biome.jsonc")
_BINARYISH = frozenset({"binary_expression"})


@dataclass(frozen=True)
class Style:
    line_width: int
    indent: str  # one level: a tab, or indent_width spaces
    indent_width: int
    config: str  # the file the settings come from

    def width(self, line: str) -> int:
        """Columns of ``line`` as biome counts them (a tab is ``indent_width`` columns)."""
        return len(line.replace("\t", " " * self.indent_width))


def _jsonc(text: str) -> Any:
    """JSON with comments and trailing commas (biome's own config syntax)."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
        else:
            out.append(ch)
            i += 1
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", "".join(out)))


def _configs(source: Source, path: str) -> list[tuple[str, dict[str, Any]]]:
    """The biome configs that apply to ``path``, nearest first, up to the root one."""
    found: list[tuple[str, dict[str, Any]]] = []
    directory = posixpath.dirname(path)
    while True:
        for name in CONFIG_FILES:
            candidate = posixpath.join(directory, name) if directory else name
            if not source.is_file(candidate):
                continue
            try:
                data = _jsonc(source.read(candidate).decode("utf-8"))
            except (SourceError, UnicodeDecodeError, ValueError):
                return found
            if isinstance(data, dict):
                found.append((candidate, data))
                if data.get("root", True) is not False:
                    return found
            break
        if not directory:
            return found
        directory = posixpath.dirname(directory)


def _setting(configs: list[tuple[str, dict[str, Any]]], key: str) -> Any:
    for _, data in configs:
        for section in (data.get("javascript", {}).get("formatter", {}), data.get("formatter", {})):
            if isinstance(section, dict) and key in section:
                return section[key]
    return None


def style(source: Source, path: str) -> Style | None:
    """The formatter settings biome applies to ``path``; ``None`` without a biome config (or
    with its formatter off): then nothing is wrapped."""
    configs = _configs(source, path)
    if not configs or _setting(configs, "enabled") is False:
        return None
    width = _setting(configs, "lineWidth")
    indent_width = _setting(configs, "indentWidth")
    indent_width = indent_width if isinstance(indent_width, int) and indent_width > 0 else 2
    indent = "\t" if _setting(configs, "indentStyle") in (None, "tab") else " " * indent_width
    return Style(width if isinstance(width, int) and width > 0 else 80, indent, indent_width, configs[0][0])


@dataclass(frozen=True)
class Replacement:
    start: int  # byte range of the original text replaced
    end: int
    text: str
    note: str = ""


def _break_after_operator(frag: Node) -> bool:
    if frag.type in _BINARYISH:
        return True
    if frag.type == "ternary_expression":
        test = frag.child_by_field_name("condition")
        return test is not None and test.type in _BINARYISH
    return False


def replacement(doc: Document, target: Node, rendered: str, settings: Style | None) -> Replacement:
    """``rendered`` in place of ``target``, wrapped as biome would when the line gets too long."""
    plain = Replacement(target.start_byte, target.end_byte, rendered)
    if settings is None or "\n" in rendered:
        return plain
    line_start, line_end = doc.line_start(target.start_byte), doc.line_end(target.end_byte)
    prefix = doc.data[line_start : target.start_byte].decode("utf-8")
    suffix = doc.data[target.end_byte : line_end].decode("utf-8")
    limit = settings.line_width
    if settings.width(prefix + rendered + suffix) <= limit:
        return plain
    too_long = (f"{doc.loc(target)}: the line is {settings.width(prefix + rendered + suffix)} columns, beyond "
                f"lineWidth {limit} of {settings.config}; not wrapped (a shape this tool does not lay out)")
    parent, operator = target.parent, target.prev_sibling
    is_rhs = parent is not None and (
        (parent.type == "variable_declarator" and parent.child_by_field_name("value") == target)
        or (parent.type == "assignment_expression" and parent.child_by_field_name("right") == target))
    assert doc.language is not None
    frag_doc, frag = structure.parse_expression(doc.language, rendered)
    if not is_rhs or operator is None or operator.type != "=" or not _break_after_operator(frag):
        return Replacement(target.start_byte, target.end_byte, rendered, too_long)
    newline = doc.newline.decode()
    base = doc.indent_at(line_start).decode()
    one, two = base + settings.indent, base + settings.indent + settings.indent
    why = f"wrapped as biome would (lineWidth {limit} of {settings.config})"
    if settings.width(one + rendered + suffix) <= limit:
        return Replacement(operator.end_byte, target.end_byte, newline + one + rendered, why)
    if frag.type != "ternary_expression":
        return Replacement(target.start_byte, target.end_byte, rendered, too_long)
    parts = [frag.child_by_field_name(f) for f in ("condition", "consequence", "alternative")]
    if any(p is None for p in parts):
        return Replacement(target.start_byte, target.end_byte, rendered, too_long)
    cond, cons, alt = (frag_doc.text(p) for p in parts if p is not None)
    lines = [one + cond, two + "? " + cons, two + ": " + alt + suffix]
    if any("\n" in line or settings.width(line) > limit for line in lines):
        return Replacement(target.start_byte, target.end_byte, rendered, too_long)
    text = newline + newline.join(lines)
    return Replacement(operator.end_byte, target.end_byte, text[: len(text) - len(suffix)], why)
