"""Edit primitives for TOML (no grammar: tomlkit parses, the edit is a splice on the original)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from fluxer_patcher.catalogue.params import Param
from fluxer_patcher.engine.primitives import Answer, Apply, Drift, Edit, EditContext, ParameterError, Present, primitive
from fluxer_patcher.model import ReasonKind

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key_text(part: str) -> str:
    return part if _BARE.match(part) else '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dotted(parts: list[str]) -> str:
    return ".".join(_key_text(p) for p in parts)


def _value(text: str) -> Any:
    """The data of a TOML value written as text (``false``, ``["-Os"]``)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"not a TOML value: {text!r} ({exc})") from None


def _line_of(text: str, table: list[str], key: str) -> int | None:
    """The 1-based line assigning ``key`` in the ``[table]`` section (else the first one anywhere)."""
    lines = text.splitlines()
    part = r"\s*\.\s*".join(f"(?:{re.escape(p)}|\"{re.escape(p)}\"|'{re.escape(p)}')" for p in table)
    header = re.compile(rf"^\s*\[\s*{part}\s*\]")
    assign = re.compile(rf"^\s*(?:[^=#]*\.\s*)?[\"']?{re.escape(key)}[\"']?\s*=")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is not None:
        for i in range(start + 1, len(lines)):
            if lines[i].lstrip().startswith("["):
                break
            if assign.match(lines[i]):
                return i + 1
    return next((i + 1 for i, line in enumerate(lines) if assign.match(line)), None)


@primitive(
    "set-toml-key",
    Param("table", doc="the dotted name of the table (`package.metadata.wasm-pack.profile.release`)"),
    Param("key", doc="the key to set in it"),
    Param("value", doc="the value, as TOML text (`false`, `[\"-Os\"]`)"),
)
def set_toml_key(ctx: EditContext) -> Answer:
    """Give the TOML table ``table`` the key ``key`` = ``value``.

    Present when the key already holds that value, however the file writes it (a header
    table, dotted keys, an inline table).  Another value there is the file's own choice:
    drift of kind ``conflict`` naming the line.  A missing key goes at the end of the
    table's own ``[header]`` section (tomlkit decides the place, so comments and layout
    stay); a missing table becomes a new ``[table]`` section at the end of the file.  A
    table written inline or through dotted keys, or a path through a non-table, is drift.
    The result is checked with ``tomllib``: only that key changes."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import Table

    parts = [p.strip() for p in ctx.text("table").split(".")]
    key = ctx.text("key")
    raw_value = ctx.text("value").strip()
    want = _value(raw_value)
    path = ctx.doc.path
    text = ctx.doc.data.decode("utf-8")
    newline = ctx.doc.newline.decode()
    try:
        before = tomllib.loads(text)
        doc = tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, TOMLKitError) as exc:
        return Drift(f"{path}: not valid TOML ({exc})", ReasonKind.SYNTAX_ERROR)
    name = _dotted([*parts, key])
    data: Any = before
    for depth, part in enumerate(parts):
        if not isinstance(data, dict):
            where = _dotted(parts[:depth])
            return Drift(f"{path}: `{where}` is not a table (found `{data!r}`); expected {ctx.looking_for}",
                         ReasonKind.CONFLICT)
        data = data.get(part, {})
    if not isinstance(data, dict):
        return Drift(f"{path}: `{_dotted(parts)}` is not a table (found `{data!r}`)", ReasonKind.CONFLICT)
    if key in data:
        if data[key] == want:
            return Present()
        line = _line_of(text, parts, key)
        at = f"{path}:{line}" if line else path
        return Drift(f"{at}: `{name}` is `{tomlkit.item(data[key]).as_string()}`, its own choice; "
                     f"the fix sets it to `{raw_value}`", ReasonKind.CONFLICT)
    node: Any = doc
    exists = True
    for part in parts:
        if part not in node:
            exists = False
            break
        node = node[part]
    if exists and not (isinstance(node, Table) and not node.is_super_table()):
        return Drift(f"{path}: `{_dotted(parts)}` is written inline or through dotted keys; "
                     f"add `{key} = {raw_value}` to it by hand", ReasonKind.UNEXPECTED_SHAPE)
    if exists:
        node.add(key, tomlkit.item(want))
        new = tomlkit.dumps(doc)
        p = 0
        while p < min(len(text), len(new)) and text[p] == new[p]:
            p += 1
        s = 0
        while s < min(len(text), len(new)) - p and text[-1 - s] == new[-1 - s]:
            s += 1
        if text[p : len(text) - s]:
            return Drift(f"{path}: tomlkit would rewrite more than the new key; not edited")
        inserted = new[p : len(new) - s].replace("\r\n", "\n").replace("\n", newline)
        inserted = inserted.replace(f"= {tomlkit.item(want).as_string()}", f"= {raw_value}", 1)
        start, edit_text = p, inserted
    else:
        lead = "" if not text or text.endswith("\n") else newline
        gap = "" if not text.strip() else newline
        start, edit_text = len(text), f"{lead}{gap}[{_dotted(parts)}]{newline}{key} = {raw_value}{newline}"
    offset = len(text[:start].encode("utf-8"))
    after_text = text[:start] + edit_text + text[start:]
    expected = tomllib.loads(text)
    cursor = expected
    for part in parts:
        cursor = cursor.setdefault(part, {})
    cursor[key] = want
    if tomllib.loads(after_text) != expected:
        return Drift(f"{path}: the edit would change more than `{name}`; not edited")
    return Apply((Edit(offset, offset, edit_text.encode("utf-8")),), f"set `{name} = {raw_value}`")
