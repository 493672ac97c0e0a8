"""Text from outside the tool (file and directory names, commit subjects and authors, file
contents quoted in reasons) made harmless for a terminal and for Markdown.

* :func:`line`: one line for a terminal: control characters (C0 but tab, DEL, C1, and the
  bidirectional overrides) are shown as escapes (``\\r``, ``\\x1b``, ``\\u202e``), so a CR
  cannot overwrite a status column nor an escape sequence repaint the screen.
* :func:`terminal`: a whole rendered report, the same except newlines and the colour
  sequences the renderer itself added.
* :func:`markdown`: one line of Markdown that renders as the literal text: HTML (``<!--``,
  tags) as entities, Markdown punctuation backslash-escaped, ``@mentions`` broken with a
  zero-width space (the way Renovate quotes release notes) so an issue body pings no one.
"""

from __future__ import annotations

import functools
import re

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}
_OWN_SGR = re.compile(r"\x1b\[[0-9;]*m")
# Markdown punctuation that can start markup anywhere in a line (``_`` only at a word's edge:
# inside a word, as in ``static_dir``, GitHub never reads it as emphasis).
@functools.cache
def _md_punct() -> re.Pattern[str]:
    return re.compile(r"([\\`*\[\]|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def line(text: str) -> str:
    """``text`` as one terminal line, control characters escaped."""
    return _CONTROL.sub(_escape, text)


def terminal(text: str) -> str:
    """A rendered report: control characters escaped but newlines and colour sequences."""
    out = []
    for piece in re.split(r"(\x1b\[[0-9;]*m|\n)", text):
        out.append(piece if piece == "\n" or _OWN_SGR.fullmatch(piece) else line(piece))
    return "".join(out)


def markdown(text: str) -> str:
    """``text`` as one line of Markdown that renders literally (no HTML, links, emphasis or mentions)."""
    flat = " ".join(line(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _md_punct().sub(r"\\\g<0>", flat)
    return flat.replace("@", "@&#8203;")
